import { cancelledError } from '../domain/errors.js';
import type { BackendInfo } from './backend/index.js';
import { loadMarketData } from './data/index.js';
import { barCount } from './data/types.js';
import { fitModel, strategySplit } from './fit-model.js';
import { applyScaler, fitScaler } from './dataset/scaler.js';
import { argmaxRows, predictProba } from './model/predict.js';
import { accuracyOf } from './evaluate/metrics.js';
import type { EvaluationHook, PipelineDeps, TrainingRequest } from './train-pipeline.js';
import { applyOverrides, DEFAULT_DATA_SPEC } from './train-pipeline.js';
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
  const data = await loadMarketData(req.data ?? strategy.data.source ?? DEFAULT_DATA_SPEC, {
    symbols: strategy.data.symbols,
    from: strategy.data.from,
    to: strategy.data.to,
    timeframe: strategy.data.timeframe,
    cwd: req.cwd,
    dataDir: req.dataDir,
    storeFile: req.storeFile,
    access: req.access,
  });
  if (deps.signal?.aborted) throw cancelledError(deps.signal.reason);
  deps.checkBudget?.(strategy, { bars: barCount(data) });
  emit({ phase: 'feature_engineering', progress_pct: 5, message: `computing features over ${barCount(data)} bars` });
  const { split } = strategySplit(strategy, data);
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
        current = objective === 'val_loss' ? monitored : minusSharpe(predictProba(model, val.x, val.rows, val.cols));
      }
      intermediate.push({ step: stats.epoch, value: current });
      return deps.report ? deps.report(stats.epoch, current) : false;
    },
  });
  try {
    const { model, outcome } = fitted;
    const probs = predictProba(model, fitted.val.x, fitted.val.rows, fitted.val.cols);
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
