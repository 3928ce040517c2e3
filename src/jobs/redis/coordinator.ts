import { writeJsonAtomicSync } from '../../registry/atomic-write.js';
import { Queue, QueueEvents } from 'bullmq';
import type { QueueConfig } from '../../config/schema.js';
import { DomainError } from '../../domain/errors.js';
import { TERMINAL_STATUSES, type Operation } from '../../domain/operation.js';
import type { PipelineProgress } from '../../pipeline/result.js';
import { processAlive } from '../../registry/operations.js';
import type { OperationUpdate } from '../../registry/types.js';
import { guardTimerWrite } from '../../registry/busy-retry.js';
import { createJobEvents, type JobListener } from '../events.js';
import { cancelledRow, endRow, failedRow, registrationFailedRow } from '../outcome.js';
import { createProgressRecorder, type ProgressRecorder } from '../progress-recorder.js';
import type { JobResult, JobSpec, TrainingJobSpec, TrialJobSpec } from '../protocol.js';
import type { RecoverOptions, RecoveryReport } from '../recovery.js';
import { createJobRunner, type JobRunner } from '../runner.js';
import { createStaging } from '../staging.js';
import type { JobRunnerOptions, SubmitOptions } from '../types.js';
import { unpackFolder } from './artifacts.js';
import { decodeFailure, failureOf, redisConnection, type RemoteJobData, type RemoteJobReturn } from './connection.js';
import { remoteSpec, runsHere, type PackStoreBars } from './job-data.js';
import { answerReports } from './pruning.js';
import { createRemoteStops, type StopState } from './stops.js';

export interface RedisRunnerOptions extends JobRunnerOptions {
  queue: QueueConfig;
  /** Reads a `store:` spec's bars for a remote worker; without it, jobs on `store:` data run here. */
  packStoreBars?: PackStoreBars | undefined;
}

interface Tracked extends StopState {
  recorder: ProgressRecorder;
  heartbeat?: NodeJS.Timeout;
  /** A trial's pruner (asked when its worker reports an epoch end). */
  onReport?: SubmitOptions['onReport'];
  /** Settles once the job is in Redis, or its row ended before it got there. */
  queued?: Promise<void>;
}

/** The URL without its password, for messages and logs. */
export const redactUrl = (url: string): string => url.replace(/\/\/([^@/]*)@/, '//***@');

/**
 * The coordinator's side of the Redis queue: the same interface as the local runner. Training and
 * trial jobs go to BullMQ (`trainyard worker` processes on any machine run them), a job on `store:`
 * data with its bars; backtests run in this process's worker threads. Only this process writes
 * the registry: worker progress arrives as BullMQ progress events, a trial's epoch reports on a
 * channel (answered with its pruner's verdict), results as the job's return value (artifact files
 * included), and are registered here exactly once per operation id. Cancels and the wall-time
 * limit reach the worker through a Redis key and channel.
 */
export function createRedisJobRunner(opts: RedisRunnerOptions): JobRunner {
  const { operations, logger, queue: q } = opts;
  const clock = opts.clock ?? (() => new Date());
  const local = createJobRunner(opts);
  const events = createJobEvents(logger);
  const staging = createStaging(opts.stagingDir);
  // BullMQ leaves connections it was given open on close: shutdown disconnects them.
  const connections = [redisConnection(q.url), redisConnection(q.url), redisConnection(q.url), redisConnection(q.url)] as const;
  const [commands, , , reports] = connections;
  const queue = new Queue<RemoteJobData, RemoteJobReturn>(q.name, { connection: connections[1] });
  const queueEvents = new QueueEvents(q.name, { connection: connections[2] });
  const onRedisError = (err: Error) => logger.warn({ err: err.message, redis: redactUrl(q.url) }, 'redis connection error');
  queue.on('error', onRedisError);
  queueEvents.on('error', onRedisError);
  commands.on('error', onRedisError);
  reports.on('error', onRedisError);
  const tracked = new Map<string, Tracked>();
  /** Jobs being added to Redis (submit returns the row at once). */
  const adds = new Set<Promise<void>>();
  const completing = new Map<string, Promise<void>>();
  const stops = createRemoteStops({
    commands,
    queue: q,
    logger,
    clock,
    timeLimit: opts.timeLimit,
    graceMs: opts.cancelGraceMs ?? 5000,
    startedAt: (id) => operations.get(id).started_at,
    live: (id, s) => tracked.get(id) === s && !completing.has(id),
    end: (id, patch) => void finish(id, patch),
  });
  let accepting = true;
  let closing: Promise<void> | undefined;

  function finish(id: string, patch: OperationUpdate): Operation {
    const t = tracked.get(id);
    tracked.delete(id);
    if (t) {
      clearInterval(t.heartbeat);
      stops.clear(t);
      t.recorder.flush();
    }
    const op = endRow(operations, id, patch);
    events.ended(op);
    return op;
  }

  function track(id: string): Tracked {
    const recorder = createProgressRecorder(operations, id, clock, opts.progressThrottleMs ?? 250, logger.child({ operation_id: id }));
    const t: Tracked = { recorder };
    tracked.set(id, t);
    return t;
  }

  /** A worker took the job: the row runs (owned by this coordinator, which heartbeats it). */
  function markRunning(id: string): void {
    const t = tracked.get(id);
    if (!t || t.heartbeat) return;
    if (operations.get(id).status === 'pending') events.emit({ type: 'status', operation: operations.claim(id) });
    t.heartbeat = setInterval(
      () => void guardTimerWrite(logger.child({ operation_id: id }), 'heartbeat', () => operations.heartbeat(id)),
      opts.heartbeatMs ?? 5000,
    );
    t.heartbeat.unref();
    stops.startTimeLimit(id, t);
  }

  /** Registers a finished job's result, once: the row's terminal status is the key. */
  function register(id: string, value: RemoteJobReturn, returnsFile: string | undefined): Promise<void> {
    const t = tracked.get(id);
    if (!t) return Promise.resolve();
    const done = (async () => {
      const stagedPath = staging.pathFor(id);
      try {
        if (TERMINAL_STATUSES.has(operations.get(id).status)) return;
        // A stop wins over a result that arrived meanwhile (as in the local runner).
        if (t.cancelReason !== undefined || t.timeLimit?.expired) {
          finish(id, stops.row(t, undefined));
          return;
        }
        let result: JobResult = value.result;
        const kind = 'kind' in result ? result.kind : 'training';
        t.recorder.record(
          kind === 'trial'
            ? { phase: 'saving', progress_pct: 99, message: 'recording the trial' }
            : { phase: 'deployment_decision', progress_pct: 99, message: 'registering the model' },
        );
        if (kind === 'training') unpackFolder(value.files, stagedPath);
        if ('kind' in result && result.kind === 'trial' && returnsFile && result.returns) {
          writeJsonAtomicSync(returnsFile, result.returns);
          result = { ...result, returns: null, returns_file: returnsFile };
        }
        const registered = await opts.onCompleted(operations.get(id), result, stagedPath);
        finish(id, { status: 'completed', progress_pct: 100, message: 'completed', result: registered, metrics: t.recorder.metrics() });
      } catch (err) {
        staging.remove(id);
        logger.warn({ operation_id: id, err }, 'registering the remote result failed');
        finish(id, registrationFailedRow(err));
      }
    })().finally(() => completing.delete(id));
    completing.set(id, done);
    return done;
  }

  /** Reads the job's state in Redis and ends the row when the job has ended there. */
  async function settle(id: string): Promise<void> {
    if (!tracked.has(id) || completing.has(id)) return;
    const job = await queue.getJob(id);
    if (!job) {
      finish(id, {
        status: 'interrupted',
        message: 'its job is no longer in Redis',
        error: { code: 'INTERRUPTED', message: `the job of ${id} is no longer in the Redis queue ${q.name} (was Redis flushed?)` },
      });
      return;
    }
    const state = await job.getState();
    if (state === 'active') markRunning(id);
    if (state === 'completed') await register(id, job.returnvalue, job.data.returns_file);
    else if (state === 'failed') {
      const reason = decodeFailure(job.failedReason);
      const t = tracked.get(id);
      if (t && (t.cancelReason !== undefined || t.timeLimit?.expired || reason.code === 'CANCELLED'))
        finish(id, stops.row(t, reason.message));
      else {
        const failure = failureOf(job, q);
        logger.warn({ operation_id: id, error: failure, attempts: job.attemptsMade, started: job.attemptsStarted }, 'remote job failed');
        finish(id, failedRow(failure.code, failure.message));
      }
    } else return;
    // The row has ended: the job's payload (artifacts) need not stay in Redis.
    await job.remove().catch(() => undefined);
  }

  const guarded = (what: string, id: string, fn: () => unknown) => {
    try {
      void Promise.resolve(fn()).catch((err) => logger.warn({ err, operation_id: id }, what));
    } catch (err) {
      logger.warn({ err, operation_id: id }, what);
    }
  };
  queueEvents.on('active', ({ jobId }) => guarded('marking a job running failed', jobId, () => markRunning(jobId)));
  queueEvents.on('progress', ({ jobId, data }) =>
    guarded('recording progress failed', jobId, () => {
      const t = tracked.get(jobId);
      if (!t || typeof data !== 'object') return;
      markRunning(jobId);
      const progress = data as PipelineProgress;
      t.recorder.record(progress);
      events.emit({ type: 'progress', operation_id: jobId, progress });
    }),
  );
  queueEvents.on('completed', ({ jobId }) => guarded('settling a completed job failed', jobId, () => ended(jobId)));
  queueEvents.on('failed', ({ jobId }) => guarded('settling a failed job failed', jobId, () => ended(jobId)));
  queueEvents.on('stalled', ({ jobId }) => {
    if (tracked.has(jobId))
      logger.warn({ operation_id: jobId }, 'the worker of a remote job stopped; BullMQ hands the job to another worker');
  });

  /** A trial's epoch report: its pruner's verdict (a job of this coordinator without one goes on; others' jobs: no answer). */
  const subscribed = answerReports({
    subscriber: reports,
    commands,
    queue: q,
    logger,
    verdict: (id, step, value) => {
      const t = tracked.get(id);
      if (!t) return undefined;
      if (!t.onReport || t.cancelReason !== undefined) return false;
      try {
        return t.onReport(step, value);
      } catch (err) {
        logger.warn({ operation_id: id, err }, 'the pruner failed; the trial goes on');
        return false;
      }
    },
  });
  subscribed.catch(onRedisError);

  /** A job ended in Redis: settle its row, or drop the payload of one whose row this coordinator already ended (after a stop). */
  async function ended(id: string): Promise<void> {
    if (tracked.has(id)) return settle(id);
    let op: Operation;
    try {
      op = operations.get(id);
    } catch {
      return; // another coordinator's job (another registry on the same queue)
    }
    if (!TERMINAL_STATUSES.has(op.status)) return;
    const job = await queue.getJob(id);
    await job?.remove().catch(() => undefined);
  }

  async function remoteCancel(id: string, reason: string): Promise<void> {
    // A job still being packed or added: the add sees the cancel and skips Redis.
    await tracked.get(id)?.queued;
    if (!tracked.has(id)) return;
    await stops.signal(id, reason);
    const job = await queue.getJob(id);
    const state = job ? await job.getState() : 'unknown';
    if (job && (state === 'waiting' || state === 'prioritized' || state === 'delayed')) {
      try {
        await job.remove();
        finish(id, cancelledRow(reason, `cancelled before it started: ${reason}`));
        return;
      } catch {
        // A worker took it meanwhile: it sees the cancel key or the message.
      }
    }
    await settle(id);
    const t = tracked.get(id);
    if (t) stops.startGrace(id, t);
  }

  /** Puts a job into Redis (a `store:` job with its bars, packed off this thread); its row fails with the reason when it cannot. */
  async function enqueue(id: string, type: 'training' | 'trial', spec: TrainingJobSpec | TrialJobSpec, o: SubmitOptions): Promise<void> {
    let remote: TrainingJobSpec | TrialJobSpec;
    try {
      remote = await remoteSpec(spec, q, opts.packStoreBars);
    } catch (err) {
      logger.warn({ operation_id: id, err }, 'the job could not be prepared for a worker');
      const message = `could not read the job's store: bars for its worker: ${(err as Error)?.message ?? String(err)}`;
      finish(id, err instanceof DomainError ? failedRow(err.code, err.message) : failedRow('REGISTRY_UNAVAILABLE', message));
      return;
    }
    const cancelled = tracked.get(id)?.cancelReason;
    if (cancelled !== undefined) {
      finish(id, cancelledRow(cancelled, `cancelled before it started: ${cancelled}`));
      return;
    }
    try {
      await queue.add(
        type,
        { operation_id: id, spec: remote, returns_file: spec.kind === 'trial' ? spec.returns_file : undefined },
        { jobId: id, priority: o.priority === 'high' ? 1 : 2, attempts: q.attempts, backoff: { type: 'fixed', delay: 1000 } },
      );
    } catch (err) {
      finish(id, failedRow('QUEUE_UNAVAILABLE', `could not queue the job on ${redactUrl(q.url)}: ${(err as Error).message}`));
    }
  }

  const runner: JobRunner = {
    submit(spec: JobSpec, o: SubmitOptions = {}): Operation {
      runner.assertAccepting();
      if (spec.kind === 'backtest' || runsHere(spec, opts.packStoreBars !== undefined)) return local.submit(spec, o);
      const type = spec.kind === 'trial' ? 'trial' : 'training';
      const op = operations.create({ type, parent_id: o.parent_id ?? null, params: o.params ?? {}, priority: o.priority ?? 'normal' });
      // Workers resolve csv:/sample:/synthetic: themselves (same paths on every machine); they never
      // open the registry (`store:` bars travel with the job).
      const t = track(op.id);
      if (o.onReport) t.onReport = o.onReport;
      events.emit({ type: 'status', operation: op });
      const adding = enqueue(op.id, type, spec, o).finally(() => adds.delete(adding));
      t.queued = adding;
      // Shutdown waits for it: a job submitted just before close still reaches Redis.
      adds.add(adding);
      return op;
    },

    assertAccepting(): void {
      local.assertAccepting();
      if (!accepting)
        throw new DomainError('SHUTTING_DOWN', 'trainyard is shutting down and accepts no new jobs. Start it again and resubmit.');
    },

    queuePosition(id: string): number | null {
      const t = tracked.get(id);
      if (!t) return local.queuePosition(id);
      if (t.heartbeat || completing.has(id)) return 0;
      return [...tracked.entries()].filter(([, v]) => !v.heartbeat).findIndex(([k]) => k === id) + 1;
    },

    /** Pending: removed from Redis, the row ends cancelled. Running: the worker's thread gets `cancel` (a Redis channel) and stops at its next batch. */
    cancel(id: string, reason: string): Operation {
      const t = tracked.get(id);
      if (!t) return local.cancel(id, reason);
      const op = operations.get(id);
      if (TERMINAL_STATUSES.has(op.status))
        throw new DomainError('CONFLICT', `Operation ${id} already ended as ${op.status}; there is nothing to cancel.`, { id });
      if (completing.has(id))
        throw new DomainError(
          'CONFLICT',
          `Operation ${id} has finished its work and its result is being stored; it can no longer be cancelled.`,
          {
            id,
          },
        );
      t.cancelReason ??= reason;
      guarded('cancelling a remote job failed', id, () => remoteCancel(id, reason));
      return operations.update(id, { message: `cancelling: ${reason}` });
    },

    on(listener: JobListener): () => void {
      const offs = [events.on(listener), local.on(listener)];
      return () => offs.forEach((off) => off());
    },
    subscribe(id: string, listener: JobListener): () => void {
      const offs = [events.subscribe(id, listener), local.subscribe(id, listener)];
      return () => offs.forEach((off) => off());
    },

    waitFor(id: string, o: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<Operation> {
      if (!tracked.has(id) && !completing.has(id)) return local.waitFor(id, o);
      return events.waitForEnd(id, () => operations.get(id), o);
    },

    /**
     * On start: rows of training and trial jobs that an earlier coordinator left pending/running are
     * adopted (their jobs may still run, or have finished, in Redis) and settled from Redis; the
     * rest is the local runner's recovery (rows of dead processes interrupted, leftovers removed).
     */
    recover(o: RecoverOptions = {}): RecoveryReport {
      const isAlive = o.isAlive ?? processAlive;
      const orphans = [
        ...operations.list({ status: 'pending', limit: 1000 }),
        ...operations.list({ status: 'running', limit: 1000 }),
      ].filter(
        (r) =>
          (r.type === 'training' || r.type === 'trial') &&
          !tracked.has(r.id) &&
          local.queuePosition(r.id) === null &&
          (r.owner_pid === null || r.owner_pid === process.pid || !isAlive(r.owner_pid)),
      );
      for (const r of orphans) {
        operations.adopt(r.id);
        track(r.id);
      }
      const report = local.recover(o);
      for (const r of orphans) guarded('re-attaching a remote job failed', r.id, () => settle(r.id));
      if (orphans.length) logger.info({ adopted: orphans.map((r) => r.id) }, 're-attached jobs queued in Redis');
      return report;
    },

    /** Stops taking jobs; jobs in Redis go on (the next coordinator collects their results); local ones shut down as configured. */
    shutdown(o: { mode: 'cancel' | 'finish'; timeoutMs?: number }): Promise<void> {
      closing ??= (async () => {
        accepting = false;
        await Promise.all(adds);
        await local.shutdown(o);
        await Promise.all(completing.values());
        for (const t of tracked.values()) {
          clearInterval(t.heartbeat);
          stops.clear(t);
          t.recorder.flush();
        }
        tracked.clear();
        await subscribed.catch(() => undefined);
        await queueEvents.close();
        await queue.close();
        for (const c of connections) c.disconnect();
      })();
      return closing;
    },

    stats(): { running: string[]; queued: string[]; warm: number } {
      const l = local.stats();
      const remote = [...tracked.entries()];
      return {
        running: [...new Set([...l.running, ...remote.filter(([, t]) => t.heartbeat).map(([id]) => id), ...completing.keys()])],
        queued: [...l.queued, ...remote.filter(([, t]) => !t.heartbeat).map(([id]) => id)],
        warm: l.warm,
      };
    },
  };
  return runner;
}
