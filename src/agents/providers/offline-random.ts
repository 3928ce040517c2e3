import { createRng, type Rng } from '../../pipeline/random.js';

/** The offline designer's draws: a thin layer over the pipeline's seeded mulberry32 stream. */
export interface Draw {
  /** Uniform in [0, 1). */
  next(): number;
  /** True with probability p. */
  chance(p: number): boolean;
  /** Integer in [lo, hi], both included. */
  int(lo: number, hi: number): number;
  /** Uniform in [lo, hi). */
  uniform(lo: number, hi: number): number;
  pick<T>(xs: readonly T[]): T;
  /** Index drawn with probability proportional to weights[i]. */
  weighted(weights: readonly number[]): number;
  /** A shuffled copy (Fisher-Yates). */
  shuffle<T>(xs: readonly T[]): T[];
  /** k distinct elements, in their original order. */
  sample<T>(xs: readonly T[], k: number): T[];
}

export function createDraw(seed: number): Draw {
  return drawFrom(createRng(seed));
}

export function drawFrom(rng: Rng): Draw {
  const next = () => rng.next();
  const int = (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1));
  const draw: Draw = {
    next,
    chance: (p) => next() < p,
    int,
    uniform: (lo, hi) => lo + next() * (hi - lo),
    pick: <T>(xs: readonly T[]): T => {
      if (xs.length === 0) throw new Error('pick from an empty list');
      return xs[int(0, xs.length - 1)]!;
    },
    weighted: (weights) => {
      const total = weights.reduce((a, b) => a + Math.max(0, b), 0);
      let u = next() * total;
      for (let i = 0; i < weights.length; i++) {
        u -= Math.max(0, weights[i]!);
        if (u < 0) return i;
      }
      return weights.length - 1;
    },
    shuffle: <T>(xs: readonly T[]): T[] => shuffled(xs, int),
    sample: <T>(xs: readonly T[], k: number): T[] => {
      return shuffled(
        xs.map((_, i) => i),
        int,
      )
        .slice(0, Math.max(0, Math.min(k, xs.length)))
        .sort((a, b) => a - b)
        .map((i) => xs[i]!);
    },
  };
  return draw;
}

function shuffled<T>(xs: readonly T[], int: (lo: number, hi: number) => number): T[] {
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    const j = int(0, i);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
