import type { EngineOutput } from './engine.js';

export interface BacktestMetrics {
  bars: number;
  total_return: number;
  annualized_return: number;
  /** Annualised, risk-free rate 0, sample standard deviation of bar returns. */
  sharpe: number;
  /** Annualised; downside deviation = sqrt(mean(min(r, 0)^2)). */
  sortino: number;
  /** Largest peak-to-trough fall of the equity curve, as a positive fraction. */
  max_drawdown: number;
  calmar: number;
  trade_count: number;
  win_rate: number;
  /** Sum of winning trade returns / |sum of losing trade returns|; Infinity with no losses. */
  profit_factor: number;
  avg_holding_bars: number;
  /** Share of bars with a position. */
  exposure: number;
  /** Units of position traded per year (1 = one full entry or exit). */
  turnover_per_year: number;
  /** Per-bar (not annualised) Sharpe, skewness and kurtosis (not excess) of bar returns: the deflated Sharpe ratio needs them. */
  sharpe_per_period: number;
  skew: number;
  kurtosis: number;
}

/** The figures of a simulated run; `periodsPerYear` from the data (e.g. 252 for daily equities). */
export function backtestMetrics(run: EngineOutput, periodsPerYear: number): BacktestMetrics {
  const n = run.returns.length;
  let sum = 0;
  let sumSq = 0;
  let down = 0;
  let exposed = 0;
  let traded = 0;
  let peak = 1;
  let maxDd = 0;
  for (let t = 0; t < n; t++) {
    const r = run.returns[t]!;
    sum += r;
    sumSq += r * r;
    if (r < 0) down += r * r;
    if (run.position[t] !== 0) exposed++;
    traded += Math.abs(run.position[t]! - (t === 0 ? 0 : run.position[t - 1]!));
    const e = run.equity[t]!;
    if (e > peak) peak = e;
    maxDd = Math.max(maxDd, 1 - e / peak);
  }
  const mean = n ? sum / n : 0;
  const variance = n > 1 ? (sumSq - n * mean * mean) / (n - 1) : 0;
  const std = Math.sqrt(Math.max(0, variance));
  const downside = n ? Math.sqrt(down / n) : 0;
  const total = n ? run.equity[n - 1]! - 1 : 0;
  const years = n / periodsPerYear;
  const annualized = years > 0 && total > -1 ? Math.pow(1 + total, 1 / years) - 1 : total <= -1 ? -1 : 0;
  let m3 = 0;
  let m4 = 0;
  for (let t = 0; t < n; t++) {
    const d = run.returns[t]! - mean;
    m3 += d * d * d;
    m4 += d * d * d * d;
  }
  const popVar = n ? (sumSq - n * mean * mean) / n : 0;
  const skew = popVar > 0 ? m3 / n / popVar ** 1.5 : 0;
  const kurtosis = popVar > 0 ? m4 / n / (popVar * popVar) : 3;
  const wins = run.trades.filter((t) => t.return > 0);
  const losses = run.trades.filter((t) => t.return <= 0);
  const gain = wins.reduce((s, t) => s + t.return, 0);
  const loss = -losses.reduce((s, t) => s + t.return, 0);
  return {
    bars: n,
    total_return: total,
    annualized_return: annualized,
    sharpe: std > 0 ? (mean / std) * Math.sqrt(periodsPerYear) : 0,
    sortino: downside > 0 ? (mean / downside) * Math.sqrt(periodsPerYear) : 0,
    max_drawdown: maxDd,
    calmar: maxDd > 0 ? annualized / maxDd : 0,
    trade_count: run.trades.length,
    win_rate: run.trades.length ? wins.length / run.trades.length : 0,
    profit_factor: loss > 0 ? gain / loss : gain > 0 ? Number.POSITIVE_INFINITY : 0,
    avg_holding_bars: run.trades.length ? run.trades.reduce((s, t) => s + (t.exit_bar - t.entry_bar), 0) / run.trades.length : 0,
    exposure: n ? exposed / n : 0,
    turnover_per_year: years > 0 ? traded / years : 0,
    sharpe_per_period: std > 0 ? mean / std : 0,
    skew,
    kurtosis,
  };
}
