import { describe, expect, it } from 'vitest';
import { barsPerYear, dataScale, outputRange, partition } from '../../../src/agents/providers/offline-scale.js';
import { indicatorSchema } from '../../../src/domain/strategy.js';
import { loadMarketData } from '../../../src/pipeline/data/index.js';
import { computeIndicators, membership } from '../../../src/pipeline/features/index.js';
import { SP500 } from './offline-helpers.js';

function stats(x: Float64Array): { mean: number; std: number } {
  const xs = Array.from(x).filter(Number.isFinite);
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  return { mean, std: Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length) };
}

describe('offline data scale', () => {
  it('bars a year follow the observed span; without one, 252 trading days', () => {
    expect(barsPerYear(SP500)).toBeCloseTo(5106 / 20.29, 0);
    expect(barsPerYear({ ...SP500, from: '', to: '' })).toBe(252);
    expect(barsPerYear({ ...SP500, from: '', to: '', timeframe: '1h' })).toBe(252 * 24);
    expect(barsPerYear({ ...SP500, from: '', to: '', timeframe: '1w' })).toBe(52);
    expect(dataScale({ ...SP500, annual_volatility: Number.NaN }).sigmaBar).toBeCloseTo(0.2 / Math.sqrt(barsPerYear(SP500)), 10);
  });

  it('typical output magnitudes are within a factor of two of those measured on sample:sp500', async () => {
    const bars = (await loadMarketData('sample:sp500')).series[0]!;
    const r = stats(Float64Array.from(bars.close.slice(1).map((c, i) => Math.log(c / bars.close[i]!))));
    const scale = dataScale({ ...SP500, annual_volatility: r.std * Math.sqrt(barsPerYear(SP500)) });
    const defs = [
      { id: 'sma', type: 'sma', params: { period: 20 } },
      { id: 'sma200', type: 'sma', params: { period: 200 } },
      { id: 'ema', type: 'ema', params: { period: 10 } },
      { id: 'macd', type: 'macd', params: { fast: 12, slow: 26, signal: 9 } },
      { id: 'macd5', type: 'macd', params: { fast: 5, slow: 35, signal: 5 } },
      { id: 'bb', type: 'bollinger', params: { period: 20, stddev: 2 } },
      { id: 'atr', type: 'atr', params: { period: 14 } },
      { id: 'roc', type: 'roc', params: { period: 10 } },
      { id: 'vol', type: 'volatility', params: { period: 20 } },
      { id: 'ret', type: 'returns', params: { period: 5 } },
      { id: 'obv', type: 'obv', params: { period: 20 } },
    ].map((d) => indicatorSchema.parse(d));
    const values = computeIndicators(defs, bars);
    let checked = 0;
    for (const [key, x] of values) {
      const [id, output = 'value'] = key.split('.');
      const range = outputRange(
        defs.find((d) => d.id === id)!,
        output,
        scale,
      );
      const { mean, std } = stats(x);
      if (range.kind === 'bounded') continue;
      const [expected, measured] = range.kind === 'signed' ? [range.scale, std] : [range.level, mean];
      expect(expected / measured, key).toBeGreaterThan(0.5);
      expect(expected / measured, key).toBeLessThan(2);
      checked++;
    }
    expect(checked).toBe(15);
  });

  it('a partition covers every value: memberships sum to one', () => {
    for (const centres of [
      [10, 90],
      [20, 50, 80],
      [-0.03, -0.01, 0.01, 0.03],
      [0.001, 0.005, 0.01, 0.02, 0.04],
    ]) {
      const sets = Object.values(partition(centres));
      const xs = Float64Array.from({ length: 201 }, (_, i) => centres[0]! - 1 + (i / 200) * (centres.at(-1)! - centres[0]! + 2));
      const sums = new Float64Array(xs.length);
      for (const m of sets) membership(m, xs).forEach((v, i) => (sums[i]! += v));
      for (const s of sums) expect(s).toBeCloseTo(1, 3);
    }
  });
});
