import type { Logger } from 'pino';
import type { Operation } from '../domain/operation.js';
import type { PipelineProgress } from '../pipeline/result.js';

/** `status`: the row changed status (queued, running, ended); `progress`: raw progress from the worker. */
export type JobEvent = { type: 'progress'; operation_id: string; progress: PipelineProgress } | { type: 'status'; operation: Operation };
export type JobListener = (e: JobEvent) => void;

const operationIdOf = (e: JobEvent) => (e.type === 'progress' ? e.operation_id : e.operation.id);

/** Listeners for job events and waiters for an operation's end. A failing listener is logged, never fatal. */
export function createJobEvents(logger: Logger) {
  const listeners = new Set<JobListener>();
  const waiters = new Map<string, Set<(op: Operation) => void>>();

  const events = {
    emit(e: JobEvent): void {
      for (const l of listeners) {
        try {
          l(e);
        } catch (err) {
          logger.warn({ err }, 'job event listener failed');
        }
      }
    },

    on(listener: JobListener): () => void {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },

    subscribe(id: string, listener: JobListener): () => void {
      return events.on((e) => {
        if (operationIdOf(e) === id) listener(e);
      });
    },

    /** Announces an operation's end and wakes everyone waiting on it. */
    ended(op: Operation): void {
      events.emit({ type: 'status', operation: op });
      const set = waiters.get(op.id);
      waiters.delete(op.id);
      for (const w of set ?? []) w(op);
    },

    /** Resolves at the operation's end, or with `current()` at the timeout / abort. */
    waitForEnd(id: string, current: () => Operation, o: { timeoutMs?: number | undefined; signal?: AbortSignal | undefined }) {
      return new Promise<Operation>((resolve) => {
        const set = waiters.get(id) ?? new Set();
        waiters.set(id, set);
        const done = (op: Operation) => {
          clearTimeout(timer);
          o.signal?.removeEventListener('abort', onAbort);
          set.delete(done);
          if (!set.size && waiters.get(id) === set) waiters.delete(id);
          resolve(op);
        };
        const onAbort = () => done(current());
        const timer = o.timeoutMs === undefined ? undefined : setTimeout(onAbort, o.timeoutMs);
        set.add(done);
        if (o.signal?.aborted) onAbort();
        else o.signal?.addEventListener('abort', onAbort, { once: true });
      });
    },
  };
  return events;
}
