import { DomainError } from '../domain/errors.js';
import { TERMINAL_STATUSES, type Operation } from '../domain/operation.js';
import { processAlive } from '../registry/operations.js';
import type { OperationUpdate } from '../registry/types.js';
import { createJobEvents, type JobEvent, type JobListener } from './events.js';
import { createJobQueue } from './job-queue.js';
import { createProgressRecorder, type ProgressRecorder } from './progress-recorder.js';
import type { JobResult, JobSpec } from './protocol.js';
import type { JobRunnerOptions, SubmitOptions } from './types.js';
import { recoverJobs, type RecoverOptions, type RecoveryReport } from './recovery.js';
import { cancelledRow, endRow, failedRow, registrationFailedRow, rowForOutcome, timeLimitMessage } from './outcome.js';
import { createStaging } from './staging.js';
import { startWorkerJob, type WorkerJob, type WorkerOutcome } from './worker-job.js';
import { trainingWorkerEntry } from './worker-script.js';
import { guardTimerWrite } from '../registry/busy-retry.js';
import type { Worker } from 'node:worker_threads';

/** A warm trial thread runs at most this many trials (a slow leak in a backend cannot grow without bound). */
const RECYCLE_AFTER = 100;
/** A warm thread no trial has asked for in this long is retired (its backend holds memory). */
const IDLE_MS = 30_000;

export type { JobEvent, JobListener, JobRunnerOptions, RecoverOptions, RecoveryReport, SubmitOptions };

interface Active {
  job: WorkerJob;
  recorder: ProgressRecorder;
  heartbeat: NodeJS.Timeout;
  cancelReason?: string;
  graceTimer?: NodeJS.Timeout;
  /** Set when the job ran past its wall-time limit and was terminated. */
  timeLimit?: { timer: NodeJS.Timeout; expired?: string };
}

/**
 * Runs training jobs in worker threads, first in first out with a high-priority lane served first,
 * and keeps every operation row truthful: pending, running, then completed / failed / cancelled.
 */
export function createJobRunner(opts: JobRunnerOptions) {
  const { operations, logger } = opts;
  const clock = opts.clock ?? (() => new Date());
  const size = Math.max(1, opts.workers ?? 1);
  const graceMs = opts.cancelGraceMs ?? 5000;
  const entry = opts.workerEntry ?? trainingWorkerEntry();
  const staging = createStaging(opts.stagingDir);
  const events = createJobEvents(logger);
  const queue = createJobQueue<{ id: string; spec: JobSpec }>();
  const active = new Map<string, Active>();
  /**
   * Threads that ran a tuning trial to a result, kept warm for the next trial (at most one per
   * worker slot); each is retired after RECYCLE_AFTER trials or IDLE_MS without one.
   */
  const idle: { worker: Worker; timer: NodeJS.Timeout }[] = [];
  const trialsRun = new WeakMap<Worker, number>();
  /** Trials' pruners, by operation id (set at submit, dropped when the job ends). */
  const reporters = new Map<string, NonNullable<SubmitOptions['onReport']>>();
  /** Jobs whose worker finished and whose result is being stored (onCompleted: a model registered, a report written). */
  const completing = new Map<string, Promise<void>>();
  let accepting = true;
  let closing: Promise<void> | undefined;

  /** Ends an operation (a row that already ended keeps its status) and wakes its waiters. */
  function finish(id: string, patch: OperationUpdate): Operation {
    const op = endRow(operations, id, patch);
    events.ended(op);
    return op;
  }

  function retire(worker: Worker): void {
    const i = idle.findIndex((w) => w.worker === worker);
    if (i >= 0) clearTimeout(idle.splice(i, 1)[0]!.timer);
    void worker.terminate();
  }

  /** Keeps a thread whose trial ended with a result for the next trial, when that is safe. */
  function park(id: string, worker: Worker): boolean {
    const a = active.get(id);
    const runs = (trialsRun.get(worker) ?? 0) + 1;
    trialsRun.set(worker, runs);
    if (!accepting || !a || a.cancelReason !== undefined || a.timeLimit?.expired || runs >= RECYCLE_AFTER || idle.length >= size)
      return false;
    worker.unref();
    const timer = setTimeout(() => retire(worker), IDLE_MS);
    timer.unref();
    idle.push({ worker, timer });
    worker.once('exit', () => {
      const i = idle.findIndex((w) => w.worker === worker);
      if (i >= 0) clearTimeout(idle.splice(i, 1)[0]!.timer);
    });
    return true;
  }

  /** A warm thread for a trial, or undefined (a new one is started). */
  function warmWorker(): Worker | undefined {
    const w = idle.pop();
    if (!w) return undefined;
    clearTimeout(w.timer);
    w.worker.removeAllListeners('exit');
    w.worker.ref();
    return w.worker;
  }

  function settle(id: string, a: Active, outcome: WorkerOutcome): void {
    active.delete(id);
    reporters.delete(id);
    clearInterval(a.heartbeat);
    clearTimeout(a.graceTimer);
    clearTimeout(a.timeLimit?.timer);
    a.recorder.flush();
    setImmediate(pump);
    if (a.timeLimit?.expired && a.cancelReason === undefined) {
      staging.remove(id);
      logger.warn({ operation_id: id }, a.timeLimit.expired);
      finish(id, failedRow('TIME_LIMIT', a.timeLimit.expired));
      return;
    }
    const row = rowForOutcome(outcome, a.cancelReason);
    if (row === 'register') {
      if (outcome.type === 'result') complete(id, a, outcome.result);
      return;
    }
    staging.remove(id);
    if (row.status === 'failed') logger.warn({ operation_id: id, error: row.error }, 'training job failed');
    finish(id, row);
  }

  function complete(id: string, a: Active, result: JobResult): void {
    const kind = 'kind' in result ? result.kind : 'training';
    const backtest = kind === 'backtest';
    a.recorder.record(
      backtest
        ? { phase: 'saving', progress_pct: 99, message: 'writing the backtest report' }
        : kind === 'trial'
          ? { phase: 'saving', progress_pct: 99, message: 'recording the trial' }
          : { phase: 'deployment_decision', progress_pct: 99, message: 'registering the model' },
    );
    const done = (async () => {
      try {
        const registered = await opts.onCompleted(operations.get(id), result, staging.pathFor(id));
        finish(id, { status: 'completed', progress_pct: 100, message: 'completed', result: registered, metrics: a.recorder.metrics() });
      } catch (err) {
        staging.remove(id);
        logger.warn({ operation_id: id, err }, backtest ? 'storing the backtest report failed' : 'registering the trained model failed');
        finish(id, registrationFailedRow(err));
      }
    })().finally(() => completing.delete(id));
    completing.set(id, done);
  }

  /** Asks the worker to stop; terminates it if it has not within the grace period. */
  function requestCancel(id: string, a: Active, reason: string): void {
    a.cancelReason ??= reason;
    a.job.cancel(reason);
    a.graceTimer ??= setTimeout(() => {
      logger.warn({ operation_id: id, grace_ms: graceMs }, 'worker did not stop after cancel; terminating it');
      void a.job.terminate(`the worker did not stop within ${graceMs} ms and was terminated`);
    }, graceMs);
  }

  /** Terminates the job's worker once it has run `limit.ms`; settle then fails the row with TIME_LIMIT. */
  function startTimeLimit(id: string, a: Active, limit: NonNullable<JobRunnerOptions['timeLimit']>): NodeJS.Timeout {
    const timer = setTimeout(() => {
      if (!a.timeLimit || a.cancelReason !== undefined || active.get(id) !== a) return;
      a.timeLimit.expired = timeLimitMessage(limit);
      void a.job.terminate(a.timeLimit.expired);
    }, limit.ms);
    timer.unref();
    return timer;
  }

  function start(id: string, spec: JobSpec): void {
    events.emit({ type: 'status', operation: operations.claim(id) });
    const recorder = createProgressRecorder(operations, id, clock, opts.progressThrottleMs ?? 250, logger.child({ operation_id: id }));
    const heartbeat = setInterval(
      () => void guardTimerWrite(logger.child({ operation_id: id }), 'heartbeat', () => operations.heartbeat(id)),
      opts.heartbeatMs ?? 5000,
    );
    heartbeat.unref();
    const a = { recorder, heartbeat } as Active;
    active.set(id, a);
    if (opts.timeLimit) a.timeLimit = { timer: startTimeLimit(id, a, opts.timeLimit) };
    a.job = startWorkerJob({
      id,
      spec,
      entry,
      stagingDir: staging.dir,
      resourceLimits: opts.resourceLimits,
      logger,
      onProgress: (progress) => {
        recorder.record(progress);
        events.emit({ type: 'progress', operation_id: id, progress });
      },
      onReport: reporters.get(id),
      ...(spec.kind === 'trial' ? { worker: warmWorker(), keepAlive: (w: Worker) => park(id, w) } : {}),
      onEnd: (outcome) => settle(id, a, outcome),
    });
  }

  function pump(): void {
    while (accepting && active.size < size) {
      const next = queue.next();
      if (!next) return;
      try {
        start(next.id, next.spec);
      } catch (err) {
        const a = active.get(next.id);
        if (a) clearInterval(a.heartbeat);
        active.delete(next.id);
        logger.error({ err, operation_id: next.id }, 'could not start job');
        try {
          finish(next.id, failedRow('WORKER_CRASHED', `could not start the training worker: ${(err as Error).message}`));
        } catch (e) {
          logger.error({ err: e, operation_id: next.id }, 'could not record the failed start');
        }
      }
    }
  }

  const runner = {
    /** Creates the operation row and queues the job; returns the `pending` row at once. */
    submit(spec: JobSpec, o: SubmitOptions = {}): Operation {
      runner.assertAccepting();
      const priority = o.priority ?? 'normal';
      const type = spec.kind === 'backtest' ? 'backtest' : spec.kind === 'trial' ? 'trial' : 'training';
      const op = operations.create({ type, parent_id: o.parent_id ?? null, params: o.params ?? {}, priority });
      if (o.onReport) reporters.set(op.id, o.onReport);
      queue.push(priority, { id: op.id, spec });
      events.emit({ type: 'status', operation: op });
      setImmediate(pump);
      return op;
    },

    /** Throws SHUTTING_DOWN once shutdown has begun (callers check it before their own checks read the registry). */
    assertAccepting(): void {
      if (!accepting)
        throw new DomainError(
          'SHUTTING_DOWN',
          'trainyard is shutting down (the server is stopping) and accepts no new jobs. Start it again and resubmit.',
        );
    },

    /** Position in the queue (1 = next), 0 while running, null when not queued here. */
    queuePosition(id: string): number | null {
      if (active.has(id) || completing.has(id)) return 0;
      const i = queue.ids().indexOf(id);
      return i < 0 ? null : i + 1;
    },

    /**
     * Pending: leaves the queue and ends `cancelled` at once. Running: the worker stops at its next
     * batch and the row ends `cancelled` (a worker that does not stop within the grace period is
     * terminated); staged artifacts are removed either way.
     */
    cancel(id: string, reason: string): Operation {
      const op = operations.get(id);
      if (TERMINAL_STATUSES.has(op.status))
        throw new DomainError('CONFLICT', `Operation ${id} already ended as ${op.status}; there is nothing to cancel.`, {
          id,
          status: op.status,
        });
      if (queue.remove(id)) {
        reporters.delete(id);
        return finish(id, cancelledRow(reason, `cancelled before it started: ${reason}`));
      }
      const a = active.get(id);
      if (!a) {
        const why = completing.has(id)
          ? 'has finished its work and its result is being stored (a model registered or a report written); it can no longer be cancelled'
          : `is ${op.status} but is not running in this process (owner pid ${op.owner_pid ?? '?'}); cancel it from the process that runs it`;
        throw new DomainError('CONFLICT', `Operation ${id} ${why}.`, { id, status: op.status });
      }
      requestCancel(id, a, reason);
      return operations.update(id, { message: `cancelling: ${reason}` });
    },

    on: (listener: JobListener): (() => void) => events.on(listener),
    subscribe: (id: string, listener: JobListener): (() => void) => events.subscribe(id, listener),

    /** The operation once it ends, or as it stands at the timeout / abort (the job goes on). */
    waitFor(id: string, o: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<Operation> {
      const op = operations.get(id);
      if (TERMINAL_STATUSES.has(op.status)) return Promise.resolve(op);
      return events.waitForEnd(id, () => operations.get(id), o);
    },

    /** On start: rows of dead processes become interrupted; leftover folders are removed. */
    recover(o: RecoverOptions = {}): RecoveryReport {
      const owns = (id: string) => active.has(id) || completing.has(id) || queue.ids().includes(id);
      const report = recoverJobs(operations, staging, o.isAlive ?? processAlive, owns, o.folders ?? (() => []));
      if (report.interrupted.length || report.removed.length) logger.info(report, 'recovered from an earlier run');
      return report;
    },

    /**
     * Stops taking jobs; queued ones end cancelled; running ones are cancelled (`cancel`) or awaited
     * (`finish`) up to `timeoutMs`, then terminated (cancelled). Every row ends terminal. Idempotent.
     */
    shutdown(o: { mode: 'cancel' | 'finish'; timeoutMs?: number }): Promise<void> {
      closing ??= (async () => {
        accepting = false;
        for (const q of queue.drain()) {
          reporters.delete(q.id);
          finish(q.id, cancelledRow('shutdown', 'cancelled: trainyard shut down'));
        }
        const ids = [...active.keys()];
        if (o.mode === 'cancel') for (const [id, a] of active) requestCancel(id, a, 'shutdown');
        await Promise.all(ids.map((id) => runner.waitFor(id, { timeoutMs: o.timeoutMs ?? 30_000 })));
        await Promise.all(
          [...active.entries()].map(([, a]) => {
            a.cancelReason ??= 'shutdown';
            return a.job.terminate(`the job did not end within ${o.timeoutMs ?? 30_000} ms of shutdown and was terminated`);
          }),
        );
        await Promise.all(completing.values());
        await Promise.all(idle.splice(0).map((w) => (clearTimeout(w.timer), w.worker.terminate())));
      })();
      return closing;
    },

    /** Operation ids running now and queued (in the order they will start), and trial threads kept warm. */
    stats(): { running: string[]; queued: string[]; warm: number } {
      return { running: [...active.keys(), ...completing.keys()], queued: queue.ids(), warm: idle.length };
    },
  };
  return runner;
}

export type JobRunner = ReturnType<typeof createJobRunner>;
