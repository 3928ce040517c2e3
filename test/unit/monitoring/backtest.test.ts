import { describe, expect, it } from 'vitest';
import { backtest, backtestMetrics, positionsFromProbabilities, simulate } from '../../../src/monitoring/backtest/index.js';
import { createRng } from '../../../src/pipeline/random.js';

function walk(n: number, seed: number) {
  const rng = createRng(seed);
  const open = new Float64Array(n);
  const close = new Float64Array(n);
  let p = 100;
  for (let t = 0; t < n; t++) {
    open[t] = p * Math.exp(0.002 * rng.normal());
    close[t] = open[t]! * Math.exp(0.01 * rng.normal());
    p = close[t]!;
  }
  return { open, close };
}

function randomSignal(n: number, seed: number, allowShort: boolean): Int8Array {
  const rng = createRng(seed);
  const s = new Int8Array(n);
  let cur = 0;
  for (let t = 0; t < n; t++) {
    if (rng.next() < 0.1) cur = allowShort ? Math.floor(rng.next() * 3) - 1 : rng.next() < 0.5 ? 1 : 0;
    s[t] = cur;
  }
  return s;
}

describe('backtest engine', () => {
  it('matches a hand computation: next-bar-open execution, costs on entry and exit', () => {
    const prices = { open: Float64Array.from([100, 101, 102, 104, 103]), close: Float64Array.from([100, 102, 103, 102, 105]) };
    // Signal long at the close of bar 0 and 1, flat from bar 2 on.
    const run = simulate(prices, Int8Array.from([1, 1, 0, 0, 0]), { cost_bps: 10, slippage_bps: 0 });
    const fee = 0.001;
    expect(Array.from(run.position)).toEqual([0, 1, 1, 0, 0]);
    // Enter at bar 1's open (101), hold through bar 2's close (103), exit at bar 3's open (104).
    expect(run.equity[1]).toBeCloseTo((1 - fee) * (102 / 101), 12);
    expect(run.equity[2]).toBeCloseTo((1 - fee) * (103 / 101), 12);
    expect(run.equity[4]).toBeCloseTo((1 - fee) ** 2 * (104 / 101), 12);
    expect(run.trades).toEqual([
      { entry_bar: 1, exit_bar: 3, side: 1, return: expect.closeTo((1 - fee) ** 2 * (104 / 101) - 1, 12) as unknown as number },
    ]);
  });

  it('long-only equity equals the product of trade returns computed from entry and exit opens (independent)', () => {
    const n = 3000;
    const prices = walk(n, 1);
    const signal = randomSignal(n, 2, false);
    const fee = 0.0007;
    const run = simulate(prices, signal, { cost_bps: 5, slippage_bps: 2 });
    let expected = 1;
    let entry = -1;
    for (let t = 1; t < n; t++) {
      const want = signal[t - 1]!;
      const had = entry >= 0 ? 1 : 0;
      if (want === 1 && !had) entry = t;
      if (want === 0 && had) {
        expected *= (1 - fee) ** 2 * (prices.open[t]! / prices.open[entry]!);
        entry = -1;
      }
    }
    if (entry >= 0) expected *= (1 - fee) * (prices.close[n - 1]! / prices.open[entry]!);
    expect(run.equity[n - 1]).toBeCloseTo(expected, 9);
    expect(run.trades.reduce((g, t) => g * (1 + t.return), 1)).toBeCloseTo(expected, 9);
  });

  it('never uses the bar that produced a signal: changing signal[t] changes nothing before bar t+1', () => {
    const prices = walk(500, 3);
    const a = randomSignal(500, 4, true);
    const b = Int8Array.from(a);
    b[300] = b[300] === 1 ? -1 : 1;
    const ra = simulate(prices, a, { cost_bps: 5, slippage_bps: 5 });
    const rb = simulate(prices, b, { cost_bps: 5, slippage_bps: 5 });
    expect(Array.from(rb.equity.slice(0, 301))).toEqual(Array.from(ra.equity.slice(0, 301)));
    expect(rb.equity[301]).not.toBe(ra.equity[301]);
  });

  it('computes the metrics as an independent two-pass / brute-force computation does', () => {
    const prices = walk(1500, 5);
    const run = simulate(prices, randomSignal(1500, 6, true), { cost_bps: 3, slippage_bps: 1 });
    const m = backtestMetrics(run, 252);
    const r = Array.from(run.returns);
    const mean = r.reduce((s, x) => s + x, 0) / r.length;
    const sd = Math.sqrt(r.reduce((s, x) => s + (x - mean) ** 2, 0) / (r.length - 1));
    expect(m.sharpe).toBeCloseTo((mean / sd) * Math.sqrt(252), 8);
    const dd = Math.sqrt(r.reduce((s, x) => s + Math.min(0, x) ** 2, 0) / r.length);
    expect(m.sortino).toBeCloseTo((mean / dd) * Math.sqrt(252), 8);
    let worst = 0;
    const e = [1, ...Array.from(run.equity)];
    for (let i = 0; i < e.length; i++) for (let j = i; j < e.length; j++) worst = Math.max(worst, 1 - e[j]! / e[i]!);
    expect(m.max_drawdown).toBeCloseTo(worst, 12);
    expect(m.total_return).toBeCloseTo(run.equity[1499]! - 1, 12);
    expect(m.annualized_return).toBeCloseTo((1 + m.total_return) ** (252 / 1500) - 1, 12);
    expect(m.calmar).toBeCloseTo(m.annualized_return / m.max_drawdown, 12);
    const wins = run.trades.filter((t) => t.return > 0);
    expect(m.win_rate).toBeCloseTo(wins.length / run.trades.length, 12);
    expect(m.exposure).toBeCloseTo(Array.from(run.position).filter((p) => p !== 0).length / 1500, 12);
  });

  it('reports buy-and-hold over the same bars and maps probabilities to positions by the decision rule', () => {
    const prices = walk(300, 7);
    const report = backtest(prices, new Int8Array(300), { cost_bps: 0, slippage_bps: 0 }, 252);
    expect(report.strategy.total_return).toBe(0);
    expect(report.strategy.trade_count).toBe(0);
    expect(report.buy_and_hold.total_return).toBeCloseTo(prices.close[299]! / prices.open[1]! - 1, 10);
    const probs = Float32Array.from([0.2, 0.3, 0.5, 0.6, 0.3, 0.1, 0.34, 0.33, 0.33, 0.1, 0.2, 0.7]);
    expect(Array.from(positionsFromProbabilities(probs, { confidence_threshold: 0.45, mode: 'long_short' }))).toEqual([1, -1, 0, 1]);
    expect(Array.from(positionsFromProbabilities(probs, { confidence_threshold: 0.45, mode: 'long_only' }))).toEqual([1, 0, 0, 1]);
  });
});
