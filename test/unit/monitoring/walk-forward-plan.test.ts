import { describe, expect, it } from 'vitest';
import { DomainError } from '../../../src/domain/errors.js';
import { planWindows, sampleInstants, spreadOf, windowSplit } from '../../../src/monitoring/backtest/walk-forward-plan.js';
import type { SampleSet } from '../../../src/pipeline/dataset/assemble.js';

const DAY = 86_400_000;

/** `symbols` symbols sharing `n` daily instants; one feature = the bar index; labels cycle. */
function samples(n: number, symbols = 1): SampleSet {
  const rows = n * symbols;
  const set: SampleSet = {
    names: ['f'],
    rows,
    cols: 1,
    x: new Float64Array(rows),
    y: new Int32Array(rows),
    symbol: new Int32Array(rows),
    bar: new Int32Array(rows),
    time: new Float64Array(rows),
  };
  for (let s = 0; s < symbols; s++)
    for (let t = 0; t < n; t++) {
      const r = s * n + t;
      set.x[r] = t;
      set.y[r] = t % 3;
      set.symbol[r] = s;
      // Each symbol's bar index starts at 10 (warm-up bars before the first sample).
      set.bar[r] = t + 10;
      set.time[r] = t * DAY;
    }
  return set;
}

function thrown(fn: () => unknown): DomainError {
  try {
    fn();
  } catch (err) {
    return err as DomainError;
  }
  throw new Error('expected an error');
}

describe('walk-forward windows', () => {
  it('expanding: test parts tile the end of the data, every training part starts at the first bar', () => {
    const plan = planWindows(1000, 5, { scheme: 'expanding', windows: 4, min_train_bars: 100 });
    // 1000 / (4 + 1) = 200 per test part; the first training part is the remaining 200.
    expect(plan).toEqual([
      { index: 0, train_start: 0, train_end: 200, test_start: 200, test_end: 400 },
      { index: 1, train_start: 0, train_end: 400, test_start: 400, test_end: 600 },
      { index: 2, train_start: 0, train_end: 600, test_start: 600, test_end: 800 },
      { index: 3, train_start: 0, train_end: 800, test_start: 800, test_end: 1000 },
    ]);
  });

  it('rolling: a fixed-length training part slides by one test part; test_bars and train_bars are honoured', () => {
    const plan = planWindows(1000, 5, { scheme: 'rolling', windows: 3, test_bars: 100, train_bars: 300, min_train_bars: 100 });
    expect(plan.map((w) => [w.train_start, w.train_end, w.test_start, w.test_end])).toEqual([
      [400, 700, 700, 800],
      [500, 800, 800, 900],
      [600, 900, 900, 1000],
    ]);
    // Default train_bars: everything before the first test part.
    const dflt = planWindows(1000, 5, { scheme: 'rolling', windows: 2, test_bars: 100, min_train_bars: 100 });
    expect(dflt.map((w) => w.train_end - w.train_start)).toEqual([800, 800]);
  });

  it('too little data: an INSUFFICIENT_DATA error naming the fields to change', () => {
    const err = thrown(() => planWindows(400, 5, { scheme: 'expanding', windows: 3, min_train_bars: 250 }));
    expect(err.code).toBe('INSUFFICIENT_DATA');
    expect(err.message).toMatch(/400 bars/);
    expect(err.message).toMatch(
      /windows=3 x test_bars=100 leave 100 bars before the first test part, 95 after the purge gap of 5 bars, but min_train_bars=250/,
    );
    expect(err.message).toMatch(/Lower walk_forward\.windows, walk_forward\.test_bars or walk_forward\.min_train_bars/);
    // Exactly enough: min_train_bars + purge before the first test part.
    expect(() => planWindows(1000, 5, { scheme: 'expanding', windows: 4, test_bars: 200, min_train_bars: 195 })).not.toThrow();
    expect(() => planWindows(1000, 5, { scheme: 'expanding', windows: 4, test_bars: 200, min_train_bars: 196 })).toThrow(
      /min_train_bars=196/,
    );
    expect(
      thrown(() => planWindows(1000, 5, { scheme: 'rolling', windows: 2, test_bars: 100, train_bars: 900, min_train_bars: 100 })).message,
    ).toMatch(/train_bars=900 is longer than the 800 bars before the first test part/);
    expect(thrown(() => planWindows(1000, 5, { scheme: 'expanding', windows: 0, min_train_bars: 100 })).code).toBe('INVALID_ARGUMENT');
  });

  it('splits a window: purge gap before the validation and test boundaries, per symbol, and nothing after the test part', () => {
    const set = samples(1000, 2);
    const instants = sampleInstants(set);
    expect(instants.length).toBe(1000);
    const [w] = planWindows(1000, 5, { scheme: 'rolling', windows: 3, test_bars: 100, train_bars: 400, min_train_bars: 100 });
    const split = windowSplit(set, instants, w!, { purge: 5, validation_fraction: 0.25 });
    const times = (s: SampleSet) => Array.from(s.time, (t) => t / DAY);
    // Training instants 300..699: validation is the last quarter (600..699).
    expect(Math.min(...times(split.train))).toBe(300);
    expect(Math.max(...times(split.train))).toBe(594);
    expect(Math.min(...times(split.validation))).toBe(600);
    expect(Math.max(...times(split.validation))).toBe(694);
    expect(Math.min(...times(split.test))).toBe(700);
    expect(Math.max(...times(split.test))).toBe(799);
    expect(split.test.rows).toBe(200);
    expect(split.purged).toBe(2 * 2 * 5);
    expect(split.boundaries).toEqual({ validation_start: 600 * DAY, test_start: 700 * DAY });
    // Every training label (5 bars ahead) ends before the validation part; every validation label before the test part.
    expect(Math.max(...times(split.train)) + 5).toBeLessThan(600);
    expect(Math.max(...times(split.validation)) + 5).toBeLessThan(700);
  });

  it('a window too small to split says which window and which part', () => {
    const set = samples(300);
    const [w] = planWindows(300, 5, { scheme: 'expanding', windows: 2, test_bars: 20, min_train_bars: 100 });
    const err = thrown(() => windowSplit(set, sampleInstants(set), w!, { purge: 5, validation_fraction: 0.15 }));
    expect(err.code).toBe('INSUFFICIENT_DATA');
    expect(err.message).toMatch(/window 1 has train \d+, validation \d+, test 20 samples \(each needs at least 30\)/);
  });

  it('spread: mean, sample standard deviation, min and max; NaN ignored', () => {
    expect(spreadOf([1, 2, 3, Number.NaN])).toEqual({ mean: 2, std: 1, min: 1, max: 3 });
    expect(spreadOf([0.5])).toEqual({ mean: 0.5, std: 0, min: 0.5, max: 0.5 });
  });
});
