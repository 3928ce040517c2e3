import { cancelledError } from '../domain/errors.js';
import type { BackendInfo } from './backend/index.js';
import { barCount } from './data/types.js';
import { fitModel, strategySplit, withDataContext } from './fit-model.js';
import { planCrossValidation } from './cross-validation.js';
import { subset, type SampleSet } from './dataset/assemble.js';
import type { Split } from './dataset/split.js';
import type { MarketData } from './data/types.js';
import type { Strategy } from '../domain/strategy.js';
import { applyScaler, fitScaler } from './dataset/scaler.js';
import { argmaxRows, predictProba } from './model/predict.js';
import { accuracyOf, crossEntropy } from './evaluate/metrics.js';
import type { EvaluationHook, PipelineDeps, TrainingRequest } from './train-pipeline.js';
import { applyOverrides, loadStrategyData } from './train-pipeline.js';
import type { PipelineProgress } from './result.js';

/**
 * One tuning trial: the training pipeline up to the validation part, and no further. The trial's
 * objective is the validation loss early stopping watches (class-weighted when the strategy
 * weights classes); the test part is never predicted, so choosing among trials never looks at the
 * bars the winner's gates are judged on. Nothing is saved: a trial leaves no model behind.
 */
export type TrialRequest = Omit<TrainingRequest, 'modelId' | 'modelsDir'>;

/** What a trial minimises: the validation loss, or minus the validation backtest's Sharpe ratio. */
export type TrialObjective = 'val_loss' | 'val_sharpe';

export interface TrialDeps {
  objective?: TrialObjective | undefined;
  /**
   * Purged k-fold cross-validation over the training and validation parts (never the test part):
   * k contiguous groups, each tested once by a model fitted on the others with the purge and
   * embargo of CPCV; the objective is the mean out-of-fold log loss, reported after each fold
   * (the pruner's steps are folds). Off when absent.
   */
  cvFolds?: number | undefined;
  backend: BackendInfo;
  signal?: AbortSignal | undefined;
  onProgress?: ((p: PipelineProgress) => void) | undefined;
  progressEveryBatches?: number | undefined;
  checkBudget?: PipelineDeps['checkBudget'];
  /**
   * Told the objective so far (the best validation loss up to this epoch) at every epoch end;
   * resolves true when the trial is pruned there (the pruner's verdict).
   */
  report?: ((step: number, value: number) => boolean | Promise<boolean>) | undefined;
  /** Backtests the validation predictions (the worker plugs in the segment backtest). */
  evaluateValidation?: EvaluationHook | undefined;
  now?: (() => number) | undefined;
}

export interface TrialOutcome {
  kind: 'trial';
  state: 'complete' | 'pruned';
  objective: TrialObjective;
  /** The objective (minimised) of the weights kept: the best validation loss, or minus the validation Sharpe of those weights; for a pruned trial, where it stopped. */
  value: number;
  /** The objective of the kept weights at each epoch end. */
  intermediate: { step: number; value: number }[];
  epochs_run: number;
  best_epoch: number;
  val_accuracy: number;
  /** The validation backtest's summary (Sharpe per bar, trades, ...) and every bar's return, or null. */
  validation: Record<string, unknown> | null;
  returns: { time: number[]; strategy: number[] } | null;
  /** Folds of a cross-validated trial (its steps are folds, its value the mean out-of-fold log loss). */
  cv_folds?: number | undefined;
  /** The file the returns were written to (then `returns` is null), or null. */
  returns_file?: string | null | undefined;
  train_rows: number;
  validation_rows: number;
  bars: number;
  seconds: number;
  backend: BackendInfo;
}

export async function runTrial(req: TrialRequest, deps: TrialDeps): Promise<TrialOutcome> {
  const now = deps.now ?? (() => performance.now());
  const t0 = now();
  const emit = deps.onProgress ?? (() => undefined);
  const strategy = applyOverrides(req.strategy.strategy, req.overrides);
  emit({ phase: 'data_preparation', progress_pct: 0, message: 'loading data' });
  const data = await loadStrategyData(req, strategy);
  if (deps.signal?.aborted) throw cancelledError(deps.signal.reason);
  deps.checkBudget?.(strategy, { bars: barCount(data) });
  emit({ phase: 'feature_engineering', progress_pct: 5, message: `computing features over ${barCount(data)} bars` });
  const { split, samples, horizon } = strategySplit(strategy, data);
  if (deps.cvFolds) return crossValidatedTrial(strategy, data, samples, split, horizon, deps, t0, now);
  // The validation matrix as the model sees it (scaled on the training part, as fitModel does), for a per-epoch Sharpe.
  const v = split.validation;
  const val: { x: Float32Array; rows: number; cols: number } = { x: new Float32Array(0), rows: v.rows, cols: v.cols };
  deps.checkBudget?.(strategy, { train_rows: split.train.rows, fits: 1 });
  const intermediate: { step: number; value: number }[] = [];
  const objective = deps.objective ?? 'val_loss';
  /** Minus the annualised Sharpe of the validation backtest (0 when it trades nothing). */
  const minusSharpe = (probs: Float32Array) => {
    const r = deps.evaluateValidation?.(data.series, { symbol: split.validation.symbol, bar: split.validation.bar, probs }, strategy);
    const sharpe = ((r?.summary['strategy'] as { sharpe?: number } | undefined)?.sharpe as number | undefined) ?? 0;
    return Number.isFinite(sharpe) ? -sharpe : 0;
  };
  if (objective === 'val_sharpe') val.x = applyScaler(fitScaler(split.train.x, split.train.rows, split.train.cols), v.x, v.rows, v.cols);
  let bestLoss = Number.POSITIVE_INFINITY;
  // The objective of the weights early stopping keeps so far (they change only when the loss improves).
  let current = Number.POSITIVE_INFINITY;
  emit({ phase: 'model_training', progress_pct: 10, message: `training on ${split.train.rows} samples, ${split.train.cols} features` });
  const fitted = await fitModel(strategy, split, {
    signal: deps.signal,
    progressEveryBatches: deps.progressEveryBatches,
    now,
    onProgress: (p) => {
      const { phase: _phase, epoch_end: _end, ...rest } = p;
      const done = (p.epoch - 1 + p.batch / p.batches) / p.epochs;
      emit({
        phase: 'model_training',
        progress_pct: 10 + 85 * done,
        message: `epoch ${p.epoch}/${p.epochs} · loss ${p.loss.toFixed(3)}`,
        ...rest,
      });
    },
    onEpochEnd: async (stats, monitored, model) => {
      if (Number.isFinite(monitored) && monitored < bestLoss) {
        bestLoss = monitored;
        current = objective === 'val_loss' ? monitored : minusSharpe(await predictProba(model, val.x, val.rows, val.cols));
      }
      intermediate.push({ step: stats.epoch, value: current });
      return deps.report ? deps.report(stats.epoch, current) : false;
    },
  });
  try {
    const { model, outcome } = fitted;
    const probs = await predictProba(model, fitted.val.x, fitted.val.rows, fitted.val.cols);
    const validation =
      deps.evaluateValidation?.(data.series, { symbol: split.validation.symbol, bar: split.validation.bar, probs }, strategy) ?? null;
    const returns = (validation?.files?.['returns'] as TrialOutcome['returns'] | undefined) ?? null;
    emit({
      phase: 'validation',
      progress_pct: 100,
      message: outcome.stopped_at ? `pruned after epoch ${outcome.stopped_at}` : 'trial done',
    });
    return {
      kind: 'trial',
      objective,
      state: outcome.stopped_at !== null ? 'pruned' : 'complete',
      value: current,
      intermediate,
      epochs_run: outcome.epochs_run,
      best_epoch: outcome.best_epoch,
      val_accuracy: accuracyOf(argmaxRows(probs), fitted.val.y),
      validation: validation?.summary ?? null,
      returns,
      train_rows: split.train.rows,
      validation_rows: split.validation.rows,
      bars: barCount(data),
      seconds: (now() - t0) / 1000,
      backend: deps.backend,
    };
  } finally {
    fitted.model.dispose();
  }
}

export const isTrialOutcome = (r: unknown): r is TrialOutcome => (r as { kind?: unknown } | null)?.kind === 'trial';

/**
 * A trial scored by purged k-fold cross-validation (CPCV with one test group per fit) on the samples
 * before the test part. Each fold's out-of-fold predictions are kept: together they cover every
 * sample once, and their backtest is the trial's returns (deflated Sharpe, PBO).
 */
async function crossValidatedTrial(
  strategy: Strategy,
  data: MarketData,
  samples: SampleSet,
  split: Split,
  horizon: number,
  deps: TrialDeps,
  t0: number,
  now: () => number,
): Promise<TrialOutcome> {
  const k = deps.cvFolds!;
  const emit = deps.onProgress ?? (() => undefined);
  // The samples up to the validation part's last bar: the test part and its purge stay out.
  let lastVal = Number.NEGATIVE_INFINITY;
  for (let r = 0; r < split.validation.rows; r++) lastVal = Math.max(lastVal, split.validation.time[r]!);
  const keep: number[] = [];
  for (let r = 0; r < samples.rows; r++) if (samples.time[r]! <= lastVal) keep.push(r);
  const cvSamples = subset(samples, Int32Array.from(keep));
  const cvStrategy = {
    ...strategy,
    training: {
      ...strategy.training,
      cross_validation: { type: 'cpcv' as const, groups: k, test_groups: 1, embargo: strategy.training.cross_validation?.embargo },
    },
  };
  const plan = withDataContext(data, 0, horizon, () => planCrossValidation(cvStrategy, cvSamples, horizon))!;
  deps.checkBudget?.(strategy, { train_rows: plan.folds.reduce((n, f) => n + f.train.length, 0), fits: plan.folds.length });
  const intermediate: { step: number; value: number }[] = [];
  const oof = new Float32Array(cvSamples.rows * 3);
  const covered = new Uint8Array(cvSamples.rows);
  let lossSum = 0;
  let weight = 0;
  let correct = 0;
  let epochs = 0;
  let pruned = false;
  for (let f = 0; f < plan.folds.length && !pruned; f++) {
    if (deps.signal?.aborted) throw cancelledError(deps.signal.reason);
    const fold = plan.folds[f]!;
    const foldSplit: Split = {
      train: subset(cvSamples, fold.train),
      validation: subset(cvSamples, fold.validation),
      test: subset(cvSamples, fold.test),
      boundaries: { validation_start: cvSamples.time[fold.validation[0]!]!, test_start: cvSamples.time[fold.test[0]!]! },
      purged: 0,
    };
    const fitted = await fitModel(strategy, foldSplit, {
      signal: deps.signal,
      progressEveryBatches: deps.progressEveryBatches,
      now,
      onProgress: (p) =>
        emit({
          phase: 'model_training',
          progress_pct: 10 + (85 * (f + (p.epoch - 1 + p.batch / p.batches) / p.epochs)) / plan.folds.length,
          message: `fold ${f + 1}/${plan.folds.length} · epoch ${p.epoch}/${p.epochs} · loss ${p.loss.toFixed(3)}`,
        }),
    });
    try {
      const { test } = fitted;
      const probs = await predictProba(fitted.model, test.x, test.rows, test.cols);
      lossSum += crossEntropy(probs, test.y) * test.rows;
      weight += test.rows;
      correct += accuracyOf(argmaxRows(probs), test.y) * test.rows;
      epochs += fitted.outcome.epochs_run;
      fold.test.forEach((r, i) => {
        oof.set(probs.subarray(i * 3, i * 3 + 3), r * 3);
        covered[r] = 1;
      });
    } finally {
      fitted.model.dispose();
    }
    const value = lossSum / weight;
    intermediate.push({ step: f + 1, value });
    if (deps.report && (await deps.report(f + 1, value))) pruned = true;
  }
  const rows: number[] = [];
  for (let r = 0; r < cvSamples.rows; r++) if (covered[r]) rows.push(r);
  const idx = Int32Array.from(rows);
  const probs = new Float32Array(idx.length * 3);
  idx.forEach((r, i) => probs.set(oof.subarray(r * 3, r * 3 + 3), i * 3));
  const validation =
    deps.evaluateValidation?.(
      data.series,
      { symbol: Int32Array.from(idx, (r) => cvSamples.symbol[r]!), bar: Int32Array.from(idx, (r) => cvSamples.bar[r]!), probs },
      strategy,
    ) ?? null;
  emit({ phase: 'validation', progress_pct: 100, message: pruned ? `pruned after fold ${intermediate.length}` : 'trial done' });
  return {
    kind: 'trial',
    objective: 'val_loss',
    state: pruned ? 'pruned' : 'complete',
    value: lossSum / weight,
    intermediate,
    epochs_run: epochs,
    best_epoch: 0,
    val_accuracy: correct / weight,
    validation: validation?.summary ?? null,
    returns: (validation?.files?.['returns'] as TrialOutcome['returns'] | undefined) ?? null,
    train_rows: cvSamples.rows,
    validation_rows: weight,
    bars: barCount(data),
    seconds: (now() - t0) / 1000,
    backend: deps.backend,
    cv_folds: k,
  };
}
