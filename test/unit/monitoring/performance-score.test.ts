import { describe, expect, it } from 'vitest';
import type { Strategy } from '../../../src/domain/strategy.js';
import { resolveOutcomes } from '../../../src/monitoring/performance-score.js';
import type { Bars } from '../../../src/pipeline/data/types.js';

describe('live outcomes use the backtest execution assumption', () => {
  it('a position decided at bar t close is held from bar t+1 open; bar t+1+h open must exist', () => {
    const n = 8;
    const f = (g: (i: number) => number) => Float64Array.from({ length: n }, (_, i) => g(i));
    const bars: Bars = {
      symbol: 'X',
      time: f((i) => i * 86_400_000),
      open: f((i) => 100 + 2 * i),
      close: f((i) => 101 + 2 * i),
      high: f((i) => 103 + 2 * i),
      low: f((i) => 99 + 2 * i),
      volume: f(() => 1),
    };
    const strategy = { labels: { type: 'forward_return', horizon: 2, up_threshold: 0.001, down_threshold: -0.001 } } as unknown as Strategy;
    const row = (t: number) => ({ model_id: 'm@1', symbol: 'X', time: t * 86_400_000, position: 1 }) as never;
    const out = resolveOutcomes(strategy, [bars], [row(1), row(5)]);
    // Bar 5: exit open at 5 + 1 + 2 = 8 does not exist yet.
    expect(out.map((o) => o.time)).toEqual([86_400_000]);
    expect(out[0]!.bar_return).toBeCloseTo(bars.open[3]! / bars.open[2]! - 1, 12);
    expect(out[0]!.realised_return).toBeCloseTo(bars.open[4]! / bars.open[2]! - 1, 12);
  });
});
