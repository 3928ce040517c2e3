import { DomainError } from '../../domain/errors.js';
import type { SampleSet } from '../../pipeline/dataset/assemble.js';
import { purgedParts, splitFromParts, type Split } from '../../pipeline/dataset/split.js';
import { minMax } from '../../pipeline/array-stats.js';

export interface WalkForwardOptions {
  /** expanding: every training part starts at the first bar; rolling: a fixed-length part slides forward. */
  scheme: 'expanding' | 'rolling';
  windows: number;
  /** Bar instants per test part; default: the instants split evenly into windows + 1 parts. */
  test_bars?: number | undefined;
  /** Rolling only: bar instants per training part (default: the first window's, all bars before it). */
  train_bars?: number | undefined;
  /** Training instants each window needs after the purge gap. */
  min_train_bars: number;
}

/** One window as indices into the sorted distinct bar instants of the samples (ends exclusive). */
export interface WindowPlan {
  index: number;
  train_start: number;
  train_end: number;
  test_start: number;
  test_end: number;
}

/**
 * Windows over `instants` distinct bar times: test parts of `test_bars` follow each other up to the
 * last instant; window i trains on the instants before its test part (expanding: all of them;
 * rolling: the last `train_bars`), less the `purge` bars before the boundary, which
 * `windowSplit` drops because their labels look into the test part.
 */
export function planWindows(instants: number, purge: number, o: WalkForwardOptions): WindowPlan[] {
  if (!Number.isInteger(o.windows) || o.windows < 1)
    throw new DomainError('INVALID_ARGUMENT', `walk_forward.windows must be a whole number >= 1, got ${o.windows}.`, {
      windows: o.windows,
    });
  const testBars = o.test_bars ?? Math.floor(instants / (o.windows + 1));
  const firstTrainEnd = instants - o.windows * testBars;
  const trainBars = o.scheme === 'rolling' ? (o.train_bars ?? firstTrainEnd) : firstTrainEnd;
  const usable = Math.min(trainBars, firstTrainEnd) - purge;
  if (testBars < 1 || firstTrainEnd < 1 || usable < o.min_train_bars) {
    const need =
      o.test_bars !== undefined ? o.min_train_bars + purge + o.windows * o.test_bars : (o.min_train_bars + purge) * (o.windows + 1);
    throw new DomainError(
      'INSUFFICIENT_DATA',
      `Walk-forward needs more data: the samples cover ${instants} bars (after the indicator warm-up and label horizon); ` +
        `windows=${o.windows} x test_bars=${testBars} leave ${Math.max(0, firstTrainEnd)} bars before the first test part` +
        `${o.scheme === 'rolling' && o.train_bars !== undefined ? ` (train_bars=${o.train_bars})` : ''}, ` +
        `${Math.max(0, usable)} after the purge gap of ${purge} bars, but min_train_bars=${o.min_train_bars}. ` +
        `Lower walk_forward.windows, walk_forward.test_bars or walk_forward.min_train_bars, or use a longer data range (at least ${need} bars).`,
      { instants, windows: o.windows, test_bars: testBars, train_bars: trainBars, purge, min_train_bars: o.min_train_bars },
    );
  }
  if (o.scheme === 'rolling' && trainBars > firstTrainEnd)
    throw new DomainError(
      'INSUFFICIENT_DATA',
      `walk_forward.train_bars=${trainBars} is longer than the ${firstTrainEnd} bars before the first test part. Lower train_bars or windows.`,
      { train_bars: trainBars, available: firstTrainEnd },
    );
  return Array.from({ length: o.windows }, (_, i) => {
    const testStart = firstTrainEnd + i * testBars;
    return {
      index: i,
      train_start: o.scheme === 'rolling' ? testStart - trainBars : 0,
      train_end: testStart,
      test_start: testStart,
      test_end: testStart + testBars,
    };
  });
}

/** Sorted distinct timestamps of a sample set: the calendar all symbols share. */
export function sampleInstants(set: SampleSet): Float64Array {
  return Float64Array.from(new Set(set.time)).sort();
}

/**
 * The train / validation / test parts of one window. Validation is the last `validation_fraction`
 * of the window's training instants (early stopping); per symbol the `purge` bars before the
 * validation and test boundaries are dropped, as in the training split, so no label sees the next part.
 */
export function windowSplit(
  set: SampleSet,
  instants: Float64Array,
  w: WindowPlan,
  o: { purge: number; validation_fraction: number; min_per_part?: number },
): Split {
  const at = (i: number) => (i < instants.length ? instants[i]! : Number.POSITIVE_INFINITY);
  const trainStart = at(w.train_start);
  const valStart = at(w.train_start + Math.floor((w.train_end - w.train_start) * (1 - o.validation_fraction)));
  const testStart = at(w.test_start);
  const testEnd = at(w.test_end);
  const bounds = { from: trainStart, valStart, testStart, to: testEnd };
  const p = purgedParts(set, bounds, o.purge);
  const min = o.min_per_part ?? 30;
  const parts = { train: p.train.length, validation: p.val.length, test: p.test.length };
  const short = Object.entries(parts).filter(([, n]) => n < min);
  if (short.length > 0)
    throw new DomainError(
      'INSUFFICIENT_DATA',
      `Walk-forward window ${w.index + 1} has train ${parts.train}, validation ${parts.validation}, test ${parts.test} samples (each needs at least ${min}). ` +
        'Lower walk_forward.windows or raise walk_forward.min_train_bars / test_bars, or use more data.',
      { window: w.index + 1, ...parts, min_per_part: min },
    );
  return splitFromParts(set, p, bounds);
}

export interface Spread {
  mean: number;
  std: number;
  min: number;
  max: number;
}

/** Mean, sample standard deviation (0 for one value), min and max. */
export function spreadOf(values: number[]): Spread {
  const finite = values.filter(Number.isFinite);
  const n = finite.length;
  if (n === 0) return { mean: Number.NaN, std: Number.NaN, min: Number.NaN, max: Number.NaN };
  const mean = finite.reduce((a, b) => a + b, 0) / n;
  const variance = n > 1 ? finite.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1) : 0;
  return { mean, std: Math.sqrt(variance), ...minMax(finite) };
}
