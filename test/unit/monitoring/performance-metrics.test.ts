import { describe, expect, it } from 'vitest';
import {
  pearson,
  predictionAccuracy,
  ranks,
  rollingSharpe,
  signalWinRate,
  spearman,
  type ScoredBar,
} from '../../../src/monitoring/performance-metrics.js';

const DAY = 86_400_000;
const END = Date.parse('2024-03-29T00:00:00Z');
const bar = (daysBack: number, o: Partial<ScoredBar>): ScoredBar => ({
  symbol: 'A',
  time: END - daysBack * DAY,
  predicted: 2,
  position: 0,
  realised_label: null,
  realised_return: null,
  bar_return: null,
  ...o,
});

describe('rolling performance metrics (hand-computed)', () => {
  // Six resolved bars in the last 7 days (one unresolved, one too old): predicted 2,2,0,1,2,2 vs labels 2,0,0,1,1,2.
  const rows: ScoredBar[] = [
    bar(8, { predicted: 2, realised_label: 0 }), // outside (END - 7d, END]
    bar(7, { predicted: 2, realised_label: 0 }), // exactly 7 days back: outside too
    bar(6, { predicted: 2, realised_label: 2 }),
    bar(5, { predicted: 2, realised_label: 0 }),
    bar(4, { predicted: 0, realised_label: 0 }),
    bar(3, { predicted: 1, realised_label: 1 }),
    bar(2, { predicted: 2, realised_label: 1 }),
    bar(1, { predicted: 2, realised_label: 2 }),
    bar(0, { predicted: 2, realised_label: null }),
  ];

  it('accuracy: 4 hits of 6 resolved bars in the window', () => {
    const m = predictionAccuracy(rows, END, { days: 7, threshold: 0.7, min_samples: 5 });
    expect(m).toEqual({ value: +(4 / 6).toFixed(6), threshold: 0.7, status: 'degraded', samples: 6, min_samples: 5 });
    expect(predictionAccuracy(rows, END, { days: 7, threshold: 0.6, min_samples: 5 }).status).toBe('healthy');
    expect(predictionAccuracy(rows, END, { days: 7, threshold: 0.6, min_samples: 7 })).toMatchObject({
      value: null,
      status: 'insufficient_data',
      samples: 6,
      min_samples: 7,
    });
  });

  it('win rate: only bars with a position and a known return count', () => {
    const sig = [
      bar(10, { position: 1, realised_return: 0.02 }),
      bar(9, { position: 1, realised_return: -0.01 }),
      bar(8, { position: 0, realised_return: 0 }), // no position: not a signal
      bar(7, { position: -1, realised_return: 0.005 }), // a short that made money
      bar(6, { position: 1, realised_return: 0 }), // flat outcome: not a win
      bar(5, { position: 1, realised_return: null }), // unresolved
    ];
    expect(signalWinRate(sig, END, { days: 30, threshold: 0.45, min_samples: 4 })).toEqual({
      value: 0.5,
      threshold: 0.45,
      status: 'healthy',
      samples: 4,
      min_samples: 4,
    });
  });

  it('Sharpe: equal-weight mean across symbols per bar, sample sd, annualised', () => {
    const r = [
      bar(4, { symbol: 'A', bar_return: 0.01 }),
      bar(4, { symbol: 'B', bar_return: 0.03 }), // bar 4: mean 0.02
      bar(3, { symbol: 'A', bar_return: -0.01 }), // bar 3: -0.01
      bar(2, { symbol: 'A', bar_return: 0 }),
      bar(2, { symbol: 'B', bar_return: 0.02 }), // bar 2: 0.01
      bar(1, { symbol: 'A', bar_return: 0.04 }), // bar 1: 0.04
    ];
    // mean = (0.02 - 0.01 + 0.01 + 0.04) / 4 = 0.015; deviations .005 -.025 -.005 .025;
    // sample var = (0.000025 + 0.000625 + 0.000025 + 0.000625) / 3 = 0.0013 / 3
    const expected = (0.015 / Math.sqrt(0.0013 / 3)) * Math.sqrt(252);
    const m = rollingSharpe(r, END, 252, { days: 30, threshold: 0, min_samples: 4 });
    expect(m.value).toBeCloseTo(expected, 5);
    expect(m.samples).toBe(4);
    expect(m.status).toBe('healthy');
    const losing = r.map((x) => ({ ...x, bar_return: -x.bar_return! }));
    expect(rollingSharpe(losing, END, 252, { days: 30, threshold: 0, min_samples: 4 }).status).toBe('degraded');
  });

  it('ranks share ties; Spearman matches the textbook formula without ties', () => {
    expect(ranks([10, 20, 20, 5])).toEqual([2, 3.5, 3.5, 1]);
    const a = [0.5, 0.1, 0.3, 0.2, 0.05];
    const b = [0.4, 0.2, 0.1, 0.3, 0.0];
    // ranks a: 5 2 4 3 1; ranks b: 5 3 2 4 1; d^2 = 0 1 4 1 0 = 6; rho = 1 - 6*6/(5*24) = 0.7
    expect(spearman(a, b)).toBeCloseTo(0.7, 12);
    expect(pearson([1, 2, 3], [2, 4, 6])).toBeCloseTo(1, 12);
    expect(Number.isNaN(spearman([1, 1, 1], [1, 2, 3]))).toBe(true);
  });
});
