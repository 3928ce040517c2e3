import type { BacktestMetrics } from '../monitoring/backtest/metrics.js';
import type { BacktestRun } from '../monitoring/backtest/request.js';
import { pushAll } from '../pipeline/array-stats.js';

const pct = (v: number | null | undefined) => (typeof v === 'number' && Number.isFinite(v) ? `${(v * 100).toFixed(1)}%` : 'n/a');
const num = (v: number | null | undefined, d = 2) =>
  typeof v === 'number' && Number.isFinite(v) ? v.toFixed(d) : v === Infinity ? 'inf' : 'n/a';

const ROWS: [string, (m: BacktestMetrics) => string][] = [
  ['total return', (m) => pct(m.total_return)],
  ['annual return', (m) => pct(m.annualized_return)],
  ['Sharpe', (m) => num(m.sharpe)],
  ['Sortino', (m) => num(m.sortino)],
  ['max drawdown', (m) => pct(m.max_drawdown)],
  ['Calmar', (m) => num(m.calmar)],
  ['win rate', (m) => pct(m.win_rate)],
  ['profit factor', (m) => num(m.profit_factor)],
  ['trades', (m) => String(m.trade_count)],
  ['exposure', (m) => pct(m.exposure)],
];

const MODE: Record<BacktestRun['mode'], string> = {
  test_segment: 'its own test segment (out of sample, as at training)',
  data: 'other data',
  walk_forward: 'walk-forward validation (retrained per window)',
};

/** The readable summary `trainyard backtest` prints: strategy against buy-and-hold, then the windows. */
export function formatBacktestSummary(r: BacktestRun & { operation_id?: string }): string {
  const d = r.data;
  const lines = [
    `Backtest of ${r.model_id} on ${MODE[r.mode]}${r.operation_id ? `  (operation ${r.operation_id})` : ''}`,
    `  data       ${d.source}  (${d.symbols.join(', ')}, ${d.timeframe}, ${d.bars} bars)`,
    `  traded     ${r.traded.from.slice(0, 10)} .. ${r.traded.to.slice(0, 10)}, ${r.traded.predictions} predictions; next-bar-open execution, costs included`,
    '',
    `  ${''.padEnd(15)}${'strategy'.padStart(12)}${'buy & hold'.padStart(12)}`,
    ...ROWS.map(([name, f]) => `  ${name.padEnd(15)}${f(r.strategy).padStart(12)}${f(r.buy_and_hold).padStart(12)}`),
  ];
  if (r.training_backtest)
    lines.push(
      '',
      r.training_backtest.matches
        ? `  reproduces the backtest recorded at training (Sharpe ${num(r.training_backtest.sharpe)}, ${r.training_backtest.trade_count} trades)`
        : `  DIFFERS from the backtest recorded at training (Sharpe ${num(r.training_backtest.sharpe)}, ${r.training_backtest.trade_count} trades)`,
    );
  const wf = r.walk_forward;
  if (wf) {
    pushAll(lines, [
      '',
      `Walk-forward: ${wf.scheme}, ${wf.windows.length} windows of ${wf.test_bars} test bars, purge gap ${wf.purge_gap} bars, up to ${wf.epochs} epoch${wf.epochs === 1 ? '' : 's'} per window`,
      `  ${'#'.padEnd(3)}${'train'.padEnd(25)}${'test'.padEnd(25)}${'return'.padStart(9)}${'Sharpe'.padStart(8)}${'max DD'.padStart(8)}${'win'.padStart(8)}${'trades'.padStart(8)}${'B&H ret'.padStart(9)}`,
      ...wf.windows.map(
        (w) =>
          `  ${String(w.window).padEnd(3)}${`${w.train.from.slice(0, 10)}..${w.train.to.slice(0, 10)}`.padEnd(25)}${`${w.test.from.slice(0, 10)}..${w.test.to.slice(0, 10)}`.padEnd(25)}` +
          `${pct(w.strategy.total_return).padStart(9)}${num(w.strategy.sharpe).padStart(8)}${pct(w.strategy.max_drawdown).padStart(8)}${pct(w.strategy.win_rate).padStart(8)}${String(w.strategy.trade_count).padStart(8)}${pct(w.buy_and_hold.total_return).padStart(9)}`,
      ),
    ]);
    const s = wf.spread.strategy;
    const row = (name: string, v: { mean: number; std: number; min: number; max: number }, f: (x: number) => string) =>
      `  ${name.padEnd(13)} mean ${f(v.mean)} · std ${f(v.std)} · min ${f(v.min)} · max ${f(v.max)}`;
    lines.push(
      '  spread across windows (strategy)',
      row('Sharpe', s.sharpe, (x) => num(x)),
      row('return', s.total_return, pct),
      row('max drawdown', s.max_drawdown, pct),
      row('win rate', s.win_rate, pct),
    );
  }
  lines.push('', `Took ${r.seconds.toFixed(1)} s.`);
  return lines.join('\n');
}
