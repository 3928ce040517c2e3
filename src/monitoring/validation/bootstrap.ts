import { createRng } from '../../pipeline/random.js';

/**
 * Circular block bootstrap (Politis & Romano 1992) of means and Sharpe ratios over a series whose
 * values overlap and autocorrelate. Resampling whole blocks keeps the dependence inside a block,
 * so the interval is as wide as the evidence is thin; resampling single rows would treat a 5-bar
 * label as five independent facts. Percentile intervals; seeded, so the same input gives the same
 * interval.
 */
export interface BootstrapCi {
  low: number;
  high: number;
  /** Two-sided coverage, e.g. 0.95. */
  level: number;
  resamples: number;
  /** Block length in rows. */
  block: number;
}

export interface BootstrapOptions {
  /** Label horizon (or holding period) in bars: a block is never shorter. */
  horizon?: number | undefined;
  /** Block length; default max(horizon, round(n^(1/3))) (Hall, Horowitz & Jing 1995: n^(1/3) for variances and intervals). */
  block?: number | undefined;
  /** Default 2,000: the 2.5% and 97.5% points then rest on 50 resamples each. */
  resamples?: number | undefined;
  level?: number | undefined;
  seed?: number | undefined;
}

const DEFAULT_RESAMPLES = 2000;

export function blockLength(n: number, horizon = 1): number {
  return Math.max(1, Math.min(Math.max(1, n >> 1), Math.max(Math.ceil(horizon), Math.round(Math.cbrt(n)))));
}

/** Percentile of a sorted array with linear interpolation. */
function quantileSorted(x: Float64Array, q: number): number {
  if (x.length === 0) return Number.NaN;
  const pos = q * (x.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(x.length - 1, lo + 1);
  return x[lo]! + (pos - lo) * (x[hi]! - x[lo]!);
}

/** Finite values, in order. */
function finite(values: ArrayLike<number>): Float64Array {
  let n = 0;
  for (let i = 0; i < values.length; i++) if (values[i]! - values[i]! === 0) n++;
  const out = new Float64Array(n);
  for (let i = 0, j = 0; i < values.length; i++) if (values[i]! - values[i]! === 0) out[j++] = values[i]!;
  return out;
}

/**
 * Resamples `stats` (one value per resample) from block sums: each resample draws ceil(n / b)
 * circular blocks, sums of x and x^2 per block come from prefix sums over the doubled series.
 */
function resampleMoments(
  x: Float64Array,
  o: BootstrapOptions,
  stat: (sum: number, sumSq: number, n: number) => number,
): { stats: Float64Array; block: number; resamples: number } {
  const n = x.length;
  const b = o.block ?? blockLength(n, o.horizon);
  const resamples = o.resamples ?? DEFAULT_RESAMPLES;
  const p1 = new Float64Array(2 * n + 1);
  const p2 = new Float64Array(2 * n + 1);
  for (let i = 0; i < 2 * n; i++) {
    const v = x[i % n]!;
    p1[i + 1] = p1[i]! + v;
    p2[i + 1] = p2[i]! + v * v;
  }
  const blocks = Math.ceil(n / b);
  const rng = createRng(o.seed ?? 1);
  const stats = new Float64Array(resamples);
  for (let r = 0; r < resamples; r++) {
    let s1 = 0;
    let s2 = 0;
    let m = 0;
    for (let k = 0; k < blocks; k++) {
      const start = Math.floor(rng.next() * n);
      const len = Math.min(b, n - m);
      s1 += p1[start + len]! - p1[start]!;
      s2 += p2[start + len]! - p2[start]!;
      m += len;
    }
    stats[r] = stat(s1, s2, m);
  }
  return { stats, block: b, resamples };
}

function interval(stats: Float64Array, level: number, block: number, resamples: number): BootstrapCi {
  const sorted = stats.filter((v) => v - v === 0).sort();
  const a = (1 - level) / 2;
  return { low: quantileSorted(sorted, a), high: quantileSorted(sorted, 1 - a), level, resamples, block };
}

/** Interval for the mean of a series (accuracy from 0/1 hits, an edge from hit differences, a loss improvement). */
export function bootstrapMeanCi(values: ArrayLike<number>, o: BootstrapOptions = {}): BootstrapCi {
  const x = finite(values);
  const level = o.level ?? 0.95;
  if (x.length < 2) return { low: Number.NaN, high: Number.NaN, level, resamples: 0, block: 0 };
  const r = resampleMoments(x, o, (s1, _s2, m) => s1 / m);
  return interval(r.stats, level, r.block, r.resamples);
}

/** Interval for the annualised Sharpe ratio (mean / sample std x sqrt(periodsPerYear)) of per-bar returns. */
export function bootstrapSharpeCi(returns: ArrayLike<number>, periodsPerYear: number, o: BootstrapOptions = {}): BootstrapCi {
  const x = finite(returns);
  const level = o.level ?? 0.95;
  if (x.length < 3) return { low: Number.NaN, high: Number.NaN, level, resamples: 0, block: 0 };
  const ann = Math.sqrt(periodsPerYear);
  const r = resampleMoments(x, o, (s1, s2, m) => {
    const mean = s1 / m;
    const v = (s2 - m * mean * mean) / (m - 1);
    return v > 1e-30 ? (mean / Math.sqrt(v)) * ann : 0;
  });
  return interval(r.stats, level, r.block, r.resamples);
}
