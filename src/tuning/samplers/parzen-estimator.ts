/**
 * One univariate Parzen estimator (a weighted mixture of truncated Gaussians, or of smoothed
 * categorical counts), ported from Optuna 3.1's samplers/_tpe/parzen_estimator.py with
 * multivariate=False. Numbers in the comments are that file's line numbers.
 */
import type { Rng } from '../../pipeline/random.js';
import type { Distribution } from '../types.js';
import { gridHigh, snap, stepOf, type NumericDistribution } from './space.js';
import { logGaussMass, ppf, truncLogPdf } from './truncnorm.js';

export interface ParzenOptions {
  considerPrior: boolean;
  priorWeight: number;
  considerMagicClip: boolean;
  considerEndpoints: boolean;
  /** Observation weights, oldest first (Optuna's `weights` callable). */
  weights: (n: number) => number[];
  /** Subtract log(sigma) in a component's log density; Optuna 3.1 does not (see truncLogPdf). */
  normalisedLogPdf: boolean;
}

interface Numeric {
  kind: 'numeric';
  d: NumericDistribution;
  /** Parzen bounds in the internal (log if d.log) space, widened by q/2 for stepped ranges (239-281). */
  low: number;
  high: number;
  q: number | undefined;
  mus: Float64Array;
  sigmas: Float64Array;
  /** logGaussMass of each component over [low, high]; the normaliser of every density. */
  logMass: Float64Array;
  weights: Float64Array;
}

interface Categorical {
  kind: 'categorical';
  /** Row k: component k's probability of each choice (354-381). */
  probs: Float64Array[];
  weights: Float64Array;
  /** sum_k weights[k] * probs[k][c]: the mixture, which is all log_pdf needs for one categorical (141-148). */
  mixture: Float64Array;
}

export type ParzenEstimator = Numeric | Categorical;

/**
 * `observations`: values in the distribution's own space (numbers for ranges, choice indices for
 * categoricals), oldest first, only from trials where the parameter was active.
 */
export function buildParzenEstimator(observations: readonly number[], d: Distribution, opts: ParzenOptions): ParzenEstimator {
  const n = observations.length;
  const considerPrior = opts.considerPrior || n === 0; // 204-205
  const weights = componentWeights(n, considerPrior, opts);
  if (d.kind === 'categorical') return categorical(observations, d.choices.length, considerPrior, weights, opts.priorWeight);

  const { low, high, q } = parzenBounds(d);
  const internal = observations.map((x) => (d.log ? Math.log(x) : x)); // _transform_to_uniform, 283-298
  const size = considerPrior ? n + 1 : n;
  const mus = new Float64Array(size);
  for (let i = 0; i < n; i++) mus[i] = internal[i]!;
  if (considerPrior) mus[n] = 0.5 * (low + high); // 402, 408

  // Each component's bandwidth: the larger gap to its sorted neighbours, bounds included (419-435).
  const order = Array.from(mus.keys()).sort((i, j) => mus[i]! - mus[j]! || i - j);
  const ends = new Float64Array(size + 2);
  ends[0] = low;
  for (let r = 0; r < size; r++) ends[r + 1] = mus[order[r]!]!;
  ends[size + 1] = high;
  const sorted = new Float64Array(size);
  for (let r = 0; r < size; r++) sorted[r] = Math.max(ends[r + 1]! - ends[r]!, ends[r + 2]! - ends[r + 1]!);
  if (!opts.considerEndpoints && ends.length >= 4) {
    sorted[0] = ends[2]! - ends[1]!;
    sorted[size - 1] = ends[size]! - ends[size - 1]!;
  }
  // Magic clip: no bandwidth below range/min(100, 1 + components) (437-443); the prior spans the range (445-446).
  const maxSigma = high - low;
  const minSigma = opts.considerMagicClip ? (high - low) / Math.min(100, 1 + size) : 1e-12;
  const sigmas = new Float64Array(size);
  for (let r = 0; r < size; r++) sigmas[order[r]!] = Math.min(maxSigma, Math.max(minSigma, sorted[r]!));
  if (considerPrior) sigmas[n] = high - low;

  const logMass = new Float64Array(size);
  for (let k = 0; k < size; k++) logMass[k] = logGaussMass((low - mus[k]!) / sigmas[k]!, (high - mus[k]!) / sigmas[k]!);
  return { kind: 'numeric', d, low, high, q, mus, sigmas, logMass, weights };
}

/** `size` draws: pick a component by weight, then draw from it (92-129); values come back on the distribution's grid. */
export function sampleParzen(pe: ParzenEstimator, rng: Rng, size: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < size; i++) {
    const k = pickIndex(pe.weights, rng.next());
    if (pe.kind === 'categorical') {
      out.push(pickIndex(pe.probs[k]!, rng.next()));
      continue;
    }
    const mu = pe.mus[k]!;
    const sigma = pe.sigmas[k]!;
    const x = ppf(rng.next(), (pe.low - mu) / sigma, (pe.high - mu) / sigma) * sigma + mu;
    out.push(snap(pe.d, pe.d.log ? Math.exp(x) : x)); // _transform_from_uniform, 300-337
  }
  return out;
}

/** log density (mass, for stepped ranges) of each sample under the mixture (131-194). */
export function parzenLogPdf(pe: ParzenEstimator, samples: readonly number[], normalised: boolean): number[] {
  if (pe.kind === 'categorical') return samples.map((c) => Math.log(pe.mixture[c]!));
  const size = pe.mus.length;
  const logW = Array.from(pe.weights, (w) => Math.log(w));
  const terms = new Float64Array(size);
  return samples.map((s) => {
    const x = pe.d.log ? Math.log(s) : s;
    let max = Number.NEGATIVE_INFINITY;
    for (let k = 0; k < size; k++) {
      const mu = pe.mus[k]!;
      const sigma = pe.sigmas[k]!;
      let lp: number;
      if (pe.q === undefined) {
        lp = truncLogPdf(x, (pe.low - mu) / sigma, (pe.high - mu) / sigma, mu, sigma, pe.logMass[k]!, normalised);
      } else {
        // Mass of the grid cell around x, relative to the component's mass on the range (180-190).
        const upper = Math.min(x + pe.q / 2, pe.high);
        const lower = Math.max(x - pe.q / 2, pe.low);
        lp = logGaussMass((lower - mu) / sigma, (upper - mu) / sigma) - pe.logMass[k]!;
      }
      terms[k] = lp + logW[k]!;
      if (terms[k]! > max) max = terms[k]!;
    }
    if (max === Number.NEGATIVE_INFINITY) return max;
    let sum = 0;
    for (let k = 0; k < size; k++) sum += Math.exp(terms[k]! - max);
    return Math.log(sum) + max;
  });
}

/** Optuna 3.1's default_weights (sampler.py 49-58): flat for the newest 25, a linear ramp from 1/n below them. */
export function defaultWeights(n: number): number[] {
  if (n === 0) return [];
  if (n < 25) return new Array<number>(n).fill(1);
  const ramp = n - 25;
  const out: number[] = [];
  // np.linspace(1/n, 1, num=ramp): a single point is the start value.
  for (let i = 0; i < ramp; i++) out.push(ramp === 1 ? 1 / n : 1 / n + ((1 - 1 / n) * i) / (ramp - 1));
  for (let i = 0; i < 25; i++) out.push(1);
  return out;
}

function componentWeights(n: number, considerPrior: boolean, opts: ParzenOptions): Float64Array {
  const w = opts.weights(n).slice(0, n); // 207-224
  const out = new Float64Array(considerPrior ? n + 1 : n);
  for (let i = 0; i < w.length; i++) out[i] = w[i]!;
  if (considerPrior) out[n] = opts.priorWeight; // 228-233
  let sum = 0;
  for (const x of out) sum += x;
  for (let i = 0; i < out.length; i++) out[i] = out[i]! / sum;
  return out;
}

function categorical(
  observations: readonly number[],
  nChoices: number,
  considerPrior: boolean,
  weights: Float64Array,
  priorWeight: number,
): Categorical {
  const n = observations.length;
  const rows = considerPrior ? n + 1 : n;
  const fill = priorWeight / rows; // 370-377
  const probs: Float64Array[] = [];
  for (let k = 0; k < rows; k++) {
    const row = new Float64Array(nChoices).fill(fill);
    if (k < n) row[observations[k]!] = row[observations[k]!]! + 1;
    let sum = 0;
    for (const x of row) sum += x;
    for (let c = 0; c < nChoices; c++) row[c] = row[c]! / sum;
    probs.push(row);
  }
  const mixture = new Float64Array(nChoices);
  for (let k = 0; k < rows; k++) for (let c = 0; c < nChoices; c++) mixture[c] = mixture[c]! + weights[k]! * probs[k]![c]!;
  return { kind: 'categorical', probs, weights, mixture };
}

/** Internal range of a numeric distribution (_calculate_parzen_bounds, 239-281). */
function parzenBounds(d: NumericDistribution): { low: number; high: number; q: number | undefined } {
  const high = gridHigh(d);
  if (d.log) {
    // Int log ranges take half a unit each side before the log; float log ranges none (246-248, 258-261).
    const half = d.kind === 'int' ? 0.5 : 0;
    return { low: Math.log(d.low - half), high: Math.log(high + half), q: undefined };
  }
  const q = stepOf(d);
  if (q === undefined) return { low: d.low, high, q };
  return { low: d.low - 0.5 * q, high: high + 0.5 * q, q };
}

/**
 * First index whose cumulative weight exceeds u: numpy's RandomState.choice(p=...) (cdf.searchsorted
 * side='right') and _sample_from_categorical_dist (count of cumulative < u, 450-458) agree on this.
 */
function pickIndex(weights: ArrayLike<number>, u: number): number {
  let total = 0;
  for (let i = 0; i < weights.length; i++) total += weights[i]!;
  let cum = 0;
  for (let i = 0; i < weights.length; i++) {
    cum += weights[i]!;
    if (cum / total > u) return i;
  }
  return weights.length - 1;
}
