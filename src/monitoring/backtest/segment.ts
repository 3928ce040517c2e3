import type { Strategy } from '../../domain/strategy.js';
import type { Bars } from '../../pipeline/data/types.js';
import { periodsPerYearOf } from '../../pipeline/data/periods.js';
import { inferTimeframe } from '../../pipeline/data/timeframe.js';
import { simulate, type EngineOutput } from './engine.js';
import { bootstrapSharpeCi } from '../validation/bootstrap.js';
import { backtestMetrics, type BacktestMetrics } from './metrics.js';
import { positionsFromProbabilities } from './signals.js';

export interface SegmentBacktest {
  strategy: BacktestMetrics & { sharpe_ci_low?: number; sharpe_ci_high?: number };
  buy_and_hold: BacktestMetrics;
  per_symbol: { symbol: string; strategy: BacktestMetrics; buy_and_hold: BacktestMetrics }[];
  periods_per_year: number;
  /** Equal-weight portfolio equity over the segment (sampled to at most 2,000 points). */
  equity_curve: { time: string[]; strategy: number[]; buy_and_hold: number[] };
}

/** A segment backtest with every bar's strategy return of the portfolio (not sampled): a research program's trials align on it for PBO. */
export interface SegmentBacktestWithReturns extends SegmentBacktest {
  returns: { time: Float64Array; strategy: Float64Array };
}

/** Rows predicted by the model: which symbol, which bar, and its class probabilities. */
export interface Predictions {
  symbol: Int32Array;
  bar: Int32Array;
  probs: Float32Array;
}

/** Equal-weight combination of per-symbol runs: each instant's return is the mean over symbols trading then. */
function combine(runs: { time: Float64Array; run: EngineOutput }[]): { time: Float64Array; run: EngineOutput } {
  if (runs.length === 1) return runs[0]!;
  const byTime = new Map<number, { sum: number; n: number; exposed: number }>();
  for (const { time, run } of runs) {
    for (let i = 0; i < time.length; i++) {
      const e = byTime.get(time[i]!) ?? { sum: 0, n: 0, exposed: 0 };
      e.sum += run.returns[i]!;
      e.n += 1;
      e.exposed += run.position[i] !== 0 ? 1 : 0;
      byTime.set(time[i]!, e);
    }
  }
  const times = Float64Array.from([...byTime.keys()].sort((a, b) => a - b));
  const returns = new Float64Array(times.length);
  const equity = new Float64Array(times.length);
  const position = new Int8Array(times.length);
  let eq = 1;
  times.forEach((t, i) => {
    const e = byTime.get(t)!;
    returns[i] = e.sum / e.n;
    eq *= 1 + returns[i]!;
    equity[i] = eq;
    position[i] = e.exposed > 0 ? 1 : 0;
  });
  return { time: times, run: { returns, equity, position, trades: runs.flatMap((r) => r.run.trades) } };
}

function sample(n: number, max: number): number[] {
  if (n <= max) return Array.from({ length: n }, (_, i) => i);
  return Array.from({ length: max }, (_, i) => Math.round((i * (n - 1)) / (max - 1)));
}

/**
 * Backtests the model's out-of-sample predictions on the bars they were made for: per symbol from
 * its first predicted bar to its last bar (bars without a prediction hold no position), against
 * buy-and-hold over the same bars, then an equal-weight portfolio across symbols. Annualised with
 * periodsPerYear of the data's timeframe (inferred from the bar spacing when not given) and the
 * calendar of these bars, never from how many bars there are.
 */
export function backtestSegment(
  series: Bars[],
  pred: Predictions,
  decisions: Strategy['decisions'],
  timeframe?: string,
): SegmentBacktest | null {
  const run = backtestSegmentWithReturns(series, pred, decisions, timeframe);
  if (!run) return null;
  const { returns: _returns, ...report } = run;
  return report;
}

/** backtestSegment, with every bar's portfolio return. */
export function backtestSegmentWithReturns(
  series: Bars[],
  pred: Predictions,
  decisions: Strategy['decisions'],
  timeframe?: string,
): SegmentBacktestWithReturns | null {
  const signals = positionsFromProbabilities(pred.probs, decisions);
  const costs = { cost_bps: decisions.cost_bps, slippage_bps: decisions.slippage_bps };
  const times = series.map((b) => b.time);
  const periods = periodsPerYearOf(timeframe ?? inferTimeframe(times), times);
  const perSymbol: SegmentBacktest['per_symbol'] = [];
  const strategyRuns: { time: Float64Array; run: EngineOutput }[] = [];
  const holdRuns: { time: Float64Array; run: EngineOutput }[] = [];
  series.forEach((bars, s) => {
    let first = Number.POSITIVE_INFINITY;
    for (let r = 0; r < pred.symbol.length; r++) if (pred.symbol[r] === s) first = Math.min(first, pred.bar[r]!);
    if (!Number.isFinite(first) || bars.time.length - first < 2) return;
    const from = first;
    const len = bars.time.length - from;
    const signal = new Int8Array(len);
    for (let r = 0; r < pred.symbol.length; r++) if (pred.symbol[r] === s) signal[pred.bar[r]! - from] = signals[r]!;
    const prices = { open: bars.open.subarray(from), close: bars.close.subarray(from) };
    const time = bars.time.subarray(from);
    const run = simulate(prices, signal, costs);
    const hold = simulate(prices, new Int8Array(len).fill(1), costs);
    strategyRuns.push({ time, run });
    holdRuns.push({ time, run: hold });
    perSymbol.push({ symbol: bars.symbol, strategy: backtestMetrics(run, periods), buy_and_hold: backtestMetrics(hold, periods) });
  });
  if (strategyRuns.length === 0) return null;
  const strat = combine(strategyRuns);
  const hold = combine(holdRuns);
  const idx = sample(strat.time.length, 2000);
  // Sharpe with a 95% block-bootstrap interval: a test segment of a year or two pins it only loosely.
  const ci = bootstrapSharpeCi(strat.run.returns, periods, { seed: 1 });
  return {
    strategy: { ...backtestMetrics(strat.run, periods), sharpe_ci_low: ci.low, sharpe_ci_high: ci.high },
    buy_and_hold: backtestMetrics(hold.run, periods),
    per_symbol: perSymbol,
    periods_per_year: periods,
    returns: { time: strat.time, strategy: strat.run.returns },
    equity_curve: {
      time: idx.map((i) => new Date(strat.time[i]!).toISOString()),
      strategy: idx.map((i) => +strat.run.equity[i]!.toFixed(6)),
      buy_and_hold: idx.map((i) => +hold.run.equity[i]!.toFixed(6)),
    },
  };
}

/** The test segment's per-bar strategy returns, in the model folder (research programs align their trials on it). */
export const OOS_RETURNS_FILE = 'oos_returns.json';

export interface OosReturnsFile {
  /** Bar timestamps (ms since the epoch, UTC). */
  time: number[];
  /** Portfolio return of each bar after costs. */
  strategy: number[];
}

export const oosReturnsFile = (r: SegmentBacktestWithReturns['returns']): OosReturnsFile => ({
  time: Array.from(r.time),
  strategy: Array.from(r.strategy, (v) => +v.toPrecision(10)),
});
