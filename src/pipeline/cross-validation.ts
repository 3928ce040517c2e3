import { DomainError, cancelledError } from '../domain/errors.js';
import type { CrossValidationDef, Strategy } from '../domain/strategy.js';
import { groupBounds } from '../monitoring/validation/combinations.js';
import { cpcvPaths, cpcvSplitsByGroup, type CpcvPaths } from '../monitoring/validation/cpcv.js';
import { subset, type SampleSet } from './dataset/assemble.js';
import type { Split } from './dataset/split.js';
import { accuracyOf, crossEntropy, majorityClass } from './evaluate/metrics.js';
import { fitModel, type FitDeps } from './fit-model.js';
import { argmaxRows, predictProba } from './model/predict.js';
import type { CrossValidationResult, SpreadStats } from './result.js';

/** One CPCV fit: row indices into the sample set, ascending. */
export interface CvFold {
  test_groups: number[];
  /** Fitted on. */
  train: Int32Array;
  /** The last part of the training rows in time, for early stopping (as the normal split's validation part). */
  validation: Int32Array;
  test: Int32Array;
}

export interface CrossValidationPlan {
  spec: CrossValidationDef;
  purge: number;
  embargo: number;
  /** Group of each sample (calendar groups shared by all symbols). */
  group: Int32Array;
  folds: CvFold[];
  paths: CpcvPaths;
}

/** Each part of each fit needs this many rows, like the normal split. */
const MIN_PER_PART = 30;

/**
 * Group ids on calendar time shared by all symbols (as chronologicalSplit cuts its parts): the
 * sorted sample times are cut into `groups` runs of nearly equal length and each cut instant
 * applies to every symbol.
 */
function calendarGroups(time: Float64Array, groups: number): Int32Array {
  const sorted = Float64Array.from(time).sort();
  const bounds = groupBounds(sorted.length, groups);
  const cuts = Array.from({ length: groups - 1 }, (_, g) => sorted[bounds[g + 1]!]!);
  const group = new Int32Array(time.length);
  for (let r = 0; r < time.length; r++) {
    let g = 0;
    while (g < cuts.length && time[r]! >= cuts[g]!) g++;
    group[r] = g;
  }
  return group;
}

/**
 * The training rows split into fit and early-stopping parts: rows at or after the instant that
 * leaves `fraction` of them behind validate; per symbol the `purge` bars before that instant are
 * dropped, so no fitted label sees the validation part.
 */
function validationCut(set: SampleSet, train: Int32Array, fraction: number, purge: number): { fit: Int32Array; validation: Int32Array } {
  if (train.length === 0) return { fit: train, validation: train };
  const times = Float64Array.from(train, (r) => set.time[r]!).sort();
  const cut = times[Math.min(times.length - 1, Math.floor(times.length * (1 - fraction)))]!;
  const firstVal = new Map<number, number>();
  for (const r of train) {
    if (set.time[r]! < cut) continue;
    const s = set.symbol[r]!;
    firstVal.set(s, Math.min(firstVal.get(s) ?? Number.POSITIVE_INFINITY, set.bar[r]!));
  }
  const fit: number[] = [];
  const validation: number[] = [];
  for (const r of train) {
    if (set.time[r]! >= cut) validation.push(r);
    else if (set.bar[r]! < (firstVal.get(set.symbol[r]!) ?? Number.POSITIVE_INFINITY) - purge) fit.push(r);
  }
  return { fit: Int32Array.from(fit), validation: Int32Array.from(validation) };
}

/**
 * The CPCV folds of a strategy over all its samples (null when the strategy does not ask for
 * cross-validation). Built before any training so that too little data fails at once.
 * Purge = the strategy's purge gap (the label horizon by default); embargo = the strategy's, else
 * 1% of the samples per symbol (López de Prado 2018, 7.4.2: h ≈ 0.01 T usually suffices).
 */
export function planCrossValidation(strategy: Strategy, samples: SampleSet, horizon: number): CrossValidationPlan | null {
  const spec = strategy.training.cross_validation;
  if (!spec) return null;
  const purge = strategy.training.purge_gap ?? horizon;
  const symbols = new Set(samples.symbol).size;
  const embargo = spec.embargo ?? Math.ceil((0.01 * samples.rows) / Math.max(1, symbols));
  const group = calendarGroups(samples.time, spec.groups);
  const splits = cpcvSplitsByGroup({
    group,
    groups: spec.groups,
    testGroups: spec.test_groups,
    purge,
    embargo,
    segment: samples.symbol,
    position: samples.bar,
  });
  const folds: CvFold[] = splits.map((s) => {
    const { fit, validation } = validationCut(samples, s.train, strategy.training.validation_fraction, purge);
    return { test_groups: s.test_groups, train: fit, validation, test: s.test };
  });
  const short = folds.find((f) => Math.min(f.train.length, f.validation.length, f.test.length) < MIN_PER_PART);
  if (short) {
    const parts = { train: short.train.length, validation: short.validation.length, test: short.test.length };
    throw new DomainError(
      'INSUFFICIENT_DATA',
      `Not enough samples for CPCV with ${spec.groups} groups, ${spec.test_groups} tested at a time (purge ${purge}, embargo ${embargo} bars): ${samples.rows} samples gave the fit testing groups ${short.test_groups.join(', ')} train ${parts.train}, validation ${parts.validation}, test ${parts.test} (each needs at least ${MIN_PER_PART}). Use more data, fewer groups or a smaller embargo.`,
      { samples: samples.rows, ...parts, min_per_part: MIN_PER_PART },
    );
  }
  return { spec, purge, embargo, group, folds, paths: cpcvPaths(spec.groups, spec.test_groups) };
}

export interface CrossValidationDeps extends Omit<FitDeps, 'onProgress'> {
  /** Per fit and per training progress event inside it: `done` is the share of all fits finished (0..1). */
  onProgress?: ((e: { fit: number; fits: number; done: number; message: string }) => void) | undefined;
}

function spread(xs: number[]): SpreadStats {
  const n = xs.length;
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  const std = n > 1 ? Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1)) : 0;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const x of xs) [min, max] = [Math.min(min, x), Math.max(max, x)];
  return { mean, std, min, max };
}

/**
 * Fits the strategy's model on every fold (same seed and settings as the main run), predicts its
 * test groups and reports per split, per path and the spread over splits. Cancellation is checked
 * before each fit and, through fitModel, at every batch; each model is disposed after its fit.
 */
export async function runCrossValidation(
  strategy: Strategy,
  samples: SampleSet,
  plan: CrossValidationPlan,
  deps: CrossValidationDeps = {},
): Promise<CrossValidationResult> {
  const { folds, paths, group } = plan;
  const groups = plan.spec.groups;
  const fits = folds.length;
  // Tally per fold and group: samples, hits, hits of the majority-class baseline.
  const tally = folds.map(() => Array.from({ length: groups }, () => ({ n: 0, hits: 0, base: 0 })));
  const perSplit: CrossValidationResult['per_split'] = [];
  for (let f = 0; f < fits; f++) {
    if (deps.signal?.aborted) throw cancelledError(deps.signal.reason);
    const fold = folds[f]!;
    const label = `cpcv fit ${f + 1}/${fits}`;
    deps.onProgress?.({ fit: f + 1, fits, done: f / fits, message: `${label} · test groups ${fold.test_groups.join(', ')}` });
    const split: Split = {
      train: subset(samples, fold.train),
      validation: subset(samples, fold.validation),
      test: subset(samples, fold.test),
      boundaries: { validation_start: samples.time[fold.validation[0]!]!, test_start: samples.time[fold.test[0]!]! },
      purged: samples.rows - fold.train.length - fold.validation.length - fold.test.length,
    };
    const fitted = await fitModel(strategy, split, {
      signal: deps.signal,
      progressEveryBatches: deps.progressEveryBatches,
      now: deps.now,
      onProgress: (p) =>
        deps.onProgress?.({
          fit: f + 1,
          fits,
          done: (f + (p.epoch - 1 + p.batch / p.batches) / p.epochs) / fits,
          message: `${label} · epoch ${p.epoch}/${p.epochs} · loss ${p.loss.toFixed(3)}`,
        }),
    });
    try {
      const { test } = fitted;
      const probs = await predictProba(fitted.model, test.x, test.rows, test.cols);
      const pred = argmaxRows(probs);
      const majority = majorityClass(fitted.train.y);
      let base = 0;
      fold.test.forEach((r, i) => {
        const t = tally[f]![group[r]!]!;
        t.n++;
        if (pred[i] === test.y[i]) t.hits++;
        if (test.y[i] === majority) {
          t.base++;
          base++;
        }
      });
      const accuracy = accuracyOf(pred, test.y);
      const baseline = base / test.rows;
      perSplit.push({
        test_groups: fold.test_groups,
        samples: test.rows,
        accuracy,
        baseline_accuracy: baseline,
        edge: accuracy - baseline,
        log_loss: crossEntropy(probs, test.y),
      });
    } finally {
      fitted.model.dispose();
    }
  }
  const perPath = paths.split_of.map((splitOfGroup) => {
    let n = 0;
    let hits = 0;
    let base = 0;
    splitOfGroup.forEach((s, g) => {
      const t = tally[s]![g]!;
      [n, hits, base] = [n + t.n, hits + t.hits, base + t.base];
    });
    return { samples: n, accuracy: hits / n, edge: (hits - base) / n };
  });
  return {
    type: 'cpcv',
    groups,
    test_groups: plan.spec.test_groups,
    splits: fits,
    paths: paths.paths,
    samples: samples.rows,
    purge: plan.purge,
    embargo: plan.embargo,
    per_split: perSplit,
    per_path: perPath,
    summary: {
      accuracy: spread(perSplit.map((s) => s.accuracy)),
      edge: spread(perSplit.map((s) => s.edge)),
      log_loss: spread(perSplit.map((s) => s.log_loss)),
    },
  };
}
