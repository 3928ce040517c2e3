import type { EventEmitter } from 'node:events';
import { TERMINAL_STATUSES, type Operation } from '../domain/operation.js';

export interface RunWaitOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
  onProgress?: (op: Operation) => void;
}

/**
 * A background run's row once it ends, or as it stands at the timeout or abort (the run goes on):
 * `events` carries the run's rows under its id (research and tuning runs emit every update).
 */
export function waitForRun(
  runId: string,
  get: (id: string) => Operation,
  running: boolean,
  events: EventEmitter,
  w: RunWaitOptions = {},
): Promise<Operation> {
  const current = get(runId);
  if (TERMINAL_STATUSES.has(current.status) || !running) return Promise.resolve(current);
  return new Promise((resolve) => {
    const finish = () => {
      clearTimeout(timer);
      events.off(runId, listener);
      w.signal?.removeEventListener('abort', finish);
      resolve(get(runId));
    };
    const listener = (row: Operation) => (TERMINAL_STATUSES.has(row.status) ? finish() : w.onProgress?.(row));
    const timer = setTimeout(finish, w.timeoutMs ?? 2 ** 31 - 1);
    events.on(runId, listener);
    w.signal?.addEventListener('abort', finish, { once: true });
  });
}
