import type * as tf from '@tensorflow/tfjs';
import { DomainError, cancelledError } from '../domain/errors.js';
import { labelHorizon, type Strategy } from '../domain/strategy.js';
import { barCount, type MarketData } from './data/types.js';
import { assembleSamples, type SampleSet, type SymbolFeatures } from './dataset/assemble.js';
import { applyScaler, fitScaler, type Scaler } from './dataset/scaler.js';
import { chronologicalSplit, type Split } from './dataset/split.js';
import { assertDataFits, buildFeaturesMulti, buildLabels } from './features/index.js';
import { buildModel } from './model/build.js';
import type { LabeledMatrix } from './model/dataset.js';
import { trainModel, type TrainOptions, type TrainOutcome, type TrainProgress } from './model/train.js';
import { predictProba } from './model/predict.js';
import { crossEntropy } from './evaluate/metrics.js';

/** Features, labels and the usable samples of a data set, for one strategy. */
export interface PreparedSamples {
  features: SymbolFeatures[];
  samples: SampleSet;
  /** Bars a label looks ahead: the smallest purge gap that keeps labels from seeing the next part. */
  horizon: number;
  /** Bars consumed by indicators before the first usable sample (first symbol). */
  warmup: number;
}

/**
 * Indicators, fuzzy memberships and labels per symbol, then the rows with finite features and a
 * label. A strategy whose indicators need a bar field the data lacks is refused first.
 */
export function prepareSamples(strategy: Strategy, data: MarketData): PreparedSamples {
  assertDataFits(strategy, data);
  const features = buildFeaturesMulti(strategy, data.series);
  const labels = data.series.map((bars) => buildLabels(strategy.labels, bars));
  return {
    features,
    samples: assembleSamples(data.series, features, labels),
    horizon: labelHorizon(strategy.labels),
    warmup: features[0]?.warmup ?? 0,
  };
}

/** Too little data: say how many bars there were and what the strategy consumes before the first sample. */
export function withDataContext<T>(data: MarketData, warmup: number, horizon: number, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (!(err instanceof DomainError) || err.code !== 'INSUFFICIENT_DATA') throw err;
    const bars = data.series.map((b) => `${b.symbol} ${b.time.length}`).join(', ');
    throw new DomainError(
      'INSUFFICIENT_DATA',
      `${err.message} The data has ${barCount(data)} bars (${bars}); the strategy needs ${warmup} warm-up bars and a ${horizon}-bar label horizon per symbol before and after the labelled samples.`,
      { ...err.data, bars: barCount(data), warmup, horizon },
    );
  }
}

/**
 * The samples of a strategy on this data and their chronological split (purge gap = the
 * strategy's, else the label horizon): training and the test-segment backtest both call this, so
 * the backtest reproduces exactly the bars training tested on.
 */
export function strategySplit(strategy: Strategy, data: MarketData): PreparedSamples & { split: Split } {
  const prepared = prepareSamples(strategy, data);
  const split = withDataContext(data, prepared.warmup, prepared.horizon, () =>
    chronologicalSplit(prepared.samples, {
      validation_fraction: strategy.training.validation_fraction,
      test_fraction: strategy.training.test_fraction,
      purge: strategy.training.purge_gap ?? prepared.horizon,
    }),
  );
  return { ...prepared, split };
}

export interface FitDeps {
  signal?: AbortSignal | undefined;
  onProgress?: ((p: TrainProgress) => void) | undefined;
  progressEveryBatches?: number | undefined;
  now?: (() => number) | undefined;
  onEpochEnd?: TrainOptions['onEpochEnd'];
}

/** A model trained on a split's training part, with the matrices scaled by the training part's scaler. */
export interface FittedModel {
  model: tf.LayersModel;
  scaler: Scaler;
  outcome: TrainOutcome;
  /**
   * Unweighted cross-entropy on the training part, in inference mode, of the untrained model and
   * of the trained one (best weights): how much training reduced the loss, on the same footing as
   * the test loss. (The per-epoch losses are class-weighted with dropout on: a rare class with a
   * large weight dominates them, and the first epoch's average already includes most learning.)
   */
  train_loss: { initial: number; final: number };
  train: LabeledMatrix;
  val: LabeledMatrix;
  test: LabeledMatrix;
}

function toMatrix(set: SampleSet, x: Float32Array): LabeledMatrix {
  return { rows: set.rows, cols: set.cols, x, y: set.y };
}

/**
 * Scales on the training part only, builds the seeded model and trains it with early stopping on
 * the validation part; the training loop checks `signal` every batch. The caller owns (and must
 * dispose) the returned model; on failure or cancellation it is disposed here.
 */
export async function fitModel(strategy: Strategy, split: Split, deps: FitDeps = {}): Promise<FittedModel> {
  const scaler = fitScaler(split.train.x, split.train.rows, split.train.cols);
  const [train, val, test] = [split.train, split.validation, split.test].map((p) =>
    toMatrix(p, applyScaler(scaler, p.x, p.rows, p.cols)),
  ) as [LabeledMatrix, LabeledMatrix, LabeledMatrix];
  if (deps.signal?.aborted) throw cancelledError(deps.signal.reason);
  const model = buildModel(strategy.model, train.cols, strategy.training.seed);
  const trainLoss = async () => crossEntropy(await predictProba(model, train.x, train.rows, train.cols), train.y);
  try {
    const initial = await trainLoss();
    const outcome = await trainModel(model, train, val, {
      model: strategy.model,
      training: strategy.training,
      signal: deps.signal,
      progressEveryBatches: deps.progressEveryBatches,
      now: deps.now,
      onProgress: deps.onProgress,
      onEpochEnd: deps.onEpochEnd,
    });
    if (deps.signal?.aborted) throw cancelledError(deps.signal.reason);
    return { model, scaler, outcome, train_loss: { initial, final: await trainLoss() }, train, val, test };
  } catch (err) {
    model.dispose();
    throw err;
  }
}
