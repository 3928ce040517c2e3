import { normalCdf } from './deflated-sharpe.js';
import { ksTwoSample, segmentedEffectiveSize } from './drift.js';
import { meanTest } from './validation/significance.js';

/** What the model's reference remembers of its validation part (reference.json `validation`). */
export interface ValidationReference {
  accuracy: number;
  samples: number;
  n_eff?: number | undefined;
  scores_n_eff?: number | undefined;
}

export interface PredictionDrift {
  ks_statistic: number;
  /** Asymptotic KS p-value with the effective sample sizes below, not the row counts. */
  p_value: number;
  n_eff: { reference: number; current: number };
  /** The smallest statistic that counts (a material shift), reported beside the measured one. */
  min_statistic: number;
  drift: boolean;
}

export interface ConceptDrift {
  reference_accuracy: number;
  current_accuracy: number;
  labelled_rows: number;
  relative_drop: number;
  /** (reference - current) / sqrt(se_reference^2 + se_current^2), both from effective sizes. */
  z: number;
  /** One-sided p-value of "current accuracy is below the reference". */
  p_value: number;
  n_eff: { reference: number; current: number };
  drift: boolean;
}

/**
 * Effective size of a reference sample: stored at training time, or (models trained before it was
 * recorded) the sample count deflated by the label horizon, the Hansen-Hodrick MA(h - 1) bound for
 * overlapping h-bar outcomes.
 */
export function referenceSize(stored: number | undefined, samples: number, horizon: number): number {
  if (stored !== undefined && Number.isFinite(stored) && stored > 0) return Math.min(stored, samples);
  return Math.max(1, samples / Math.max(1, horizon));
}

/**
 * KS test of the current prediction scores against the validation scores frozen at training,
 * judged on effective sample sizes (scores autocorrelate as their inputs overlap): drift when
 * p < alpha AND D >= minStatistic.
 */
export function predictionDriftTest(
  reference: readonly number[],
  referenceNEff: number,
  scores: Float64Array,
  segment: ArrayLike<number> | undefined,
  alpha: number,
  minStatistic: number,
): PredictionDrift {
  const current = scores.length ? segmentedEffectiveSize(scores, segment) : 0;
  const ks = ksTwoSample(reference, scores, { a: referenceNEff, b: current });
  return {
    ks_statistic: Number.isFinite(ks.statistic) ? +ks.statistic.toFixed(4) : 0,
    p_value: Number.isFinite(ks.p_value) ? ks.p_value : 1,
    n_eff: { reference: +referenceNEff.toFixed(1), current: +current.toFixed(1) },
    min_statistic: minStatistic,
    drift: ks.p_value < alpha && ks.statistic >= minStatistic,
  };
}

/**
 * Concept drift: per-sample correctness of labelled recent rows against the validation accuracy.
 * The standard error adds both sides' sampling variance from effective sizes: the recent side from
 * meanTest (Newey-West, bandwidth >= label horizon - 1, per symbol), the reference p(1 - p) / n_eff.
 * Drift only when the drop is significant (one-sided p < alpha) AND larger than `minRelativeDrop`.
 */
export function conceptDriftTest(
  correct: Float64Array,
  segment: ArrayLike<number>,
  horizon: number,
  reference: { accuracy: number; n_eff: number },
  alpha: number,
  minRelativeDrop: number,
): ConceptDrift {
  const t = meanTest(correct, { horizon, segment });
  const ref = reference.accuracy;
  const seRef = Math.sqrt((ref * (1 - ref)) / Math.max(1, reference.n_eff));
  const se = Math.sqrt(seRef ** 2 + (Number.isFinite(t.se) ? t.se ** 2 : 0));
  const drop = ref - t.mean;
  const z = se > 0 ? drop / se : drop > 0 ? Number.POSITIVE_INFINITY : 0;
  const p = 1 - normalCdf(z);
  const relative = ref > 0 ? drop / ref : 0;
  return {
    reference_accuracy: ref,
    current_accuracy: t.mean,
    labelled_rows: t.n,
    relative_drop: +relative.toFixed(4),
    z: Number.isFinite(z) ? +z.toFixed(3) : z > 0 ? 99 : -99,
    p_value: p,
    n_eff: { reference: +reference.n_eff.toFixed(1), current: +t.n_eff.toFixed(1) },
    drift: p < alpha && relative > minRelativeDrop,
  };
}
