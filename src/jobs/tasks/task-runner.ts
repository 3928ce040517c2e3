import type { ResourceLimits, Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import { DomainError, type ErrorCode } from '../../domain/errors.js';
import { startWorker } from '../worker-script.js';
import type { FromTaskWorker, Task, TaskResult, ToTaskWorker } from './protocol.js';
import { runTask } from './run-task.js';

/** The task worker beside the module at `base` (`.ts` from sources, `.js` from dist/). */
export function taskWorkerEntry(base: string = import.meta.url): URL {
  return new URL(base.endsWith('.ts') ? './task-worker.ts' : './task-worker.js', base);
}

export interface TaskRunnerOptions {
  /** false: run tasks on the calling thread (tests that compare, tools that want no thread). Default true. */
  offThread?: boolean | undefined;
  logger?: Logger | undefined;
  resourceLimits?: ResourceLimits | undefined;
  entry?: URL | undefined;
}

export interface TaskRunner {
  run<T extends Task>(task: T): Promise<TaskResult<T>>;
  /** Ends the worker; tasks still running reject. */
  close(): Promise<void>;
}

interface Pending {
  resolve: (value: unknown) => void;
  reject: (err: Error) => void;
}

/**
 * Runs data-sized tasks (`Task`) off the main thread: one worker thread, started on the first task
 * and kept (TensorFlow.js initialises once), unref'd so it never keeps a CLI alive. A worker that
 * crashes rejects its tasks and is replaced by the next one. DomainErrors keep code and data.
 */
export function createTaskRunner(o: TaskRunnerOptions = {}): TaskRunner {
  if (o.offThread === false) return { run: runTask, close: async () => {} };
  let worker: Worker | undefined;
  let nextId = 1;
  const pending = new Map<number, Pending>();

  const failAll = (message: string) => {
    for (const p of pending.values()) p.reject(new Error(message));
    pending.clear();
  };

  const ensure = (): Worker => {
    if (worker) return worker;
    const w = startWorker(o.entry ?? taskWorkerEntry(), {
      stdout: true,
      ...(o.resourceLimits ? { resourceLimits: o.resourceLimits } : {}),
    });
    w.unref();
    // Our stdout may be the MCP stdio channel: the thread's goes to the log.
    w.stdout.setEncoding('utf8');
    w.stdout.on('data', (text: string) => o.logger?.info({ stdout: text.trimEnd() }, 'task worker wrote to stdout'));
    w.on('message', (msg: FromTaskWorker) => {
      const p = pending.get(msg.id);
      if (!p) return;
      pending.delete(msg.id);
      if (msg.ok) p.resolve(msg.result);
      else if (msg.error.code) p.reject(new DomainError(msg.error.code as ErrorCode, msg.error.message, msg.error.data));
      else {
        const err = new Error(msg.error.message);
        if (msg.error.stack) err.stack = msg.error.stack;
        p.reject(err);
      }
    });
    w.on('error', (err: Error & { code?: string }) => {
      o.logger?.warn({ err }, 'task worker crashed');
      if (worker === w) worker = undefined;
      failAll(err.code === 'ERR_WORKER_OUT_OF_MEMORY' ? 'the task worker ran out of memory' : `the task worker crashed: ${err.message}`);
    });
    w.on('exit', (code) => {
      if (worker === w) worker = undefined;
      failAll(`the task worker exited (exit code ${code})`);
    });
    worker = w;
    return w;
  };

  return {
    run<T extends Task>(task: T): Promise<TaskResult<T>> {
      const w = ensure();
      const id = nextId++;
      return new Promise<TaskResult<T>>((resolve, reject) => {
        pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
        // Only while a task is out does the worker keep the process alive.
        w.ref();
        w.postMessage({ id, task } satisfies ToTaskWorker);
      }).finally(() => {
        if (pending.size === 0) worker?.unref();
      });
    },
    async close() {
      const w = worker;
      worker = undefined;
      if (w) await w.terminate();
      failAll('trainyard is shutting down');
    },
  };
}
