import { describe, expect, it } from 'vitest';
import { pbo } from '../../../../src/monitoring/validation/index.js';
import { createRng } from '../../../../src/pipeline/random.js';

/** T x N matrix of iid normal returns (sd 1%) plus a per-trial mean. */
function noise(seed: number, T: number, N: number, means: number[] = []): Float64Array {
  const rng = createRng(seed);
  const m = new Float64Array(T * N);
  for (let t = 0; t < T; t++) for (let j = 0; j < N; j++) m[t * N + j] = 0.01 * rng.normal() + (means[j] ?? 0);
  return m;
}

/**
 * CSCV written the slow, obvious way: combinations from bitmasks, Sharpe by two passes over the
 * rows of each half, OOS rank from a sort (mid-rank for ties).
 */
function bruteForce(m: Float64Array, N: number, S: number) {
  const T = m.length / N;
  const base = Math.floor(T / S);
  const blockOf = (t: number) => {
    // The first T mod S blocks hold base + 1 rows.
    const extra = T - base * S;
    const big = extra * (base + 1);
    return t < big ? Math.floor(t / (base + 1)) : extra + Math.floor((t - big) / base);
  };
  const sr = (rows: number[], j: number) => {
    const xs = rows.map((t) => m[t * N + j]!);
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1));
    return mean / sd;
  };
  const logits: number[] = [];
  const pairs: Array<[number, number]> = [];
  for (let mask = 0; mask < 1 << S; mask++) {
    let bits = 0;
    for (let b = 0; b < S; b++) bits += (mask >> b) & 1;
    if (bits !== S / 2) continue;
    const is: number[] = [];
    const oos: number[] = [];
    for (let t = 0; t < T; t++) ((mask >> blockOf(t)) & 1 ? is : oos).push(t);
    const isSr = Array.from({ length: N }, (_, j) => sr(is, j));
    const oosSr = Array.from({ length: N }, (_, j) => sr(oos, j));
    const best = isSr.indexOf(Math.max(...isSr)); // first index among ties
    const sorted = [...oosSr].sort((a, b) => a - b);
    const lo = sorted.indexOf(oosSr[best]!);
    const hi = sorted.lastIndexOf(oosSr[best]!);
    const rank = (lo + hi) / 2 + 1;
    const w = rank / (N + 1);
    logits.push(Math.log(w / (1 - w)));
    pairs.push([isSr[best]!, oosSr[best]!]);
  }
  const mx = pairs.reduce((a, p) => a + p[0], 0) / pairs.length;
  const my = pairs.reduce((a, p) => a + p[1], 0) / pairs.length;
  const slope = pairs.reduce((a, p) => a + (p[0] - mx) * (p[1] - my), 0) / pairs.reduce((a, p) => a + (p[0] - mx) ** 2, 0);
  return {
    pbo: logits.filter((l) => l <= 0).length / logits.length,
    logits: logits.sort((a, b) => a - b),
    prob_oos_loss: pairs.filter((p) => p[1] < 0).length / pairs.length,
    slope,
    intercept: my - slope * mx,
  };
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('PBO by CSCV', () => {
  it('a 4 x 2 matrix worked by hand', () => {
    // Blocks {rows 0,1} and {rows 2,3}. Trial A: [1,3 | -1,-2], trial B: [0,1 | 1,2].
    // Sharpe: A = √2 | -3/√2, B = 1/√2 | 3/√2. IS block 1 picks A (√2 > 1/√2), OOS A is worst: rank 1,
    // ω = 1/3, λ = ln(1/2). IS block 2 picks B (3/√2), OOS B (1/√2) < A (√2): rank 1 again. PBO = 1.
    const m = Float64Array.from([1, 0, 3, 1, -1, 1, -2, 2]);
    const r = pbo(m, { trials: 2, blocks: 2 });
    expect(r).toMatchObject({ pbo: 1, combinations: 2, trials: 2, periods: 4, blocks: 2, sampled: false, prob_oos_loss: 0.5 });
    for (const l of r.logits) expect(l).toBeCloseTo(Math.log(0.5), 12);
    expect(r.logits).toHaveLength(2);
    expect(r.median_logit).toBeCloseTo(Math.log(0.5), 12);
    // Selected (IS, OOS): (√2, -3/√2) and (3/√2, 1/√2): slope 4, intercept -11/√2.
    expect(r.performance_degradation.slope).toBeCloseTo(4, 10);
    expect(r.performance_degradation.intercept).toBeCloseTo(-11 / Math.SQRT2, 10);
  });

  it.each([
    [1, 103, 7, 10],
    [2, 64, 3, 8],
    [3, 50, 12, 6],
  ])('matches a brute-force CSCV (seed %i, T=%i, N=%i, S=%i)', (seed, T, N, S) => {
    const m = noise(seed, T, N, [0.001, 0, -0.001]);
    const r = pbo(m, { trials: N, blocks: S });
    const b = bruteForce(m, N, S);
    expect(r.combinations).toBe(b.logits.length);
    expect(r.pbo).toBe(b.pbo);
    expect(r.prob_oos_loss).toBe(b.prob_oos_loss);
    const ours = Array.from(r.logits).sort((x, y) => x - y);
    ours.forEach((l, i) => expect(l).toBeCloseTo(b.logits[i]!, 9));
    expect(r.performance_degradation.slope).toBeCloseTo(b.slope, 8);
    expect(r.performance_degradation.intercept).toBeCloseTo(b.intercept, 8);
  });

  it('pure noise: PBO about one half', () => {
    const values = [11, 12, 13, 14, 15, 16].map((seed) => pbo(noise(seed, 400, 10), { trials: 10 }).pbo);
    expect(mean(values)).toBeGreaterThan(0.35);
    expect(mean(values)).toBeLessThan(0.65);
  });

  it('one trial with a real edge among noise: PBO near 0', () => {
    for (const seed of [21, 22, 23, 24]) {
      // Trial 3 earns 0.3 sd per period; nine others are noise.
      const r = pbo(noise(seed, 400, 10, [0, 0, 0, 0.003]), { trials: 10 });
      expect(r.pbo).toBeLessThan(0.05);
      expect(r.prob_oos_loss).toBeLessThan(0.05);
    }
  });

  it('anti-persistent trials (IS winners are OOS losers): PBO near 1', () => {
    for (const seed of [31, 32, 33, 34]) {
      // Each trial demeaned over the whole sample: with equal halves the OOS mean is minus the IS
      // mean, so the best IS trial is among the worst OOS.
      const T = 320;
      const N = 10;
      const m = noise(seed, T, N);
      for (let j = 0; j < N; j++) {
        let s = 0;
        for (let t = 0; t < T; t++) s += m[t * N + j]!;
        for (let t = 0; t < T; t++) m[t * N + j]! -= s / T;
      }
      const r = pbo(m, { trials: N });
      expect(r.pbo).toBeGreaterThan(0.9);
      expect(r.performance_degradation.slope).toBeLessThan(0);
      expect(r.median_logit).toBeLessThan(0);
    }
  });

  it('reduces S for short series, caps combinations by seeded sampling', () => {
    const short = pbo(noise(5, 13, 3), { trials: 3 });
    expect(short.blocks).toBe(6); // 13 rows: 6 blocks of >= 2 rows
    expect(short.combinations).toBe(20);
    const capped = pbo(noise(5, 200, 4), { trials: 4, blocks: 20, maxCombinations: 500, seed: 7 });
    expect(capped).toMatchObject({ blocks: 20, combinations: 500, sampled: true });
    expect(pbo(noise(5, 200, 4), { trials: 4, blocks: 20, maxCombinations: 500, seed: 7 }).pbo).toBe(capped.pbo);
  });

  it('rejects fewer than 2 trials, odd S, too few rows and non-finite returns', () => {
    expect(() => pbo(noise(1, 40, 1), { trials: 1 })).toThrow(/at least 2 trials/);
    expect(() => pbo(noise(1, 40, 2), { trials: 2, blocks: 5 })).toThrow(/even integer/);
    expect(() => pbo(noise(1, 3, 2), { trials: 2 })).toThrow(/at least 4 periods/);
    expect(() => pbo(Float64Array.from([0, 1, Number.NaN, 1, 0, 1, 0, 1]), { trials: 2 })).toThrow(/row 1, trial 0/);
  });
});
