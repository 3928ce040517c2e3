import type { ResourceLimits } from 'node:worker_threads';
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
  /** A trial's objective at an epoch end: true prunes it there (answered at once; without it, never). */
  onReport?: ((step: number, value: number) => boolean) | undefined;
  /** Called exactly once. */
  onEnd: (outcome: WorkerOutcome) => void;
}

export interface WorkerJob {
  /** Asks the pipeline to stop at its next batch; the worker then reports CANCELLED. */
  cancel(reason: string): void;
  /** Stops the thread now; resolves once it is gone (so it writes no more files). */
  terminate(message: string): Promise<void>;
}

/**
 * Runs one job in a fresh worker thread, so a crash or an out-of-memory worker never poisons the
 * next job. The thread is terminated as soon as the job ends.
 */
export function startWorkerJob(o: WorkerJobOptions): WorkerJob {
  const log = o.logger.child({ operation_id: o.id });
  // The thread's stdout is piped here rather than to ours: our stdout is the MCP stdio channel.
  const worker = startWorker(o.entry, { stdout: true, ...(o.resourceLimits ? { resourceLimits: o.resourceLimits } : {}) });
  worker.stdout.setEncoding('utf8');
  worker.stdout.on('data', (text: string) => log.info({ stdout: text.trimEnd() }, 'training worker wrote to stdout'));
  let ended = false;

  const end = (outcome: WorkerOutcome) => {
    if (ended) return;
    ended = true;
    void worker.terminate();
    o.onEnd(outcome);
  };

  worker.on('message', (msg: FromWorker) => {
    if (ended) return;
    if (msg.type === 'progress') o.onProgress(msg.progress);
    else if (msg.type === 'report') {
      let prune = false;
      try {
        prune = o.onReport?.(msg.step, msg.value) ?? false;
      } catch (err) {
        log.warn({ err }, 'the pruner failed; the trial goes on');
      }
      worker.postMessage({ type: 'verdict', step: msg.step, prune } satisfies ToWorker);
    } else if (msg.type === 'result') end({ type: 'result', result: msg.result });
    else {
      if (msg.error.stack) log.warn({ stack: msg.error.stack }, `training failed: ${msg.error.message}`);
      end({ type: 'error', code: msg.error.code, message: msg.error.message });
    }
  });
  worker.on('error', (err: Error & { code?: string }) => {
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
  });
  worker.on('exit', (code) =>
    end({ type: 'crash', code: 'WORKER_CRASHED', message: `the training worker exited unexpectedly (exit code ${code})` }),
  );
  const start: ToWorker = { type: 'start', job: o.spec, staging_dir: o.stagingDir, model_id: o.id };
  worker.postMessage(start);

  return {
    cancel(reason) {
      if (!ended) worker.postMessage({ type: 'cancel', reason } satisfies ToWorker);
    },
    async terminate(message) {
      if (ended) return;
      ended = true;
      await worker.terminate();
      o.onEnd({ type: 'terminated', message });
    },
  };
}
