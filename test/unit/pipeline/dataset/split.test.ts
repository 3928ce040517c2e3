import { describe, expect, it } from 'vitest';
import type { Bars } from '../../../../src/pipeline/data/types.js';
import { assembleSamples } from '../../../../src/pipeline/dataset/assemble.js';
import { applyScaler, fitScaler } from '../../../../src/pipeline/dataset/scaler.js';
import { chronologicalSplit } from '../../../../src/pipeline/dataset/split.js';

const DAY = 86_400_000;

function bars(symbol: string, n: number, start = 0): Bars {
  const time = Float64Array.from({ length: n }, (_, i) => start + i * DAY);
  const ones = new Float64Array(n).fill(1);
  return { symbol, time, open: ones, high: ones, low: ones, close: ones, volume: ones };
}

function samplesFor(series: Bars[], warmup = 0, horizon = 0) {
  const features = series.map((b) => ({
    names: ['t'],
    columns: [Float64Array.from(b.time, (t) => t / DAY)],
    warmup,
  }));
  const labels = series.map((b) => Int8Array.from(b.time, (_, i) => (i >= b.time.length - horizon ? -1 : i % 3)));
  return assembleSamples(series, features, labels);
}

describe('assembleSamples', () => {
  it('skips warm-up bars, unlabelled bars and non-finite features, symbol after symbol', () => {
    const series = [bars('A', 10), bars('B', 10)];
    const set = samplesFor(series, 2, 3);
    expect(set.rows).toBe(2 * 5);
    expect(Array.from(set.symbol)).toEqual([0, 0, 0, 0, 0, 1, 1, 1, 1, 1]);
    expect(Array.from(set.bar.slice(0, 5))).toEqual([2, 3, 4, 5, 6]);
  });
});

describe('chronologicalSplit', () => {
  it('keeps time order, shares calendar boundaries across symbols and purges before each boundary', () => {
    const series = [bars('A', 500), bars('B', 500)];
    const set = samplesFor(series, 0, 5);
    const split = chronologicalSplit(set, { validation_fraction: 0.2, test_fraction: 0.2, purge: 5 });
    const maxTrain = Math.max(...split.train.time);
    const minVal = Math.min(...split.validation.time);
    const maxVal = Math.max(...split.validation.time);
    const minTest = Math.min(...split.test.time);
    expect(maxTrain).toBeLessThan(minVal);
    expect(maxVal).toBeLessThan(minTest);
    // A label at t looks 5 bars ahead: the last training bar must be at least 5 bars before validation.
    expect((minVal - maxTrain) / DAY).toBeGreaterThan(5);
    expect((minTest - maxVal) / DAY).toBeGreaterThan(5);
    expect(split.purged).toBe(2 * 2 * 5);
    expect(split.boundaries.validation_start).toBe(minVal);
    for (const part of [split.train, split.validation, split.test]) expect(new Set(part.symbol).size).toBe(2);
  });

  it('explains what to do when a part would be too small', () => {
    const set = samplesFor([bars('A', 60)], 0, 5);
    expect(() => chronologicalSplit(set, { validation_fraction: 0.15, test_fraction: 0.15, purge: 5 })).toThrow(
      /Not enough labelled samples.*train \d+, validation \d+, test \d+.*longer date range/,
    );
  });
});

describe('scaler', () => {
  it('is fitted on the given rows only and maps constant columns to 0', () => {
    const x = Float64Array.from([1, 5, 3, 5, 5, 5]);
    const s = fitScaler(x, 3, 2);
    expect(s.mean).toEqual([3, 5]);
    expect(s.std[1]).toBe(1);
    const out = applyScaler(s, Float64Array.from([3, 5, 100, 5]), 2, 2);
    expect(out[0]).toBe(0);
    expect(out[1]).toBe(0);
    expect(out[2]).toBeCloseTo(97 / Math.sqrt(8 / 3), 4);
  });
});
