import { UnrecoverableError, Worker, type Job } from 'bullmq';
import type { ResourceLimits } from 'node:worker_threads';
import type { Logger } from 'pino';
import type { QueueConfig } from '../../config/schema.js';
import { createStaging } from '../staging.js';
import { startWorkerJob, type WorkerJob } from '../worker-job.js';
import { trainingWorkerEntry } from '../worker-script.js';
import { packFolder } from './artifacts.js';
import {
  cancelChannel,
  cancelKey,
  encodeFailure,
  redisConnection,
  verdictChannel,
  type RemoteJobData,
  type RemoteJobReturn,
} from './connection.js';
import { createVerdictWaiter } from './pruning.js';

export interface QueueWorkerOptions {
  queue: QueueConfig;
  /** Jobs this process runs at once, each in its own worker thread. */
  concurrency: number;
  /** Where jobs stage their artifacts on this machine (<home>/models/.staging). */
  stagingDir: string;
  logger: Logger;
  workerEntry?: URL;
  /** Each job thread's heap limit (this machine's `worker_memory_mb`); a thread over it crashes and the job gets another attempt. */
  resourceLimits?: ResourceLimits | undefined;
}

/**
 * `trainyard worker`: takes jobs off the Redis queue and runs each in a training worker thread
 * (the same code as the local runner). Progress goes back as BullMQ progress, the result (and a
 * training run's artifact files) as the job's return value; cancels arrive on a pub/sub channel
 * and are forwarded to the thread as its `cancel` message, a trial's pruning verdicts likewise
 * (pruning.ts). It never opens the registry: a job on `store:` data carries its bars.
 */
export function startQueueWorker(o: QueueWorkerOptions) {
  const { queue: q, logger } = o;
  const staging = createStaging(o.stagingDir);
  const entry = o.workerEntry ?? trainingWorkerEntry();
  const running = new Map<string, WorkerJob>();
  const commands = redisConnection(q.url);
  const subscriber = redisConnection(q.url);
  const verdicts = createVerdictWaiter({ commands, queue: q, logger });
  void subscriber.subscribe(cancelChannel(q), verdictChannel(q));
  subscriber.on('message', (channel: string, text: string) => {
    if (channel === verdictChannel(q)) return verdicts.answer(text);
    const { id, reason } = JSON.parse(text) as { id: string; reason: string };
    const job = running.get(id);
    if (job) {
      logger.info({ operation_id: id, reason }, 'cancel received');
      job.cancel(reason);
    }
  });

  async function run(job: Job<RemoteJobData, RemoteJobReturn>): Promise<RemoteJobReturn> {
    const id = job.data.operation_id;
    const cancelled = await commands.get(cancelKey(q, id));
    if (cancelled !== null) throw new UnrecoverableError(encodeFailure('CANCELLED', cancelled));
    staging.remove(id);
    const spec = job.data.spec;
    logger.info(
      { operation_id: id, attempt: job.attemptsMade + 1, ...(spec.kind !== 'backtest' && spec.store_bars ? { store_bars: true } : {}) },
      'job started',
    );
    return new Promise((resolve, reject) => {
      const wj = startWorkerJob({
        id,
        spec: job.data.spec,
        entry,
        stagingDir: staging.dir,
        logger,
        resourceLimits: o.resourceLimits,
        onProgress: (progress) => void job.updateProgress(progress).catch((err) => logger.warn({ err }, 'progress not sent')),
        // The pruner lives on the coordinator: each report makes the round trip through Redis.
        onReport: (step, value) => verdicts.ask(id, step, value),
        onEnd: (outcome) => {
          running.delete(id);
          verdicts.forget(id);
          try {
            if (outcome.type === 'result') {
              const training = !('kind' in outcome.result);
              const files = training ? packFolder(staging.pathFor(id), q.artifact_max_mb * 1024 * 1024) : {};
              resolve({ result: outcome.result, files });
            } else if (outcome.type === 'error') reject(new UnrecoverableError(encodeFailure(outcome.code, outcome.message)));
            // A crashed thread may be this machine's fault: another attempt (maybe elsewhere) is worth it.
            else reject(new Error(encodeFailure(outcome.type === 'crash' ? outcome.code : 'WORKER_CRASHED', outcome.message)));
          } catch (err) {
            reject(new UnrecoverableError(encodeFailure('LIMIT_EXCEEDED', (err as Error).message)));
          } finally {
            staging.remove(id);
          }
        },
      });
      running.set(id, wj);
    });
  }

  const connection = redisConnection(q.url);
  const worker = new Worker<RemoteJobData, RemoteJobReturn>(q.name, run, {
    connection,
    concurrency: o.concurrency,
    lockDuration: q.lock_duration_ms,
    stalledInterval: q.stalled_interval_ms,
    maxStalledCount: q.max_stalled_count,
  });
  worker.on('error', (err) => logger.warn({ err }, 'queue worker error'));
  worker.on('failed', (job, err) => logger.warn({ operation_id: job?.id, err: err.message }, 'job failed'));
  worker.on('completed', (job) => logger.info({ operation_id: job.id }, 'job completed'));

  return {
    worker,
    /** Stops taking jobs and waits for the running ones to finish (SIGTERM); `kill -9` leaves them to the stalled-job check. */
    async close(): Promise<void> {
      await worker.close();
      connection.disconnect();
      subscriber.disconnect();
      commands.disconnect();
    },
  };
}
