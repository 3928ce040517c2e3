/** Invariants of the feature matrix: scale-free, per-symbol state, no look-ahead. */
import { describe, expect, it } from 'vitest';
import { buildFeatures, buildFeaturesMulti } from '../../../../src/pipeline/features/index.js';
import type { Bars } from '../../../../src/pipeline/data/types.js';
import { everyOutput, fullStrategy, randomWalk, rng, scalePrices } from './helpers.js';

const strategy = fullStrategy();

function expectColumnsClose(a: Float64Array, b: Float64Array, tol: number, label: string): void {
  expect(a.length).toBe(b.length);
  for (let t = 0; t < a.length; t++) {
    const x = a[t]!;
    const y = b[t]!;
    if (Number.isNaN(x) || Number.isNaN(y)) {
      if (!(Number.isNaN(x) && Number.isNaN(y))) expect.fail(`${label} t=${t}: ${x} vs ${y}`);
    } else if (Math.abs(x - y) > tol * Math.max(1, Math.abs(x))) {
      expect.fail(`${label} t=${t}: ${x} vs ${y}`);
    }
  }
}

describe('buildFeatures', () => {
  const bars = randomWalk(400, 5);
  const f = buildFeatures(strategy, bars);

  it('names columns in the documented order', () => {
    expect(f.names).toEqual([
      'rsi_14:oversold',
      'rsi_14:neutral',
      'rsi_14:overbought',
      'macd.hist:neg',
      'bb.percent_b:low',
      ...everyOutput.map((k) => `raw:${k}`),
      'ret_1',
      'ret_5',
    ]);
    expect(f.columns).toHaveLength(f.names.length);
    // the slowest indicator is the MACD signal: 25 + 9 - 1
    expect(f.warmup).toBe(33);
    expect(f.columns.every((c) => c.length === 400 && Number.isFinite(c[33]!))).toBe(true);
    expect(f.columns.some((c) => Number.isNaN(c[32]!))).toBe(true);
  });

  it('leaves out fuzzy columns when features.fuzzy is false and accepts id.value keys', () => {
    const s = fullStrategy({ features: { fuzzy: false, raw: ['rsi_14.value', 'macd.hist'], lagged_returns: [3] } });
    const g = buildFeatures(s, bars);
    expect(g.names).toEqual(['raw:rsi_14.value', 'raw:macd.hist', 'ret_3']);
    expect(Array.from(g.columns[0]!)).toEqual(Array.from(f.columns[f.names.indexOf('raw:rsi_14')]!));
  });

  it('is scale-free: every feature is unchanged when all prices are multiplied by 100', () => {
    const g = buildFeatures(strategy, scalePrices(bars, 100));
    f.names.forEach((name, j) => expectColumnsClose(f.columns[j]!, g.columns[j]!, 1e-9, name));
  });
});

describe('buildFeaturesMulti', () => {
  it('computes each symbol on its own: B after A equals B alone, and B starts with its own warm-up', () => {
    const a = randomWalk(300, 1, 100);
    const b = randomWalk(250, 2, 40);
    const [fa, fb] = buildFeaturesMulti(strategy, [a, b]);
    const alone = buildFeatures(strategy, b);
    expect(fa!.names).toEqual(alone.names);
    expect(fb!.warmup).toBe(alone.warmup);
    expect(fb!.warmup).toBe(33);
    alone.columns.forEach((col, j) => expect(Array.from(fb!.columns[j]!)).toEqual(Array.from(col)));
    // the first rows of B are warm-up NaN although 300 bars of A came before
    for (const name of ['raw:sma_10', 'raw:macd.signal', 'raw:stoch.d', 'raw:vol_20', 'ret_1']) {
      expect(fb!.columns[fb!.names.indexOf(name)]![0]).toBeNaN();
    }
  });
});

/** Bars equal to `bars` up to t, then another random path. */
function divergeAfter(bars: Bars, t: number, seed: number): Bars {
  const u = rng(seed);
  const copy = (x: Float64Array, f: (v: number) => number) => x.map((v, i) => (i <= t ? v : f(v)));
  return {
    ...bars,
    open: copy(bars.open, (v) => v * (0.8 + 0.4 * u())),
    high: copy(bars.high, (v) => v * (1.05 + 0.3 * u())),
    low: copy(bars.low, (v) => v * (0.6 + 0.3 * u())),
    close: copy(bars.close, (v) => v * (0.7 + 0.6 * u())),
    volume: copy(bars.volume, (v) => v * 10 * u()),
  };
}

describe('no look-ahead in features', () => {
  it('changing bars after t changes no feature at or before t, for every indicator', () => {
    const bars = randomWalk(300, 9);
    const base = buildFeatures(strategy, bars);
    for (const t of [20, 40, 150, 298]) {
      const other = buildFeatures(strategy, divergeAfter(bars, t, t));
      base.names.forEach((name, j) => {
        expect(Array.from(other.columns[j]!.subarray(0, t + 1)), `${name} at t=${t}`).toEqual(
          Array.from(base.columns[j]!.subarray(0, t + 1)),
        );
      });
      // and the change is visible after t, so the comparison is not vacuous
      expect(base.columns.some((c, j) => c[t + 1] !== other.columns[j]![t + 1])).toBe(true);
    }
  });
});
