import { binIndex } from '../pipeline/artifacts/reference.js';

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
  if (n === 0) return Number.NaN;
  let sum = 0;
  for (let b = 0; b < reference.length; b++) {
    const p = Math.max(EPS, counts[b]! / n);
    const q = Math.max(EPS, reference[b]!);
    sum += (p - q) * Math.log(p / q);
  }
  return sum;
}

export function psiStatus(value: number, warn: number, drift: number): 'stable' | 'warn' | 'drift' | 'unknown' {
  if (!Number.isFinite(value)) return 'unknown';
  return value > drift ? 'drift' : value > warn ? 'warn' : 'stable';
}

/**
 * Two-sample Kolmogorov-Smirnov test: the largest gap between the empirical CDFs, and its
 * asymptotic p-value (Kolmogorov distribution with the Stephens small-sample correction).
 */
export function ksTwoSample(a: ArrayLike<number>, b: ArrayLike<number>): { statistic: number; p_value: number } {
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
  const en = Math.sqrt((n * m) / (n + m));
  const lambda = (en + 0.12 + 0.11 / en) * d;
  let p = 0;
  for (let k = 1; k <= 100; k++) {
    const term = 2 * (k % 2 ? 1 : -1) * Math.exp(-2 * k * k * lambda * lambda);
    p += term;
    if (Math.abs(term) < 1e-10) break;
  }
  return { statistic: d, p_value: Math.min(1, Math.max(0, lambda < 1e-3 ? 1 : p)) };
}
