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
