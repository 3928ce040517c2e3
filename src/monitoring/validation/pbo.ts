import { DomainError } from '../../domain/errors.js';
import { createRng } from '../../pipeline/random.js';
import { binomial, combinations, groupBounds } from './combinations.js';

/**
 * Probability of Backtest Overfitting by combinatorially symmetric cross-validation (CSCV; Bailey,
 * Borwein, López de Prado & Zhu 2015, "The Probability of Backtest Overfitting", J. Comp. Finance).
 *
 * The T x N matrix of per-period returns of N trials is cut into S contiguous blocks. For every
 * choice of S/2 blocks as in-sample (IS), the rest out-of-sample (OOS): the trial with the best IS
 * Sharpe ratio is selected, its OOS relative rank is ω = rank / (N + 1) (rank 1 = worst, mid-ranks
 * for ties), and λ = ln(ω / (1 - ω)). PBO is the share of combinations with λ <= 0: how often the
 * IS winner is at or below the OOS median. Sharpe ratios are per period (mean / sample standard
 * deviation, not annualised); a constant column has Sharpe 0 at mean 0 and ±Infinity otherwise.
 */
export interface PboOptions {
  /** N, columns of the matrix (>= 2). */
  trials: number;
  /** S, an even number of blocks (default 16); reduced to the largest even number leaving >= 2 rows per block. */
  blocks?: number | undefined;
  /**
   * At most this many combinations (default 12,870 = C(16, 8), the paper's S = 16, which this
   * code scores in well under a second for hundreds of trials). Above it a seeded uniform sample of
   * distinct combinations is scored instead and `sampled` is true.
   */
  maxCombinations?: number | undefined;
  /** Seed for that sample (default 0). */
  seed?: number | undefined;
}

export interface PboResult {
  pbo: number;
  /** Combinations scored. */
  combinations: number;
  /** True when combinations were sampled rather than enumerated (see maxCombinations). */
  sampled: boolean;
  trials: number;
  periods: number;
  /** S actually used. */
  blocks: number;
  /** λ of each combination, in the order scored. */
  logits: Float64Array;
  median_logit: number;
  /** OLS of the selected trial's OOS Sharpe on its IS Sharpe, over combinations (finite pairs). A negative slope: IS excellence predicts OOS decline. */
  performance_degradation: { slope: number; intercept: number };
  /** Share of combinations where the selected trial's OOS Sharpe is below 0. */
  prob_oos_loss: number;
}

export const PBO_MAX_COMBINATIONS = 12_870;

/** Per-period Sharpe from the count, sum and sum of squares of values centred on `centre`. */
function sharpe(sum: number, sumSq: number, count: number, centre: number): number {
  if (count < 2) return Number.NaN;
  const mean = centre + sum / count;
  const variance = Math.max(0, (sumSq - (sum * sum) / count) / (count - 1));
  // A standard deviation below 1e-12 of the mean is rounding of a constant column, not risk.
  if (variance > 1e-24 * mean * mean) return mean / Math.sqrt(variance);
  return mean > 0 ? Number.POSITIVE_INFINITY : mean < 0 ? Number.NEGATIVE_INFINITY : 0;
}

/** S/2-subsets of S blocks: all of them, or a seeded sample of `max` distinct ones. */
function blockCombinations(blocks: number, max: number, seed: number): { sets: number[][]; sampled: boolean } {
  const half = blocks / 2;
  if (binomial(blocks, half) <= max) return { sets: combinations(blocks, half), sampled: false };
  const rng = createRng(seed);
  const seen = new Set<string>();
  const sets: number[][] = [];
  const idx = Array.from({ length: blocks }, (_, i) => i);
  while (sets.length < max) {
    for (let i = 0; i < half; i++) {
      const j = i + Math.floor(rng.next() * (blocks - i)); // partial Fisher-Yates
      [idx[i], idx[j]] = [idx[j]!, idx[i]!];
    }
    const set = idx.slice(0, half).sort((a, b) => a - b);
    const key = set.join(',');
    if (!seen.has(key)) {
      seen.add(key);
      sets.push(set);
    }
  }
  return { sets, sampled: true };
}

/** PBO and its companions by CSCV over a row-major T x N matrix of per-period returns. */
export function pbo(returns: Float64Array, opts: PboOptions): PboResult {
  const N = opts.trials;
  if (!Number.isInteger(N) || N < 2) throw new DomainError('INVALID_ARGUMENT', `PBO needs at least 2 trials, got ${N}`, { trials: N });
  if (returns.length % N !== 0)
    throw new DomainError('INVALID_ARGUMENT', `PBO: ${returns.length} values are not a whole number of rows of ${N} trials`, {
      values: returns.length,
      trials: N,
    });
  const T = returns.length / N;
  const requested = opts.blocks ?? 16;
  if (!Number.isInteger(requested) || requested < 2 || requested % 2 !== 0)
    throw new DomainError('INVALID_ARGUMENT', `PBO: blocks must be an even integer >= 2, got ${requested}`, { blocks: requested });
  const S = Math.min(requested, 2 * Math.floor(T / 4)); // largest even S with >= 2 rows per block
  if (S < 2) throw new DomainError('INVALID_ARGUMENT', `PBO needs at least 4 periods (2 blocks of 2 rows), got ${T}`, { periods: T });
  for (let i = 0; i < returns.length; i++) {
    if (!Number.isFinite(returns[i]!))
      throw new DomainError('INVALID_ARGUMENT', `PBO: the return at row ${Math.floor(i / N)}, trial ${i % N} is not finite`);
  }

  // Per block and trial: count, sum and sum of squares of the returns centred on the trial's mean
  // (shift-invariant, and it keeps sumSq - sum*mean from cancelling).
  const centre = new Float64Array(N);
  for (let t = 0; t < T; t++) for (let j = 0; j < N; j++) centre[j]! += returns[t * N + j]! / T;
  const bounds = groupBounds(T, S);
  const sum = new Float64Array(S * N);
  const sumSq = new Float64Array(S * N);
  for (let b = 0; b < S; b++) {
    for (let t = bounds[b]!; t < bounds[b + 1]!; t++) {
      for (let j = 0; j < N; j++) {
        const v = returns[t * N + j]! - centre[j]!;
        sum[b * N + j]! += v;
        sumSq[b * N + j]! += v * v;
      }
    }
  }
  const totalSum = new Float64Array(N);
  const totalSq = new Float64Array(N);
  for (let b = 0; b < S; b++) {
    for (let j = 0; j < N; j++) {
      totalSum[j]! += sum[b * N + j]!;
      totalSq[j]! += sumSq[b * N + j]!;
    }
  }

  const { sets, sampled } = blockCombinations(S, opts.maxCombinations ?? PBO_MAX_COMBINATIONS, opts.seed ?? 0);
  const logits = new Float64Array(sets.length);
  const isSel = new Float64Array(sets.length);
  const oosSel = new Float64Array(sets.length);
  const isSum = new Float64Array(N);
  const isSq = new Float64Array(N);
  const oos = new Float64Array(N);
  let overfit = 0;
  let losses = 0;
  sets.forEach((set, c) => {
    isSum.fill(0);
    isSq.fill(0);
    let isRows = 0;
    for (const b of set) {
      isRows += bounds[b + 1]! - bounds[b]!;
      for (let j = 0; j < N; j++) {
        isSum[j]! += sum[b * N + j]!;
        isSq[j]! += sumSq[b * N + j]!;
      }
    }
    let best = 0;
    let bestIs = Number.NEGATIVE_INFINITY;
    for (let j = 0; j < N; j++) {
      const sr = sharpe(isSum[j]!, isSq[j]!, isRows, centre[j]!);
      if (sr > bestIs) [best, bestIs] = [j, sr];
      oos[j] = sharpe(totalSum[j]! - isSum[j]!, totalSq[j]! - isSq[j]!, T - isRows, centre[j]!);
    }
    const chosen = oos[best]!;
    let below = 0;
    let ties = 0;
    for (let j = 0; j < N; j++) {
      if (oos[j]! < chosen) below++;
      else if (oos[j] === chosen) ties++;
    }
    const rank = below + (ties + 1) / 2; // 1 = worst; ties share the mid-rank
    const omega = rank / (N + 1);
    logits[c] = Math.log(omega / (1 - omega));
    if (logits[c]! <= 0) overfit++;
    if (chosen < 0) losses++;
    isSel[c] = bestIs;
    oosSel[c] = chosen;
  });

  return {
    pbo: overfit / sets.length,
    combinations: sets.length,
    sampled,
    trials: N,
    periods: T,
    blocks: S,
    logits,
    median_logit: median(logits),
    performance_degradation: regression(isSel, oosSel),
    prob_oos_loss: losses / sets.length,
  };
}

function median(xs: Float64Array): number {
  const s = Float64Array.from(xs).sort();
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** OLS y = intercept + slope x over the pairs where both are finite. */
function regression(x: Float64Array, y: Float64Array): { slope: number; intercept: number } {
  let n = 0;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < x.length; i++) {
    if (Number.isFinite(x[i]!) && Number.isFinite(y[i]!)) {
      n++;
      mx += x[i]!;
      my += y[i]!;
    }
  }
  if (n === 0) return { slope: Number.NaN, intercept: Number.NaN };
  mx /= n;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < x.length; i++) {
    if (Number.isFinite(x[i]!) && Number.isFinite(y[i]!)) {
      sxy += (x[i]! - mx) * (y[i]! - my);
      sxx += (x[i]! - mx) ** 2;
    }
  }
  const slope = sxx > 0 ? sxy / sxx : Number.NaN;
  return { slope, intercept: sxx > 0 ? my - slope * mx : Number.NaN };
}
