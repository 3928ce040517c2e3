import fs from 'node:fs';
import path from 'node:path';
import type { ResourceLimits, Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import { DomainError } from '../domain/errors.js';
import { TERMINAL_STATUSES, type Operation } from '../domain/operation.js';
import type { PipelineProgress, TrainingResult } from '../pipeline/result.js';
import { processAlive, type OperationStore } from '../registry/operations.js';
import { createProgressRecorder } from './progress-recorder.js';
import type { FromWorker, ToWorker, TrainingJobSpec } from './protocol.js';
import { startWorker } from './worker-script.js';

export type JobEvent = { type: 'progress'; operation_id: string; progress: PipelineProgress } | { type: 'status'; operation: Operation };
type Listener = (e: JobEvent) => void;

export interface JobRunnerOptions {
  operations: OperationStore;
  /** Where workers save artifacts before registration: <stagingDir>/<operation_id>. */
  stagingDir: string;
  logger: Logger;
  clock?: () => Date;
  workers?: number;
  resourceLimits?: ResourceLimits;
  /** Registers the trained model; its return value becomes the operation's result. */
  onCompleted: (op: Operation, result: TrainingResult, stagedPath: string) => Promise<Record<string, unknown>> | Record<string, unknown>;
  progressThrottleMs?: number;
  heartbeatMs?: number;
  /** A worker that has not stopped this long after a cancel is terminated. */
  cancelGraceMs?: number;
}

export interface SubmitOptions {
  priority?: 'normal' | 'high';
  parent_id?: string | null;
  /** Recorded on the operation row (what was asked for). */
  params?: Record<string, unknown>;
}

interface Running {
  worker: Worker;
  cancelReason?: string;
  ended: boolean;
  heartbeat: NodeJS.Timeout;
  graceTimer?: NodeJS.Timeout;
}

/**
 * Runs training jobs in worker threads (one fresh thread per job, so a crash or an out-of-memory
 * worker never poisons the next job), first in first out with a high-priority lane, and keeps
 * every operation row truthful: pending, running, then completed / failed / cancelled.
 */
export function createJobRunner(opts: JobRunnerOptions) {
  const { operations, logger } = opts;
  const clock = opts.clock ?? (() => new Date());
  const size = Math.max(1, opts.workers ?? 1);
  const queues: Record<'high' | 'normal', { id: string; spec: TrainingJobSpec }[]> = { high: [], normal: [] };
  const running = new Map<string, Running>();
  const listeners = new Set<Listener>();
  const waiters = new Map<string, Set<(op: Operation) => void>>();
  let accepting = true;

  const emit = (e: JobEvent) => {
    for (const l of listeners) {
      try {
        l(e);
      } catch (err) {
        logger.warn({ err }, 'job event listener failed');
      }
    }
  };
  const stagedPath = (id: string) => path.join(opts.stagingDir, id);
  const removeStaged = (id: string) => {
    fs.rmSync(stagedPath(id), { recursive: true, force: true });
    if (fs.existsSync(opts.stagingDir)) {
      for (const f of fs.readdirSync(opts.stagingDir))
        if (f.startsWith(`.tmp-${id}-`)) fs.rmSync(path.join(opts.stagingDir, f), { recursive: true, force: true });
    }
  };

  /** Ends an operation (once) and wakes everyone waiting on it. */
  function finish(id: string, patch: Parameters<OperationStore['update']>[1]): Operation {
    let op: Operation;
    try {
      op = operations.update(id, patch);
    } catch (err) {
      if (!(err instanceof DomainError && err.code === 'CONFLICT')) throw err;
      op = operations.get(id);
    }
    emit({ type: 'status', operation: op });
    for (const w of waiters.get(id) ?? []) w(op);
    waiters.delete(id);
    return op;
  }

  function endRun(id: string): Running | undefined {
    const r = running.get(id);
    if (!r || r.ended) return undefined;
    r.ended = true;
    clearInterval(r.heartbeat);
    if (r.graceTimer) clearTimeout(r.graceTimer);
    running.delete(id);
    void r.worker.terminate();
    setImmediate(pump);
    return r;
  }

  function start(id: string, spec: TrainingJobSpec): void {
    const op = operations.claim(id);
    emit({ type: 'status', operation: op });
    const worker = startWorker('training-worker', opts.resourceLimits);
    const recorder = createProgressRecorder(operations, id, clock, opts.progressThrottleMs ?? 250);
    const r: Running = { worker, ended: false, heartbeat: setInterval(() => operations.heartbeat(id), opts.heartbeatMs ?? 5000) };
    r.heartbeat.unref();
    running.set(id, r);

    const fail = (code: string, message: string) => {
      const ended = endRun(id);
      if (!ended) return;
      recorder.flush();
      removeStaged(id);
      if (ended.cancelReason !== undefined || code === 'CANCELLED') {
        finish(id, { status: 'cancelled', message: `cancelled: ${ended.cancelReason ?? message}`, error: { code: 'CANCELLED', message } });
      } else {
        logger.warn({ operation_id: id, code, message }, 'training job failed');
        finish(id, { status: 'failed', message, error: { code, message } });
      }
    };

    worker.on('message', (msg: FromWorker) => {
      if (msg.type === 'progress') {
        recorder.record(msg.progress);
        emit({ type: 'progress', operation_id: id, progress: msg.progress });
      } else if (msg.type === 'error') {
        fail(msg.error.code, msg.error.message);
      } else {
        if (!endRun(id)) return;
        recorder.flush();
        recorder.record({ phase: 'deployment_decision', progress_pct: 99, message: 'registering the model' });
        Promise.resolve()
          .then(() => opts.onCompleted(operations.get(id), msg.result, stagedPath(id)))
          .then(
            (result) =>
              finish(id, { status: 'completed', progress_pct: 100, message: 'completed', result, metrics: { phases: recorder.phases() } }),
            (err: unknown) => {
              removeStaged(id);
              const code = err instanceof DomainError ? err.code : 'REGISTRATION_FAILED';
              finish(id, { status: 'failed', message: (err as Error).message, error: { code, message: (err as Error).message } });
            },
          );
      }
    });
    worker.on('error', (err: Error & { code?: string }) => {
      const oom = err.code === 'ERR_WORKER_OUT_OF_MEMORY';
      const limit = opts.resourceLimits?.maxOldGenerationSizeMb;
      fail(
        oom ? 'OUT_OF_MEMORY' : 'WORKER_CRASHED',
        oom
          ? `the training worker ran out of memory (resourceLimits.maxOldGenerationSizeMb=${limit ?? 'default'})`
          : `the training worker crashed: ${err.message}`,
      );
    });
    worker.on('exit', (code) => fail('WORKER_CRASHED', `the training worker exited unexpectedly (exit code ${code})`));
    const startMsg: ToWorker = { type: 'start', job: spec, staging_dir: opts.stagingDir, model_id: id };
    worker.postMessage(startMsg);
  }

  function pump(): void {
    while (accepting && running.size < size) {
      const next = queues.high.shift() ?? queues.normal.shift();
      if (!next) return;
      try {
        start(next.id, next.spec);
      } catch (err) {
        logger.error({ err, operation_id: next.id }, 'could not start job');
        finish(next.id, {
          status: 'failed',
          message: (err as Error).message,
          error: { code: 'WORKER_CRASHED', message: (err as Error).message },
        });
      }
    }
  }

  const runner = {
    submit(spec: TrainingJobSpec, o: SubmitOptions = {}): Operation {
      if (!accepting)
        throw new DomainError('SHUTTING_DOWN', 'trainyard is shutting down and accepts no new jobs. Start it again and resubmit.');
      const priority = o.priority ?? 'normal';
      const op = operations.create({ type: 'training', parent_id: o.parent_id ?? null, params: o.params ?? {}, priority });
      queues[priority].push({ id: op.id, spec });
      emit({ type: 'status', operation: op });
      setImmediate(pump);
      return op;
    },

    /** Position in the queue (1 = next), 0 when running, null when not queued. */
    queuePosition(id: string): number | null {
      if (running.has(id)) return 0;
      const order = [...queues.high, ...queues.normal].map((q) => q.id);
      const i = order.indexOf(id);
      return i < 0 ? null : i + 1;
    },

    cancel(id: string, reason: string): Operation {
      const op = operations.get(id);
      if (TERMINAL_STATUSES.has(op.status))
        throw new DomainError('CONFLICT', `Operation ${id} already ended as ${op.status}; there is nothing to cancel.`, {
          id,
          status: op.status,
        });
      for (const lane of ['high', 'normal'] as const) {
        const i = queues[lane].findIndex((q) => q.id === id);
        if (i >= 0) {
          queues[lane].splice(i, 1);
          return finish(id, {
            status: 'cancelled',
            message: `cancelled before it started: ${reason}`,
            error: { code: 'CANCELLED', message: reason },
          });
        }
      }
      const r = running.get(id);
      if (!r) {
        // A row of another process (or of a run that already vanished): nothing of ours runs it.
        throw new DomainError(
          'CONFLICT',
          `Operation ${id} is ${op.status} but is not running in this process (owner pid ${op.owner_pid ?? '?'}). Cancel it from the process that runs it.`,
        );
      }
      r.cancelReason ??= reason;
      const msg: ToWorker = { type: 'cancel', reason };
      r.worker.postMessage(msg);
      r.graceTimer ??= setTimeout(() => {
        logger.warn({ operation_id: id }, 'worker did not stop after cancel; terminating it');
        r.worker.emit('exit', 1);
      }, opts.cancelGraceMs ?? 5000);
      return operations.update(id, { message: `cancelling: ${reason}` });
    },

    on(listener: Listener): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },

    subscribe(id: string, listener: Listener): () => void {
      return runner.on((e) => {
        if ((e.type === 'progress' ? e.operation_id : e.operation.id) === id) listener(e);
      });
    },

    /** Resolves with the operation once it ends, or as it stands at the timeout / abort (the job goes on). */
    waitFor(id: string, o: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<Operation> {
      const op = operations.get(id);
      if (TERMINAL_STATUSES.has(op.status)) return Promise.resolve(op);
      return new Promise((resolve) => {
        const set = waiters.get(id) ?? new Set();
        waiters.set(id, set);
        const done = (value: Operation) => {
          clearTimeout(timer);
          o.signal?.removeEventListener('abort', onAbort);
          set.delete(done);
          resolve(value);
        };
        const onAbort = () => done(operations.get(id));
        const timer = o.timeoutMs === undefined ? undefined : setTimeout(() => done(operations.get(id)), o.timeoutMs);
        o.signal?.addEventListener('abort', onAbort, { once: true });
        set.add(done);
      });
    },

    /** On start: rows of dead processes become interrupted; leftover folders are removed. */
    recover(o: { isAlive?: (pid: number) => boolean; folders?: () => string[] } = {}): { interrupted: string[]; removed: string[] } {
      const interrupted = operations.markInterrupted(o.isAlive ?? processAlive);
      const removed = (o.folders?.() ?? []).filter((f) => !running.has(path.basename(f)));
      for (const f of removed) fs.rmSync(f, { recursive: true, force: true });
      if (interrupted.length || removed.length) logger.info({ interrupted, removed }, 'recovered from an earlier run');
      return { interrupted, removed };
    },

    /** Stops taking jobs; queued ones are cancelled; running ones are cancelled or awaited. */
    async shutdown(o: { mode: 'cancel' | 'finish'; timeoutMs?: number }): Promise<void> {
      accepting = false;
      for (const lane of ['high', 'normal'] as const) {
        for (const q of queues[lane].splice(0))
          finish(q.id, {
            status: 'cancelled',
            message: 'cancelled: trainyard shut down',
            error: { code: 'CANCELLED', message: 'shutdown' },
          });
      }
      const ids = [...running.keys()];
      if (o.mode === 'cancel') for (const id of ids) runner.cancel(id, 'shutdown');
      await Promise.all(ids.map((id) => runner.waitFor(id, { timeoutMs: o.timeoutMs ?? 30_000 })));
      for (const id of [...running.keys()]) {
        const r = running.get(id);
        if (!r) continue;
        r.cancelReason ??= 'shutdown: the job did not finish in time';
        r.worker.emit('exit', 1);
      }
    },

    stats(): { running: string[]; queued: string[] } {
      return { running: [...running.keys()], queued: [...queues.high, ...queues.normal].map((q) => q.id) };
    },
  };
  return runner;
}

export type JobRunner = ReturnType<typeof createJobRunner>;
