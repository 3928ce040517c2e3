import { describe, expect, it } from 'vitest';
import { hacLag, meanTest } from '../../../../src/monitoring/validation/significance.js';
import { createRng } from '../../../../src/pipeline/random.js';

const normals = (n: number, seed: number) => {
  const rng = createRng(seed);
  return Float64Array.from({ length: n }, () => rng.normal());
};

/** Sums of h consecutive iid draws: overlapping h-bar outcomes, an MA(h - 1). */
const overlapping = (n: number, h: number, seed: number) => {
  const e = normals(n + h, seed);
  return Float64Array.from({ length: n }, (_, i) => {
    let s = 0;
    for (let k = 0; k < h; k++) s += e[i + k]!;
    return s;
  });
};

describe('meanTest (Newey-West effective sample size)', () => {
  it('counts iid rows as themselves and overlapping h-bar sums as about n / h', () => {
    const iid = meanTest(normals(4000, 1));
    expect(iid.n_eff / iid.n).toBeGreaterThan(0.85);
    for (const h of [5, 10]) {
      const ratios = [1, 2, 3, 4, 5].map((s) => {
        const t = meanTest(overlapping(4000, h, s), { horizon: h });
        return t.n_eff / (4000 / h);
      });
      const mean = ratios.reduce((a, b) => a + b, 0) / ratios.length;
      // Bartlett weights at bandwidth 3h recover about 90% of the long-run variance.
      expect(mean).toBeGreaterThan(0.7);
      expect(mean).toBeLessThan(1.5);
    }
  });

  it('holds its level on overlapping noise (false rejections near 5%) where the iid test does not', () => {
    let hac = 0;
    let iid = 0;
    const runs = 400;
    for (let s = 0; s < runs; s++) {
      const x = overlapping(600, 10, 1000 + s);
      if (meanTest(x, { horizon: 10 }).p_value < 0.05) hac++;
      if (meanTest(x, { horizon: 1, maxLag: 0 }).p_value < 0.05) iid++;
    }
    expect(hac / runs).toBeLessThan(0.1);
    expect(iid / runs).toBeGreaterThan(0.2); // the row count overstates the evidence
  });

  it('detects a real shift (power) and reports p, z and the lag', () => {
    let found = 0;
    for (let s = 0; s < 50; s++) {
      const x = overlapping(1000, 5, 50 + s).map((v) => v + 1.5);
      const t = meanTest(x, { horizon: 5 });
      expect(t.lag).toBeGreaterThanOrEqual(15);
      if (t.p_value < 0.05) found++;
    }
    expect(found).toBeGreaterThanOrEqual(45);
  });

  it('keeps covariances inside a segment and skips non-finite rows', () => {
    const x = Float64Array.from([1, 2, Number.NaN, 3, 4, 5]);
    const t = meanTest(x, { segment: [0, 0, 0, 1, 1, 1] });
    expect(t.n).toBe(5);
    expect(t.mean).toBeCloseTo(3);
    expect(meanTest([1]).p_value).toBeNaN();
    expect(hacLag(200, 10)).toBe(30);
    expect(hacLag(100, 10)).toBe(25); // capped at a quarter of the rows
    expect(hacLag(10_000, 1)).toBe(11);
  });
});
