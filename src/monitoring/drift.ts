import { binIndex } from '../pipeline/artifacts/reference.js';
import { chiSquareUpper } from './stats.js';

// Empty bins get this share so ln(p/q) stays finite (the usual PSI convention).
const EPS = 1e-4;

/**
 * Population stability index of `values` against a reference frozen at training time:
 * sum over bins of (p - q) * ln(p / q), p the current share and q the reference share.
 * Rules of thumb (and the config defaults): < 0.1 stable, 0.1-0.2 warn, > 0.2 drift.
 */
export function psi(edges: readonly number[], reference: readonly number[], values: ArrayLike<number>): number {
  const counts = new Array<number>(reference.length).fill(0);
  let n = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) continue;
    counts[binIndex(edges, v)]! += 1;
    n++;
  }
  return psiFromCounts(counts, n, reference);
}

/** Sum over bins of (p - q) ln(p / q) from current counts over n finite values. */
function psiFromCounts(counts: ArrayLike<number>, n: number, reference: readonly number[]): number {
  if (n === 0) return Number.NaN;
  let sum = 0;
  for (let b = 0; b < reference.length; b++) {
    const p = Math.max(EPS, counts[b]! / n);
    const q = Math.max(EPS, reference[b]!);
    sum += (p - q) * Math.log(p / q);
  }
  return sum;
}

// Uniform cells per feature between its first and last edge: a value finds its bin with one
// multiply and one table read; only cells an edge passes through compare against the edges.
const CELLS = 1024;

interface BinTable {
  lo: number;
  hi: number;
  scale: number;
  /** Bin of every value in the cell, or -1 when an edge lies inside it. */
  cell: Int16Array;
  edges: Float64Array;
}

function binTable(edges: readonly number[]): BinTable {
  const e = Float64Array.from(edges);
  const lo = e.length ? e[0]! : 0;
  const hi = e.length ? e[e.length - 1]! : 0;
  const scale = hi > lo ? CELLS / (hi - lo) : 0;
  const cell = new Int16Array(CELLS).fill(-1);
  if (scale > 0) {
    // A value v lands in cell floor((v - lo) * scale), i.e. [a, b). Its bin counts the edges below
    // it, so the cell has one bin unless an edge lies in [a, b); edges within rounding distance of
    // a cell's bounds make it compare exactly too.
    const eps = (hi - lo) * 1e-9;
    for (let c = 0; c < CELLS; c++) {
      const a = lo + c / scale;
      const b = lo + (c + 1) / scale;
      let binA = 0;
      while (binA < e.length && e[binA]! < a - eps) binA++;
      let binB = 0;
      while (binB < e.length && e[binB]! < b + eps) binB++;
      if (binA === binB) cell[c] = binA;
    }
  }
  return { lo, hi, scale, cell, edges: e };
}

/** Counts per bin of every feature of a row-major matrix, in one sequential pass; non-finite values skipped. */
function binCounts(
  refs: readonly { edges: readonly number[]; proportions: readonly number[] }[],
  x: ArrayLike<number>,
  rows: number,
  cols: number,
): { counts: Float64Array; offsets: Int32Array; finite: Float64Array } {
  const tables = refs.map((r) => binTable(r.edges));
  const offsets = new Int32Array(cols + 1);
  for (let j = 0; j < cols; j++) offsets[j + 1] = offsets[j]! + refs[j]!.proportions.length;
  const counts = new Float64Array(offsets[cols]!);
  const finite = new Float64Array(cols);
  for (let r = 0, i = 0; r < rows; r++) {
    for (let j = 0; j < cols; j++, i++) {
      const v = x[i]!;
      if (v - v !== 0) continue; // NaN or +-Infinity
      const t = tables[j]!;
      let bin: number;
      if (t.edges.length === 0 || v <= t.lo) bin = 0;
      else if (v > t.hi) bin = t.edges.length;
      else {
        bin = t.scale > 0 ? t.cell[Math.min(CELLS - 1, ((v - t.lo) * t.scale) | 0)]! : -1;
        if (bin < 0) {
          bin = 0;
          while (bin < t.edges.length && v > t.edges[bin]!) bin++;
        }
      }
      counts[offsets[j]! + bin]! += 1;
      finite[j]! += 1;
    }
  }
  return { counts, offsets, finite };
}

/**
 * PSI of every feature of a row-major matrix in one sequential pass (no column copies), binning
 * through a lookup table: the same values as `psi` per column. Non-finite values are skipped.
 */
export function psiMatrix(
  refs: readonly { edges: readonly number[]; proportions: readonly number[] }[],
  x: ArrayLike<number>,
  rows: number,
  cols: number,
): Float64Array {
  return psiWithShares(refs, x, rows, cols).psi;
}

/** psiMatrix plus each feature's current share per reference bin (empty arrays for a feature with no finite value). */
export function psiWithShares(
  refs: readonly { edges: readonly number[]; proportions: readonly number[] }[],
  x: ArrayLike<number>,
  rows: number,
  cols: number,
): { psi: Float64Array; shares: number[][] } {
  const { counts, offsets, finite } = binCounts(refs, x, rows, cols);
  const psi = Float64Array.from({ length: cols }, (_, j) =>
    psiFromCounts(counts.subarray(offsets[j]!, offsets[j + 1]!), finite[j]!, refs[j]!.proportions),
  );
  const shares = Array.from({ length: cols }, (_, j) =>
    finite[j]! > 0 ? Array.from(counts.subarray(offsets[j]!, offsets[j + 1]!), (c) => c / finite[j]!) : [],
  );
  return { psi, shares };
}

export function psiStatus(value: number, warn: number, drift: number): 'stable' | 'warn' | 'drift' | 'unknown' {
  if (!Number.isFinite(value)) return 'unknown';
  return value > drift ? 'drift' : value > warn ? 'warn' : 'stable';
}

// Autocorrelations are summed while they stay above this (initial positive sequence, truncated).
const ACF_FLOOR = 0.05;
const MAX_LAG = 200;

/**
 * Effective sample size of column j of a row-major matrix: n / (1 + 2 sum_k rho_k), summing the
 * lag-k autocorrelations while they exceed 0.05. Overlapping and slow features (a 20-bar return,
 * the distance from a 50-bar average) carry far fewer independent values than rows.
 *
 * The column is copied once, centred, with non-finite values as 0 (they then add nothing to a lag
 * product, as before), so each lag is a contiguous dot product instead of a strided walk over the
 * whole matrix; lags stop at the first one below the floor. Worst case rows x 200 multiply-adds.
 */
export function effectiveSampleSize(x: ArrayLike<number>, rows: number, cols: number, j: number): number {
  let sum = 0;
  let n = 0;
  for (let r = 0; r < rows; r++) {
    const v = x[r * cols + j]!;
    if (v - v !== 0) continue;
    sum += v;
    n++;
  }
  if (n < 3) return n;
  const mean = sum / n;
  const c = new Float64Array(rows);
  let c0 = 0;
  for (let r = 0; r < rows; r++) {
    const v = x[r * cols + j]!;
    if (v - v === 0) {
      const d = v - mean;
      c[r] = d;
      c0 += d * d;
    }
  }
  if (c0 === 0) return n;
  let tau = 1;
  const maxLag = Math.min(MAX_LAG, rows >> 2);
  const ck = new Float64Array(4);
  // Four lags per pass over the column (each lag's terms still summed in row order, so the values
  // are those of one lag at a time); at most three lags past the stopping one are computed.
  for (let k = 1; k <= maxLag; k += 4) {
    lagProducts(c, k, ck);
    for (let l = 0; l < 4 && k + l <= maxLag; l++) {
      const rho = ck[l]! / c0;
      if (rho < ACF_FLOOR) return Math.max(1, Math.min(n, n / tau));
      tau += 2 * rho;
    }
  }
  return Math.max(1, Math.min(n, n / tau));
}

/** Autocovariance sums of the centred column `c` at lags k..k+3 into `out` (rows past the end add nothing). */
function lagProducts(c: Float64Array, k: number, out: Float64Array): void {
  const rows = c.length;
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  const head = Math.min(rows, k + 3);
  for (let r = k; r < head; r++) {
    const a = c[r]!;
    s0 += a * c[r - k]!;
    if (r >= k + 1) s1 += a * c[r - k - 1]!;
    if (r >= k + 2) s2 += a * c[r - k - 2]!;
  }
  for (let r = head; r < rows; r++) {
    const a = c[r]!;
    s0 += a * c[r - k]!;
    s1 += a * c[r - k - 1]!;
    s2 += a * c[r - k - 2]!;
    s3 += a * c[r - k - 3]!;
  }
  out[0] = s0;
  out[1] = s1;
  out[2] = s2;
  out[3] = s3;
}

/**
 * The PSI a feature must exceed to count as drifted: the configured threshold, or the level that
 * sampling noise alone exceeds with probability 1% / `features`, whichever is higher. Without
 * drift, PSI x n_eff is about chi-square with (bins - 1) degrees of freedom, so a slow feature
 * judged on few effective samples needs a larger PSI to mean anything; and testing every feature
 * of a model at once keeps the chance of any false alarm at 1% (Bonferroni).
 */
export function psiDriftThreshold(drift: number, bins: number, nEff: number, features = 1): number {
  if (bins < 2 || nEff <= 0) return drift;
  return Math.max(drift, chiSquareUpper(bins - 1, 0.01 / Math.max(1, features)) / nEff);
}

/**
 * Two-sample Kolmogorov-Smirnov test: the largest gap between the empirical CDFs, and its
 * asymptotic p-value (Kolmogorov distribution with the Stephens small-sample correction). The
 * p-value uses `sizes` when given: effective sample sizes of autocorrelated series (consecutive
 * prediction scores share most of their inputs, so the row counts overstate the evidence).
 */
export function ksTwoSample(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  sizes?: { a: number; b: number },
): { statistic: number; p_value: number } {
  const x = Float64Array.from(a).sort();
  const y = Float64Array.from(b).sort();
  const n = x.length;
  const m = y.length;
  if (n === 0 || m === 0) return { statistic: Number.NaN, p_value: Number.NaN };
  let i = 0;
  let j = 0;
  let d = 0;
  while (i < n && j < m) {
    const v = Math.min(x[i]!, y[j]!);
    while (i < n && x[i]! <= v) i++;
    while (j < m && y[j]! <= v) j++;
    d = Math.max(d, Math.abs(i / n - j / m));
  }
  return { statistic: d, p_value: ksPValue(d, sizes?.a ?? n, sizes?.b ?? m) };
}

/** Asymptotic p-value of a two-sample KS statistic d for sample sizes na and nb. */
export function ksPValue(d: number, na: number, nb: number): number {
  if (!(na > 0 && nb > 0) || !Number.isFinite(d)) return Number.NaN;
  const en = Math.sqrt((na * nb) / (na + nb));
  const lambda = (en + 0.12 + 0.11 / en) * d;
  let p = 0;
  for (let k = 1; k <= 100; k++) {
    const term = 2 * (k % 2 ? 1 : -1) * Math.exp(-2 * k * k * lambda * lambda);
    p += term;
    if (Math.abs(term) < 1e-10) break;
  }
  return Math.min(1, Math.max(0, lambda < 1e-3 ? 1 : p));
}

/**
 * Effective sample size of a series made of contiguous segments (one per symbol, in time order):
 * the sum of each segment's effectiveSampleSize, so autocorrelation never pairs two symbols.
 */
export function segmentedEffectiveSize(values: Float64Array, segment?: ArrayLike<number>): number {
  if (!segment) return effectiveSampleSize(values, values.length, 1, 0);
  let total = 0;
  let start = 0;
  for (let r = 1; r <= values.length; r++) {
    if (r === values.length || segment[r] !== segment[start]) {
      total += effectiveSampleSize(values.subarray(start, r), r - start, 1, 0);
      start = r;
    }
  }
  return total;
}
