/** Two first-in-first-out lanes; the high lane is always served first. */
export function createJobQueue<T extends { id: string }>() {
  const lanes: Record<'high' | 'normal', T[]> = { high: [], normal: [] };
  const all = () => [...lanes.high, ...lanes.normal];
  return {
    push(lane: 'high' | 'normal', item: T): void {
      lanes[lane].push(item);
    },
    next(): T | undefined {
      return lanes.high.shift() ?? lanes.normal.shift();
    },
    /** Takes a queued item out; false when it is not queued. */
    remove(id: string): boolean {
      for (const lane of [lanes.high, lanes.normal]) {
        const i = lane.findIndex((q) => q.id === id);
        if (i >= 0) return lane.splice(i, 1).length > 0;
      }
      return false;
    },
    /** Empties the queue, returning what was in it. */
    drain(): T[] {
      return [...lanes.high.splice(0), ...lanes.normal.splice(0)];
    },
    /** Ids in the order they will start. */
    ids: (): string[] => all().map((q) => q.id),
  };
}
