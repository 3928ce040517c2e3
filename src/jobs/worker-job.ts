import type { ResourceLimits, Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import type { PipelineProgress } from '../pipeline/result.js';
import type { FromWorker, JobResult, JobSpec, ToWorker } from './protocol.js';
import { startWorker } from './worker-script.js';

/** How a job's worker ended, as the main thread saw it. */
export type WorkerOutcome =
  /** The job finished: a training run's artifacts are in the staging folder; a backtest's report is the result. */
  | { type: 'result'; result: JobResult }
  /** The pipeline threw (a DomainError keeps its code; CANCELLED after a cancel). */
  | { type: 'error'; code: string; message: string }
  /** The thread died: an uncaught exception, process.exit, or its heap limit. */
  | { type: 'crash'; code: 'WORKER_CRASHED' | 'OUT_OF_MEMORY'; message: string }
  /** The runner terminated it (it did not stop after a cancel, or shutdown ran out of time). */
  | { type: 'terminated'; message: string };

export interface WorkerJobOptions {
  id: string;
  spec: JobSpec;
  stagingDir: string;
  entry: URL;
  resourceLimits?: ResourceLimits | undefined;
  logger: Logger;
  onProgress: (progress: PipelineProgress) => void;
  /**
   * A trial's objective at an epoch end: true prunes it there (without it, never). A local pruner
   * answers at once; a remote one (the Redis queue) answers with a promise.
   */
  onReport?: ((step: number, value: number) => boolean | Promise<boolean>) | undefined;
  /** A warm worker that ran an earlier trial, to run this job in (its stdout is already piped). */
  worker?: Worker | undefined;
  /**
   * Asked when the job ends with a result: true keeps the thread (the runner parks it for the next
   * trial) instead of terminating it. Trials leave nothing behind in a thread but a warm backend.
   */
  keepAlive?: ((worker: Worker) => boolean) | undefined;
  /** Called exactly once. */
  onEnd: (outcome: WorkerOutcome) => void;
}

export interface WorkerJob {
  /** Asks the pipeline to stop at its next batch; the worker then reports CANCELLED. */
  cancel(reason: string): void;
  /** Stops the thread now; resolves once it is gone (so it writes no more files). */
  terminate(message: string): Promise<void>;
}

/** A training worker thread whose stdout goes to the log (our stdout is the MCP stdio channel). */
export function spawnJobWorker(entry: URL, resourceLimits: ResourceLimits | undefined, logger: Logger): Worker {
  const worker = startWorker(entry, { stdout: true, ...(resourceLimits ? { resourceLimits } : {}) });
  worker.stdout.setEncoding('utf8');
  worker.stdout.on('data', (text: string) => logger.info({ stdout: text.trimEnd() }, 'training worker wrote to stdout'));
  return worker;
}

/**
 * Runs one job in a fresh worker thread, so a crash or an out-of-memory worker never poisons the
 * next job; the thread is terminated as soon as the job ends. A tuning trial that ended with a
 * result may hand its thread on to the next trial (`keepAlive`, `worker`): starting a thread and
 * its backend costs about 0.6 s, a third of a small trial.
 */
export function startWorkerJob(o: WorkerJobOptions): WorkerJob {
  const log = o.logger.child({ operation_id: o.id });
  const worker = o.worker ?? spawnJobWorker(o.entry, o.resourceLimits, o.logger);
  let ended = false;

  const detach = () => {
    worker.off('message', onMessage);
    worker.off('error', onError);
    worker.off('exit', onExit);
  };
  const end = (outcome: WorkerOutcome) => {
    if (ended) return;
    ended = true;
    detach();
    if (!(outcome.type === 'result' && o.keepAlive?.(worker))) void worker.terminate();
    o.onEnd(outcome);
  };

  const onMessage = (msg: FromWorker) => {
    if (ended) return;
    if (msg.type === 'progress') o.onProgress(msg.progress);
    else if (msg.type === 'report') {
      const step = msg.step;
      const answer = (prune: boolean) => {
        if (!ended) worker.postMessage({ type: 'verdict', step, prune } satisfies ToWorker);
      };
      const failed = (err: unknown) => {
        log.warn({ err }, 'the pruner failed; the trial goes on');
        answer(false);
      };
      try {
        const verdict = o.onReport?.(step, msg.value) ?? false;
        if (typeof verdict === 'boolean') answer(verdict);
        else verdict.then(answer, failed);
      } catch (err) {
        failed(err);
      }
    } else if (msg.type === 'result') end({ type: 'result', result: msg.result });
    else {
      if (msg.error.stack) log.warn({ stack: msg.error.stack }, `training failed: ${msg.error.message}`);
      end({ type: 'error', code: msg.error.code, message: msg.error.message });
    }
  };
  const onError = (err: Error & { code?: string }) => {
    if (err.code === 'ERR_WORKER_OUT_OF_MEMORY') {
      const limit = o.resourceLimits?.maxOldGenerationSizeMb;
      end({
        type: 'crash',
        code: 'OUT_OF_MEMORY',
        message: `the training worker ran out of memory (resourceLimits.maxOldGenerationSizeMb=${limit ?? 'default'})`,
      });
    } else {
      log.warn({ err }, 'training worker crashed');
      end({ type: 'crash', code: 'WORKER_CRASHED', message: `the training worker crashed: ${err.message}` });
    }
  };
  const onExit = (code: number) =>
    end({ type: 'crash', code: 'WORKER_CRASHED', message: `the training worker exited unexpectedly (exit code ${code})` });
  worker.on('message', onMessage);
  worker.on('error', onError);
  worker.on('exit', onExit);
  const start: ToWorker = { type: 'start', job: o.spec, staging_dir: o.stagingDir, model_id: o.id };
  worker.postMessage(start);

  return {
    cancel(reason) {
      if (!ended) worker.postMessage({ type: 'cancel', reason } satisfies ToWorker);
    },
    async terminate(message) {
      if (ended) return;
      ended = true;
      detach();
      await worker.terminate();
      o.onEnd({ type: 'terminated', message });
    },
  };
}
