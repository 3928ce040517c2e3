/** Small hand-computed examples, warm-up lengths and degenerate inputs. */
import { describe, expect, it } from 'vitest';
import { indicatorSchema, strategySchema } from '../../../../src/domain/strategy.js';
import { computeIndicator, computeIndicators, indicatorWarmup } from '../../../../src/pipeline/features/index.js';
import { barsFromCloses, everyIndicator, randomWalk } from './helpers.js';

const ind = (def: unknown) => indicatorSchema.parse(def);
const values = (def: unknown, closes: number[], highs?: number[], lows?: number[]) =>
  computeIndicator(ind(def), barsFromCloses(closes, highs, lows));
const list = (x: Float64Array | undefined) => Array.from(x!);

describe('indicators by hand', () => {
  it('sma and ema distances', () => {
    const c = [1, 2, 3, 4, 5];
    expect(list(values({ id: 's', type: 'sma', params: { period: 3 } }, c).value)).toEqual([NaN, NaN, 0.5, 4 / 3 - 1, 5 / 4 - 1]);
    // EMA(3): seed SMA(1,2,3) = 2, then alpha 0.5: 3, 4
    const ema = list(values({ id: 'e', type: 'ema', params: { period: 3 } }, c).value);
    expect(ema.slice(0, 2)).toEqual([NaN, NaN]);
    expect(ema[2]).toBeCloseTo(0.5, 12);
    expect(ema[3]).toBeCloseTo(4 / 3 - 1, 12);
    expect(ema[4]).toBeCloseTo(5 / 4 - 1, 12);
  });

  it('rsi: Wilder averages, flat market 50, rising market 100', () => {
    // changes +1 -1 +1; seed gain 0.5 loss 0.5 -> 50; then gain 0.75 loss 0.25 -> 75
    expect(list(values({ id: 'r', type: 'rsi', params: { period: 2 } }, [1, 2, 1, 2]).value)).toEqual([NaN, NaN, 50, 75]);
    expect(list(values({ id: 'r', type: 'rsi', params: { period: 2 } }, [5, 5, 5, 5]).value)).toEqual([NaN, NaN, 50, 50]);
    expect(list(values({ id: 'r', type: 'rsi', params: { period: 2 } }, [1, 2, 3, 4]).value)).toEqual([NaN, NaN, 100, 100]);
  });

  it('macd on a straight line', () => {
    // EMA2: 1.5 (seed at t=1), 2.5, 3.5, 4.5, 5.5; EMA3: 2 (seed at t=2), 3, 4, 5; line 0.5 from t=2
    const out = values({ id: 'm', type: 'macd', params: { fast: 2, slow: 3, signal: 2 } }, [1, 2, 3, 4, 5, 6]);
    const close = [1, 2, 3, 4, 5, 6];
    list(out.line).forEach((v, t) => (t < 2 ? expect(v).toBeNaN() : expect(v).toBeCloseTo(0.5 / close[t]!, 12)));
    list(out.signal).forEach((v, t) => (t < 3 ? expect(v).toBeNaN() : expect(v).toBeCloseTo(0.5 / close[t]!, 12)));
    list(out.hist).forEach((v, t) => (t < 3 ? expect(v).toBeNaN() : expect(v).toBeCloseTo(0, 12)));
  });

  it('bollinger: mean 2, population std 1 -> bands 0..4; flat window -> %B 0.5, width 0', () => {
    const out = values({ id: 'b', type: 'bollinger', params: { period: 2, stddev: 2 } }, [1, 3]);
    expect(list(out.percent_b)).toEqual([NaN, 0.75]);
    expect(list(out.width)).toEqual([NaN, 2]);
    const flat = values({ id: 'b', type: 'bollinger', params: { period: 2, stddev: 2 } }, [7, 7, 7]);
    expect(list(flat.percent_b)).toEqual([NaN, 0.5, 0.5]);
    expect(list(flat.width)).toEqual([NaN, 0, 0]);
  });

  it('atr: true ranges 1.5, 1.5 -> ATR(2) 1.5 at bar 2, over close 12', () => {
    const out = values({ id: 'a', type: 'atr', params: { period: 2 } }, [10, 11, 12], [10.5, 11.5, 12.5], [9.5, 10.5, 11]);
    expect(list(out.value)).toEqual([NaN, NaN, 0.125]);
  });

  it('stochastic: %K from the window high/low, HH == LL -> 50, %D = SMA', () => {
    const out = values({ id: 's', type: 'stochastic', params: { k_period: 3, d_period: 2 } }, [1.5, 2.5, 3], [2, 3, 4], [1, 1, 2]);
    expect(list(out.k)[2]).toBeCloseTo((100 * (3 - 1)) / 3, 12);
    const flat = values({ id: 's', type: 'stochastic', params: { k_period: 2, d_period: 2 } }, [4, 4, 4, 4]);
    expect(list(flat.k)).toEqual([NaN, 50, 50, 50]);
    expect(list(flat.d)).toEqual([NaN, NaN, 50, 50]);
  });

  it('roc, returns, volatility, obv', () => {
    const roc = list(values({ id: 'r', type: 'roc', params: { period: 2 } }, [100, 50, 110]).value);
    expect(roc.slice(0, 2)).toEqual([NaN, NaN]);
    expect(roc[2]).toBeCloseTo(10, 12);
    const ret = list(values({ id: 'l', type: 'returns', params: { period: 1 } }, [1, Math.E]).value);
    expect(ret[0]).toBeNaN();
    expect(ret[1]).toBeCloseTo(1, 12);
    // log returns 1 and 2 -> sample std sqrt(0.5)
    const vol = list(values({ id: 'v', type: 'volatility', params: { period: 2 } }, [1, Math.E, Math.E ** 3]).value);
    expect(vol[1]).toBeNaN();
    expect(vol[2]).toBeCloseTo(Math.SQRT1_2, 12);
    const bars = barsFromCloses([1, 2, 1]);
    bars.volume.set([100, 200, 300]);
    // +200 then -300 over 500 traded
    expect(list(computeIndicator(ind({ id: 'o', type: 'obv', params: { period: 2 } }), bars).value)).toEqual([NaN, NaN, -0.2]);
    bars.volume.fill(0);
    expect(list(computeIndicator(ind({ id: 'o', type: 'obv', params: { period: 2 } }), bars).value)).toEqual([NaN, NaN, 0]);
  });

  it('annualised volatility scales by sqrt(bars per year)', () => {
    const bars = randomWalk(100, 3);
    const plain = computeIndicator(ind({ id: 'v', type: 'volatility', params: { period: 10 } }), bars).value!;
    const ann = computeIndicator(ind({ id: 'v', type: 'volatility', params: { period: 10, annualize: true } }), bars, {
      barsPerYear: 252,
    }).value!;
    expect(ann[50]! / plain[50]!).toBeCloseTo(Math.sqrt(252), 10);
  });
});

describe('warm-up', () => {
  const strategy = strategySchema.parse({
    name: 'w',
    indicators: everyIndicator,
    features: { lagged_returns: [1] },
    labels: { type: 'forward_return' },
  });
  const bars = randomWalk(300, 11);

  it('indicatorWarmup is the index of the first finite value of every output', () => {
    const out = computeIndicators(strategy.indicators, bars);
    expect(out.size).toBe(15);
    for (const def of strategy.indicators) {
      for (const [key, x] of out) {
        if (key !== def.id && !key.startsWith(`${def.id}.`)) continue;
        const output = key.includes('.') ? key.split('.')[1] : undefined;
        const w = indicatorWarmup(def, output);
        expect(x.length).toBe(300);
        expect(
          x.findIndex((v) => Number.isFinite(v)),
          key,
        ).toBe(w);
        expect(
          x.slice(w).every((v) => Number.isFinite(v)),
          key,
        ).toBe(true);
      }
    }
  });

  it('series shorter than the warm-up are all NaN, not an error', () => {
    const out = computeIndicators(strategy.indicators, randomWalk(5, 1));
    for (const [key, x] of out) {
      expect(Array.from(x).every(Number.isNaN), key).toBe(true);
    }
    expect(computeIndicators(strategy.indicators, randomWalk(0, 1)).get('macd.hist')!.length).toBe(0);
  });
});
