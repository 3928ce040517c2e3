// Worker-thread entry: runs one job (a training pipeline, or a backtest of a registered model) and
// reports back. Each worker thread has its own TensorFlow.js engine, so training never touches the
// main thread's event loop.
import { parentPort } from 'node:worker_threads';
import { isDomainError } from '../domain/errors.js';
import { initBackend } from '../pipeline/backend/index.js';
import { parseStrategy } from '../pipeline/strategy-source.js';
import { runTrainingPipeline } from '../pipeline/train-pipeline.js';
import { runBacktest } from '../monitoring/backtest/run.js';
import { backtestSegmentWithReturns, oosReturnsFile, OOS_RETURNS_FILE } from '../monitoring/backtest/segment.js';
import { validationStats } from '../monitoring/drift-reference.js';
import type { EvaluationHook, PipelineDeps } from '../pipeline/train-pipeline.js';
import type { Limits } from '../config/limits.js';
import { checkMemory, checkTrainingBudget, featureCount } from '../pipeline/budget.js';
import { classificationEvidence } from '../monitoring/validation/evidence.js';
import type { FromWorker, ToWorker } from './protocol.js';

/** Every trained model is backtested on its own test segment (out of sample). */
const backtestHook: EvaluationHook = (series, predictions, strategy) => {
  const report = backtestSegmentWithReturns(series, predictions, strategy.decisions, strategy.data.timeframe);
  if (!report) return null;
  const { equity_curve, returns, ...summary } = report;
  return {
    summary: summary as unknown as Record<string, unknown>,
    files: { 'equity.json': equity_curve, [OOS_RETURNS_FILE]: oosReturnsFile(returns) },
  };
};

/** The exact memory and training-budget checks, once the data's size is known (the service checked what it could up front). */
const budgetCheck =
  (limits: Limits): PipelineDeps['checkBudget'] =>
  (strategy, size) =>
    'bars' in size
      ? checkMemory(limits, size.bars, featureCount(strategy))
      : checkTrainingBudget(limits, strategy, size.train_rows, size.fits);

const port = parentPort;
if (!port) throw new Error('training-worker must run in a worker thread');
const controller = new AbortController();
const send = (msg: FromWorker) => port.postMessage(msg);

port.on('message', (msg: ToWorker) => {
  if (msg.type === 'cancel') controller.abort(msg.reason);
  else void run(msg);
});

async function run(msg: Extract<ToWorker, { type: 'start' }>): Promise<void> {
  const { job } = msg;
  try {
    const backend = await initBackend({ preference: job.backend, wasmThreads: job.wasm_threads });
    if (job.kind === 'backtest') {
      const report = await runBacktest(job, {
        dataDir: job.data_dir,
        cwd: job.cwd,
        storeFile: job.store_file,
        signal: controller.signal,
        progressEveryBatches: job.progress_every_batches,
        onProgress: (progress) => send({ type: 'progress', progress }),
      });
      send({ type: 'result', result: report });
      return;
    }
    const strategy = parseStrategy(job.strategy_yaml, job.strategy_source);
    const result = await runTrainingPipeline(
      {
        strategy,
        data: job.data,
        overrides: job.overrides,
        modelId: msg.model_id,
        modelsDir: msg.staging_dir,
        dataDir: job.data_dir,
        cwd: job.cwd,
        storeFile: job.store_file,
        access: job.access,
      },
      {
        backend,
        evaluate: backtestHook,
        testEvidence: (input) => classificationEvidence(input) as unknown as Record<string, unknown>,
        validationStats,
        checkBudget: job.limits ? budgetCheck(job.limits) : undefined,
        signal: controller.signal,
        progressEveryBatches: job.progress_every_batches,
        onProgress: (progress) => send({ type: 'progress', progress }),
      },
    );
    send({ type: 'result', result });
  } catch (err) {
    send({
      type: 'error',
      error: isDomainError(err)
        ? { code: err.code, message: err.message }
        : {
            code: job.kind === 'backtest' ? 'BACKTEST_FAILED' : 'TRAINING_FAILED',
            message: (err as Error)?.message ?? String(err),
            stack: (err as Error)?.stack,
          },
    });
  }
}
