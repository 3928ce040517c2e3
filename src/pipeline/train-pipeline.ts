import type { FileAccess } from '../config/access.js';
import path from 'node:path';
import { cancelledError } from '../domain/errors.js';
import { LABEL_CLASSES, labelHorizon, type Strategy } from '../domain/strategy.js';
import { ARTIFACT_FILES, saveArtifacts } from './artifacts/store.js';
import { columnOf, featureReference, predictionScores, type ReferenceDistributions } from './artifacts/reference.js';
import type { BackendInfo } from './backend/index.js';
import { loadMarketData } from './data/index.js';
import { barCount, type MarketData } from './data/types.js';
import type { PackedBars } from './data/packed.js';
import type { SampleSet } from './dataset/assemble.js';
import { permutationImportance } from './evaluate/importance.js';
import { accuracyOf, classificationMetrics, majorityClass } from './evaluate/metrics.js';
import { planCrossValidation, runCrossValidation } from './cross-validation.js';
import { fitModel, strategySplit, withDataContext } from './fit-model.js';
import { architecture } from './model/build.js';
import { classCounts } from './model/dataset.js';
import { argmaxRows, predictProba } from './model/predict.js';
import type { TrainProgress } from './model/train.js';
import type { PerSymbolMetrics, PipelineProgress, TrainingResult } from './result.js';
import type { ResolvedStrategy } from './strategy-source.js';
import { maxOf, minOf } from './array-stats.js';

export interface TrainingOverrides {
  symbols?: string[] | undefined;
  /** Resample to this bar size (overrides the strategy's data.timeframe). */
  timeframe?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  epochs?: number | undefined;
  seed?: number | undefined;
}

export interface TrainingRequest {
  strategy: ResolvedStrategy;
  /** Data spec; defaults to the strategy's data.source, then sample:sp500. */
  data?: string | undefined;
  overrides?: TrainingOverrides | undefined;
  modelId: string;
  modelsDir: string;
  dataDir: string;
  cwd?: string | undefined;
  /** The registry database, for `store:` data specs (ingested bars). */
  storeFile?: string | undefined;
  /** A `store:` spec's bars, already read by the registry's owner (a remote worker has no registry). */
  storeBars?: PackedBars | undefined;
  /** Which files the data spec may name (an MCP client's roots); default: any. */
  access?: FileAccess | undefined;
}

/** Out-of-sample predictions handed to an evaluation hook (e.g. a backtest). */
export interface TestPredictions {
  symbol: Int32Array;
  bar: Int32Array;
  probs: Float32Array;
}

/**
 * Extra evaluation of the test predictions supplied by the caller (the job runner plugs in the
 * backtester here; the pipeline itself knows nothing of trading rules). `summary` goes into the
 * result, `files` into the artifact folder.
 */
export type EvaluationHook = (
  series: MarketData['series'],
  predictions: TestPredictions,
  strategy: Strategy,
) => { summary: Record<string, unknown>; files?: Record<string, unknown> } | null;

/** What the test part says about the classifier, for a statistical summary (see monitoring/validation/evidence.ts). */
export interface TestEvidenceInput {
  y: Int32Array;
  probs: Float32Array;
  pred: Int32Array;
  baselineClass: number;
  /** Class counts of the training labels. */
  trainCounts: number[];
  /** Bars a label looks ahead (overlapping labels share bars). */
  horizon: number;
  /** Symbol of each test row. */
  segment: Int32Array;
  seed: number;
}

/** The validation predictions in time order per symbol, for statistics frozen into the drift reference. */
export interface ValidationSamples {
  probs: Float32Array;
  pred: Int32Array;
  y: ArrayLike<number>;
  symbol: ArrayLike<number>;
  horizon: number;
}

/** Effective sample sizes of the validation accuracy and scores (monitoring supplies it; see drift-reference.ts). */
export type ValidationStats = (v: ValidationSamples) => { n_eff: number; scores_n_eff: number };

export interface PipelineDeps {
  backend: BackendInfo;
  evaluate?: EvaluationHook | undefined;
  /** Significance of the test figures (effective sample size, p-values, intervals), stored as test_metrics.significance. */
  testEvidence?: ((input: TestEvidenceInput) => Record<string, unknown> | null) | undefined;
  /** Without it the reference stores no effective sizes and drift checks deflate by the label horizon. */
  validationStats?: ValidationStats | undefined;
  signal?: AbortSignal | undefined;
  onProgress?: ((p: PipelineProgress) => void) | undefined;
  progressEveryBatches?: number | undefined;
  /**
   * Refuses a run too large for the configured limits once its size is known: after loading (bars
   * in all) and after the split (training rows of every fit, CPCV included). Throws to refuse.
   */
  checkBudget?: ((strategy: Strategy, size: { bars: number } | { train_rows: number; fits: number }) => void) | undefined;
  /** Monotonic ms clock for timings. */
  now?: (() => number) | undefined;
  /** Wall clock for created_at. */
  clock?: (() => Date) | undefined;
}

export const DEFAULT_DATA_SPEC = 'sample:sp500';

const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** The strategy as trained: the YAML with the run's overrides (symbols, dates, timeframe, epochs, seed) applied. */
export function applyOverrides(s: Strategy, o: TrainingOverrides | undefined): Strategy {
  if (!o) return s;
  return {
    ...s,
    data: {
      ...s.data,
      ...(o.symbols ? { symbols: o.symbols } : {}),
      ...(o.from ? { from: o.from } : {}),
      ...(o.to ? { to: o.to } : {}),
      ...(o.timeframe ? { timeframe: o.timeframe } : {}),
    },
    training: { ...s.training, ...(o.epochs !== undefined ? { epochs: o.epochs } : {}), ...(o.seed !== undefined ? { seed: o.seed } : {}) },
  };
}

function perSymbol(data: MarketData, test: SampleSet, pred: Int32Array, majority: number): PerSymbolMetrics[] {
  return data.series.map((bars, s) => {
    const idx: number[] = [];
    for (let r = 0; r < test.rows; r++) if (test.symbol[r] === s) idx.push(r);
    const y = Int32Array.from(idx, (r) => test.y[r]!);
    const p = Int32Array.from(idx, (r) => pred[r]!);
    const base = y.reduce((n, c) => n + (c === majority ? 1 : 0), 0);
    return {
      symbol: bars.symbol,
      samples: y.length,
      accuracy: accuracyOf(p, y),
      baseline_accuracy: y.length ? base / y.length : Number.NaN,
    };
  });
}

/** The data a run trains on: the request's spec (else the strategy's source, else the bundled S&P 500) with the strategy's selection. */
export function loadStrategyData(req: Omit<TrainingRequest, 'modelId' | 'modelsDir'>, strategy: Strategy): Promise<MarketData> {
  return loadMarketData(req.data ?? strategy.data.source ?? DEFAULT_DATA_SPEC, {
    symbols: strategy.data.symbols,
    from: strategy.data.from,
    to: strategy.data.to,
    timeframe: strategy.data.timeframe,
    cwd: req.cwd,
    dataDir: req.dataDir,
    storeFile: req.storeFile,
    storeBars: req.storeBars,
    access: req.access,
  });
}

/**
 * The training pipeline: data -> indicators -> fuzzy -> features -> labels -> split -> scale ->
 * model -> train -> evaluate -> save. Pure apart from loading data and writing the artifact
 * folder, which happens last and atomically: a failure or cancellation leaves nothing behind.
 */
export async function runTrainingPipeline(req: TrainingRequest, deps: PipelineDeps): Promise<TrainingResult> {
  const now = deps.now ?? (() => performance.now());
  const clock = deps.clock ?? (() => new Date());
  const emit = deps.onProgress ?? (() => undefined);
  const checkCancel = () => {
    if (deps.signal?.aborted) throw cancelledError(deps.signal.reason);
  };
  const strategy = applyOverrides(req.strategy.strategy, req.overrides);
  const t0 = now();

  emit({ phase: 'data_preparation', progress_pct: 0, message: 'loading data' });
  const data = await loadStrategyData(req, strategy);
  checkCancel();
  deps.checkBudget?.(strategy, { bars: barCount(data) });
  const tData = now();

  emit({ phase: 'feature_engineering', progress_pct: 5, message: `computing features over ${barCount(data)} bars` });
  const { samples, split, warmup, horizon } = strategySplit(strategy, data);
  const cvPlan = withDataContext(data, warmup, horizon, () => planCrossValidation(strategy, samples, horizon));
  // With cross-validation the main fit takes 10..50% and the CPCV fits (phase 'validation') 50..90%.
  const trainBand = cvPlan ? 40 : 80;
  let cvRows = 0;
  for (const fold of cvPlan?.folds ?? []) cvRows += fold.train.length;
  deps.checkBudget?.(strategy, { train_rows: split.train.rows + cvRows, fits: 1 + (cvPlan?.folds.length ?? 0) });
  checkCancel();
  const tFeatures = now();

  emit({
    phase: 'model_training',
    progress_pct: 10,
    message: `training on ${split.train.rows} samples, ${split.train.cols} features`,
  });
  const {
    model,
    scaler,
    outcome,
    train_loss: trainLoss,
    train,
    val,
    test,
  } = await fitModel(strategy, split, {
    signal: deps.signal,
    progressEveryBatches: deps.progressEveryBatches,
    now,
    onProgress: (p: TrainProgress) => {
      const done = (p.epoch - 1 + p.batch / p.batches) / p.epochs;
      const metrics = p.val_accuracy !== undefined ? ` · val_loss ${p.val_loss!.toFixed(3)} · val_acc ${p.val_accuracy.toFixed(3)}` : '';
      const { phase: _phase, epoch_end: _end, ...rest } = p;
      emit({
        phase: 'model_training',
        progress_pct: 10 + trainBand * done,
        message: `epoch ${p.epoch}/${p.epochs} · loss ${p.loss.toFixed(3)}${metrics}`,
        ...rest,
      });
    },
  });
  try {
    checkCancel();
    const tTrain = now();

    emit({ phase: 'validation', progress_pct: 10 + trainBand, message: 'evaluating on the test part' });
    const majority = majorityClass(train.y);
    const testProbs = await predictProba(model, test.x, test.rows, test.cols);
    const testPred = argmaxRows(testProbs);
    const significance =
      deps.testEvidence?.({
        y: test.y,
        probs: testProbs,
        pred: testPred,
        baselineClass: majority,
        trainCounts: classCounts(train.y, 3),
        horizon: labelHorizon(strategy.labels),
        segment: split.test.symbol,
        seed: strategy.training.seed,
      }) ?? null;
    const testMetrics = { ...classificationMetrics(testProbs, testPred, test.y, majority), ...(significance ? { significance } : {}) };
    const extra = deps.evaluate?.(data.series, { symbol: split.test.symbol, bar: split.test.bar, probs: testProbs }, strategy) ?? null;
    const importance = await permutationImportance(model, test.x, test.y, samples.names, strategy.training.seed);
    const valProbs = await predictProba(model, val.x, val.rows, val.cols);
    const valPred = argmaxRows(valProbs);
    const valShare = classCounts(valPred, 3).map((c) => c / Math.max(1, val.rows));
    const reference: ReferenceDistributions = {
      bins: 10,
      features: samples.names.map((name, j) => featureReference(name, columnOf(split.train.x, split.train.rows, split.train.cols, j), 10)),
      prediction_scores: predictionScores(valProbs),
      predicted_class_share: { down: valShare[0]!, flat: valShare[1]!, up: valShare[2]! },
      validation: {
        accuracy: accuracyOf(valPred, val.y),
        loss: outcome.history[outcome.best_epoch - 1]?.val_loss ?? Number.NaN,
        samples: val.rows,
        label_horizon: labelHorizon(strategy.labels),
        ...deps.validationStats?.({
          probs: valProbs,
          pred: valPred,
          y: val.y,
          symbol: split.validation.symbol,
          horizon: labelHorizon(strategy.labels),
        }),
      },
    };
    checkCancel();
    const tEval = now();

    const crossValidation = cvPlan
      ? await runCrossValidation(strategy, samples, cvPlan, {
          signal: deps.signal,
          progressEveryBatches: deps.progressEveryBatches,
          now,
          onProgress: (e) => emit({ phase: 'validation', progress_pct: 50 + 40 * e.done, message: e.message }),
        })
      : undefined;
    checkCancel();
    const tCv = now();

    emit({ phase: 'saving', progress_pct: 97, message: 'saving artifacts' });
    const counts = classCounts(samples.y, 3);
    const first = outcome.history[0];
    const bestEpoch = outcome.history[outcome.best_epoch - 1] ?? first;
    const allTimes = data.series.flatMap((b) => (b.time.length ? [b.time[0]!, b.time[b.time.length - 1]!] : []));
    const result: TrainingResult = {
      backtest: extra?.summary ?? null,
      model_id: req.modelId,
      model_path: path.resolve(req.modelsDir, req.modelId),
      created_at: clock().toISOString(),
      strategy: { name: strategy.name, hash: req.strategy.hash, source: req.strategy.source },
      backend: deps.backend,
      training_metrics: {
        epochs_run: outcome.epochs_run,
        best_epoch: outcome.best_epoch,
        stopped_early: outcome.stopped_early,
        initial_loss: trainLoss.initial,
        final_loss: trainLoss.final,
        best_val_loss: bestEpoch?.val_loss ?? Number.NaN,
        best_val_accuracy: bestEpoch?.val_accuracy ?? Number.NaN,
        loss_decrease: trainLoss.initial > 0 ? (trainLoss.initial - trainLoss.final) / trainLoss.initial : 0,
        class_weights: outcome.class_weights,
        samples_per_s: outcome.samples_per_s,
        history: outcome.history,
      },
      test_metrics: testMetrics,
      artifacts: {
        feature_importance: importance,
        per_symbol: perSymbol(data, split.test, testPred, majority),
        files: Object.values(ARTIFACT_FILES),
      },
      model_info: {
        architecture: architecture(strategy.model, train.cols),
        parameters: model.countParams(),
        input_features: train.cols,
        feature_names: samples.names,
        optimizer: strategy.training.optimizer,
        learning_rate: strategy.training.learning_rate,
        batch_size: strategy.training.batch_size,
        seed: strategy.training.seed,
      },
      data_summary: {
        source: data.source,
        data_hash: data.hash,
        symbols: data.series.map((s) => s.symbol),
        timeframe: data.timeframe,
        // What the model is a model of: the strategy's data selection with this run's overrides
        // (the saved strategy.yaml is the user's YAML), applied by drift checks and monitoring.
        selection: { symbols: strategy.data.symbols ?? null, timeframe: strategy.data.timeframe ?? null },
        bars: barCount(data),
        date_range: { from: iso(minOf(allTimes)), to: iso(maxOf(allTimes)) },
        samples: { train: train.rows, validation: val.rows, test: test.rows, purged: split.purged },
        split_boundaries: { validation_start: iso(split.boundaries.validation_start), test_start: iso(split.boundaries.test_start) },
        label_balance: Object.fromEntries(LABEL_CLASSES.map((c, i) => [c, counts[i]!])) as TrainingResult['data_summary']['label_balance'],
        notes: data.notes,
      },
      timings: {
        data_s: (tData - t0) / 1000,
        features_s: (tFeatures - tData) / 1000,
        training_s: (tTrain - tFeatures) / 1000,
        evaluation_s: (tEval - tTrain) / 1000,
        ...(crossValidation ? { cross_validation_s: (tCv - tEval) / 1000 } : {}),
        saving_s: 0,
        total_s: (tCv - t0) / 1000,
      },
      ...(crossValidation ? { cross_validation: crossValidation } : {}),
    };
    await saveArtifacts(req.modelsDir, req.modelId, {
      extraFiles: extra?.files,
      model,
      strategyYaml: req.strategy.yaml,
      features: { names: samples.names, scaler },
      reference,
      result,
    });
    const tSave = now();
    result.timings.saving_s = (tSave - tCv) / 1000;
    result.timings.total_s = (tSave - t0) / 1000;
    emit({ phase: 'saving', progress_pct: 100, message: 'artifacts saved' });
    return result;
  } finally {
    model.dispose();
  }
}
