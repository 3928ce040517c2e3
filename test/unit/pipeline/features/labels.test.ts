import { describe, expect, it } from 'vitest';
import { labelHorizon, labelsSchema, type LabelsDef } from '../../../../src/domain/strategy.js';
import { buildLabels, labelForwardReturns } from '../../../../src/pipeline/features/index.js';
import type { Bars } from '../../../../src/pipeline/data/types.js';
import { barsFromCloses, randomWalk, rng } from './helpers.js';

const labels = (def: unknown, bars: Bars) => Array.from(buildLabels(labelsSchema.parse(def), bars));

/** Straightforward triple-barrier reference written from the definition, independent of the source. */
function tripleBarrierReference(close: Float64Array, pt: number, sl: number, h: number, w: number): number[] {
  const out: number[] = [];
  for (let t = 0; t < close.length; t++) {
    if (t < w || t + h >= close.length) {
      out.push(-1);
      continue;
    }
    const r: number[] = [];
    for (let i = t - w + 1; i <= t; i++) r.push(Math.log(close[i]! / close[i - 1]!));
    const mean = r.reduce((a, b) => a + b, 0) / w;
    const vol = Math.sqrt(r.reduce((a, b) => a + (b - mean) ** 2, 0) / (w - 1));
    let label = 1;
    for (let j = t + 1; j <= t + h; j++) {
      if (close[j]! >= close[t]! * Math.exp(pt * vol)) {
        label = 2;
        break;
      }
      if (close[j]! <= close[t]! * Math.exp(-sl * vol)) {
        label = 0;
        break;
      }
    }
    out.push(label);
  }
  return out;
}

describe('forward_return labels', () => {
  it('labels by the simple return over h bars; the last h bars are -1', () => {
    const bars = barsFromCloses([100, 101, 100.5, 99, 100, 100.5]);
    // t0 +0.5% flat, t1 -1.98% down, t2 -0.5% flat, t3 +1.52% up
    expect(labels({ type: 'forward_return', horizon: 2, up_threshold: 0.01, down_threshold: -0.01 }, bars)).toEqual([1, 0, 1, 2, -1, -1]);
    const r = Array.from(labelForwardReturns(2, bars));
    expect(r[0]).toBeCloseTo(0.005, 12);
    expect(r[3]).toBeCloseTo(100.5 / 99 - 1, 12);
    expect(r.slice(4)).toEqual([NaN, NaN]);
  });
});

describe('triple_barrier labels', () => {
  it('first touch of the upper / lower barrier, else the vertical barrier', () => {
    // closes 100, 101, 100 -> vol at t=2 = sample std of (ln 1.01, ln(100/101)) = 0.01407; barriers ~101.42 / ~98.60
    const def = { type: 'triple_barrier', profit_take: 1, stop_loss: 1, max_holding: 3, volatility_window: 2 };
    expect(labels(def, barsFromCloses([100, 101, 100, 101, 101.5, 90, 90, 90]))[2]).toBe(2);
    expect(labels(def, barsFromCloses([100, 101, 100, 99, 98.5, 110, 90, 90]))[2]).toBe(0);
    expect(labels(def, barsFromCloses([100, 101, 100, 101, 99, 100.5, 90, 90]))[2]).toBe(1);
    // warm-up (t < window) and the last max_holding bars are unlabeled
    const all = labels(def, barsFromCloses([100, 101, 100, 101, 101.5, 90, 90, 90]));
    expect(all.slice(0, 2)).toEqual([-1, -1]);
    expect(all.slice(5)).toEqual([-1, -1, -1]);
  });

  it('matches a from-the-definition reference on a random walk', () => {
    const bars = randomWalk(500, 21);
    const got = labels({ type: 'triple_barrier', profit_take: 2, stop_loss: 1, max_holding: 10, volatility_window: 20 }, bars);
    expect(got).toEqual(tripleBarrierReference(bars.close, 2, 1, 10, 20));
    expect(new Set(got)).toEqual(new Set([-1, 0, 1, 2]));
  });

  it('a flat window (vol 0) does not turn an unchanged close into a touch', () => {
    const def = { type: 'triple_barrier', profit_take: 1, stop_loss: 1, max_holding: 2, volatility_window: 2 };
    expect(labels(def, barsFromCloses([5, 5, 5, 5, 5, 6]))).toEqual([-1, -1, 1, 2, -1, -1]);
  });
});

describe('no look-ahead in labels', () => {
  const defs: LabelsDef[] = [
    labelsSchema.parse({ type: 'forward_return', horizon: 5 }),
    labelsSchema.parse({ type: 'triple_barrier', max_holding: 7, volatility_window: 10 }),
  ];
  it('the label at t depends on no bar after t + horizon', () => {
    const bars = randomWalk(300, 4);
    for (const def of defs) {
      const h = labelHorizon(def);
      const base = buildLabels(def, bars);
      for (const p of [30, 120, 250]) {
        const u = rng(p);
        const close = bars.close.map((c, i) => (i <= p ? c : c * (0.5 + u())));
        const other = buildLabels(def, { ...bars, close });
        // labels with t + h <= p read only unchanged bars
        expect(Array.from(other.subarray(0, p - h + 1)), `${def.type} p=${p}`).toEqual(Array.from(base.subarray(0, p - h + 1)));
      }
    }
  });
});
