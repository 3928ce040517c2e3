import type { TopLevelSpec } from 'vega-lite';
import { day, num, signedPct, wrap } from '../format.js';
import { CONFIG, HEIGHT, seriesColor, VERSUS_BUY_AND_HOLD, WIDTH } from '../theme.js';
import type { ChartSpec } from '../types.js';

export interface WalkForwardData {
  model_id: string;
  scheme: string;
  windows: readonly {
    window: number;
    test: { from: string; to: string };
    strategy: { total_return: number; sharpe: number };
    buy_and_hold: { total_return: number; sharpe: number };
  }[];
}

const SERIES = VERSUS_BUY_AND_HOLD;

/** Walk-forward windows: each test part's return and Sharpe, strategy against buy-and-hold. */
export function walkForwardChart(d: WalkForwardData): ChartSpec {
  const rows = d.windows.flatMap((w) => {
    const label = `#${w.window} ${day(w.test.from)}`;
    return [
      { window: label, order: w.window, series: 'strategy', total_return: w.strategy.total_return, sharpe: w.strategy.sharpe },
      { window: label, order: w.window, series: 'buy & hold', total_return: w.buy_and_hold.total_return, sharpe: w.buy_and_hold.sharpe },
    ].filter((r) => Number.isFinite(r.total_return));
  });
  const beat = d.windows.filter((w) => w.strategy.total_return > w.buy_and_hold.total_return).length;
  const sharpes = d.windows.map((w) => w.strategy.sharpe).filter(Number.isFinite);
  const mean = sharpes.length ? sharpes.reduce((a, b) => a + b, 0) / sharpes.length : Number.NaN;
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const s of sharpes) {
    lo = Math.min(lo, s);
    hi = Math.max(hi, s);
  }
  const title = `Walk-forward windows · ${d.model_id}`;
  const summary = `strategy beat buy & hold in ${beat} of ${d.windows.length} ${d.scheme} windows; mean Sharpe ${num(mean)} (min ${num(lo)}, max ${num(hi)})`;
  const total = d.windows.reduce((acc, w) => acc * (1 + w.strategy.total_return), 1) - 1;
  const alt = `Walk-forward of ${d.model_id}: ${summary}; compounded strategy return ${signedPct(total)}.`;
  const color = seriesColor(SERIES);
  const x = {
    field: 'window',
    type: 'ordinal',
    sort: { field: 'order', op: 'min' },
    title: 'Test window',
    axis: { labelAngle: 0 },
  } as const;
  const panel = (field: 'total_return' | 'sharpe', yTitle: string, format: string) => ({
    width: WIDTH,
    height: HEIGHT * 0.7,
    layer: [
      {
        mark: { type: 'bar' },
        encoding: {
          x,
          xOffset: { field: 'series', sort: Object.keys(SERIES) },
          y: { field, type: 'quantitative', title: yTitle, axis: { format } },
          color,
        },
      },
      { data: { values: [{ zero: 0 }] }, mark: { type: 'rule', color: '#333' }, encoding: { y: { field: 'zero', type: 'quantitative' } } },
    ],
  });
  const spec = {
    title: { text: title, subtitle: wrap(summary.split('; '), 70) },
    data: { values: rows },
    vconcat: [panel('total_return', 'Test return', '.0%'), panel('sharpe', 'Sharpe (annualised)', '.1f')],
    config: CONFIG,
  } as TopLevelSpec;
  return { name: 'walk_forward', title, alt, spec };
}
