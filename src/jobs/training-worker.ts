// Worker-thread entry: runs one job (a training pipeline, or a backtest of a registered model) and
// reports back. Each worker thread has its own TensorFlow.js engine, so training never touches the
// main thread's event loop.
import { writeJsonAtomicSync } from '../registry/atomic-write.js';
import { parentPort } from 'node:worker_threads';
import { isDomainError } from '../domain/errors.js';
import { initBackend } from '../pipeline/backend/index.js';
import { parseStrategy } from '../pipeline/strategy-source.js';
import { runTrainingPipeline } from '../pipeline/train-pipeline.js';
import { runTrial } from '../pipeline/trial.js';
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
/** The running job's; a thread kept warm for the next trial starts each job with a fresh one. */
let controller = new AbortController();
const send = (msg: FromWorker) => port.postMessage(msg);

/** Verdicts the trial waits for, by step. */
const verdicts = new Map<number, (prune: boolean) => void>();

port.on('message', (msg: ToWorker) => {
  if (msg.type === 'cancel') {
    controller.abort(msg.reason);
    for (const resolve of verdicts.values()) resolve(false);
  } else if (msg.type === 'verdict') verdicts.get(msg.step)?.(msg.prune);
  else void run(msg);
});

/** Posts a trial's objective at an epoch end and waits for the pruner (a cancel answers "go on": the next batch sees it). */
function report(step: number, value: number): Promise<boolean> {
  return new Promise((resolve) => {
    verdicts.set(step, (prune) => {
      verdicts.delete(step);
      resolve(prune);
    });
    send({ type: 'report', step, value });
  });
}

/** A trial's validation predictions backtested like a test segment: its Sharpe and every bar's return (for the deflated Sharpe and PBO). */
const validationHook: EvaluationHook = (series, predictions, strategy) => {
  const report = backtestSegmentWithReturns(series, predictions, strategy.decisions, strategy.data.timeframe);
  if (!report) return null;
  const { equity_curve: _curve, returns, per_symbol: _per, ...summary } = report;
  return { summary: summary as unknown as Record<string, unknown>, files: { returns: oosReturnsFile(returns) } };
};

async function run(msg: Extract<ToWorker, { type: 'start' }>): Promise<void> {
  const { job } = msg;
  controller = new AbortController();
  verdicts.clear();
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
    if (job.kind === 'trial') {
      const outcome = await runTrial(
        {
          strategy,
          data: job.data,
          overrides: job.overrides,
          dataDir: job.data_dir,
          cwd: job.cwd,
          storeFile: job.store_file,
          storeBars: job.store_bars,
          access: job.access,
        },
        {
          backend,
          signal: controller.signal,
          progressEveryBatches: job.progress_every_batches,
          checkBudget: job.limits ? budgetCheck(job.limits) : undefined,
          onProgress: (progress) => send({ type: 'progress', progress }),
          report: job.prune ? report : undefined,
          objective: job.objective,
          cvFolds: job.cv_folds,
          evaluateValidation: validationHook,
        },
      );
      if (job.returns_file && outcome.returns) {
        writeJsonAtomicSync(job.returns_file, outcome.returns);
        send({ type: 'result', result: { ...outcome, returns: null, returns_file: job.returns_file } });
      } else send({ type: 'result', result: outcome });
      return;
    }
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
        storeBars: job.store_bars,
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
