import { simulate, type ExecutionCosts, type PriceSeries } from './engine.js';
import { backtestMetrics, type BacktestMetrics } from './metrics.js';

export { simulate, type ExecutionCosts, type PriceSeries } from './engine.js';
export { backtestMetrics, type BacktestMetrics } from './metrics.js';
export { positionsFromProbabilities, type DecisionRule } from './signals.js';

export interface BacktestReport {
  strategy: BacktestMetrics;
  /** The same bars held long throughout (entered at the first open, same costs). */
  buy_and_hold: BacktestMetrics;
  equity: Float64Array;
  buy_and_hold_equity: Float64Array;
}

/** Strategy against buy-and-hold over the same bars. */
export function backtest(prices: PriceSeries, signal: Int8Array, costs: ExecutionCosts, periodsPerYear: number): BacktestReport {
  const run = simulate(prices, signal, costs);
  const hold = simulate(prices, new Int8Array(signal.length).fill(1), costs);
  return {
    strategy: backtestMetrics(run, periodsPerYear),
    buy_and_hold: backtestMetrics(hold, periodsPerYear),
    equity: run.equity,
    buy_and_hold_equity: hold.equity,
  };
}
