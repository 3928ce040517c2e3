import type { TopLevelSpec } from 'vega-lite';
import { extremaIndices } from '../downsample.js';
import { day, pct, signedPct } from '../format.js';
import { CONFIG, HEIGHT, PALETTE, seriesColor, VERSUS_BUY_AND_HOLD, WIDTH } from '../theme.js';
import type { ChartSpec } from '../types.js';

/** An equity curve as backtests store it (equity.json): ISO times and equity multiples from 1. */
export interface EquityData {
  model_id: string;
  /** What was traded, e.g. "test segment" or "walk-forward, 4 windows (op_...)". */
  source: string;
  time: readonly string[];
  strategy: ArrayLike<number>;
  buy_and_hold: ArrayLike<number>;
}

// About two points per horizontal pixel: a line drawn from them looks like the full series.
const MAX_POINTS = 2 * WIDTH;

/** Drawdown from the running peak at every point (0 at a new high, -0.2 for 20% below it). */
export function drawdowns(equity: ArrayLike<number>): Float64Array {
  const out = new Float64Array(equity.length);
  let peak = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < equity.length; i++) {
    const v = equity[i]!;
    if (v > peak) peak = v;
    out[i] = peak > 0 ? v / peak - 1 : 0;
  }
  return out;
}

function figures(d: EquityData) {
  const n = Math.min(d.time.length, d.strategy.length, d.buy_and_hold.length);
  const ddS = drawdowns(d.strategy);
  const ddB = drawdowns(d.buy_and_hold);
  let worst = 0;
  for (let i = 1; i < n; i++) if (ddS[i]! < ddS[worst]!) worst = i;
  let worstB = 0;
  for (let i = 1; i < n; i++) if (ddB[i]! < ddB[worstB]!) worstB = i;
  const idx = extremaIndices([d.strategy, d.buy_and_hold, ddS, ddB], n, MAX_POINTS);
  return { n, ddS, ddB, worst, worstB, idx };
}

const color = seriesColor(VERSUS_BUY_AND_HOLD);

function summary(d: EquityData, f: ReturnType<typeof figures>) {
  const last = f.n - 1;
  const strat = f.n ? d.strategy[last]! - 1 : Number.NaN;
  const hold = f.n ? d.buy_and_hold[last]! - 1 : Number.NaN;
  return {
    strat,
    hold,
    returns: `strategy ${signedPct(strat)} vs buy & hold ${signedPct(hold)} from ${day(d.time[0])} to ${day(d.time[last])}`,
    drawdown: `max drawdown ${pct(f.n ? f.ddS[f.worst] : Number.NaN)} on ${day(d.time[f.worst])} (buy & hold ${pct(f.n ? f.ddB[f.worstB] : Number.NaN)})`,
  };
}

function equityRows(d: EquityData, f: ReturnType<typeof figures>) {
  const rows: { t: string; series: string; value: number }[] = [];
  for (const i of f.idx) {
    rows.push({ t: d.time[i]!, series: 'strategy', value: d.strategy[i]! });
    rows.push({ t: d.time[i]!, series: 'buy & hold', value: d.buy_and_hold[i]! });
  }
  return rows;
}

function drawdownRows(d: EquityData, f: ReturnType<typeof figures>) {
  const rows: { t: string; series: string; value: number }[] = [];
  for (const i of f.idx) {
    rows.push({ t: d.time[i]!, series: 'strategy', value: f.ddS[i]! });
    rows.push({ t: d.time[i]!, series: 'buy & hold', value: f.ddB[i]! });
  }
  return rows;
}

/** A log scale once equity spans more than 10x: a linear one flattens everything but the end. */
function wideRange(a: ArrayLike<number>, b: ArrayLike<number>, n: number): boolean {
  let lo = Number.POSITIVE_INFINITY;
  let hi = 0;
  for (const s of [a, b])
    for (let i = 0; i < n; i++) {
      const v = s[i]!;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  return lo > 0 && hi / lo > 10;
}

const x = { field: 't', type: 'temporal', title: null } as const;

function drawdownPanel(d: EquityData, f: ReturnType<typeof figures>, height: number) {
  return {
    width: WIDTH,
    height,
    layer: [
      {
        data: { values: drawdownRows(d, f) },
        mark: { type: 'area', opacity: 0.35, line: { strokeWidth: 1 } },
        encoding: {
          x,
          y: { field: 'value', type: 'quantitative', title: 'Drawdown', axis: { format: '.0%' }, stack: null },
          color,
        },
      },
      {
        data: { values: f.n ? [{ t: d.time[f.worst], value: f.ddS[f.worst], label: `max ${pct(f.ddS[f.worst])}` }] : [] },
        mark: { type: 'point', shape: 'triangle-down', filled: true, size: 60, opacity: 1, color: PALETTE.vermillion },
        encoding: { x, y: { field: 'value', type: 'quantitative' } },
      },
      {
        data: { values: f.n ? [{ t: d.time[f.worst], value: f.ddS[f.worst], label: `max ${pct(f.ddS[f.worst])}` }] : [] },
        mark: { type: 'text', dx: 6, align: 'left', baseline: 'top', fontSize: 10, color: PALETTE.vermillion },
        encoding: { x, y: { field: 'value', type: 'quantitative' }, text: { field: 'label' } },
      },
    ],
  };
}

/** Strategy equity against buy-and-hold, with both drawdowns underneath; the deepest strategy drawdown marked. */
export function equityChart(d: EquityData): ChartSpec {
  const f = figures(d);
  const s = summary(d, f);
  const title = `Equity · ${d.model_id}`;
  const log = wideRange(d.strategy, d.buy_and_hold, f.n);
  const spec = {
    title: { text: title, subtitle: [d.source, s.returns, s.drawdown] },
    vconcat: [
      {
        width: WIDTH,
        height: HEIGHT,
        data: { values: equityRows(d, f) },
        mark: { type: 'line', strokeWidth: 1.5 },
        encoding: {
          x,
          y: {
            field: 'value',
            type: 'quantitative',
            title: log ? 'Equity (start = 1, log scale)' : 'Equity (start = 1)',
            scale: log ? { type: 'log' } : { zero: false },
            axis: { format: log ? '~g' : '.2~f' },
          },
          color,
        },
      },
      drawdownPanel(d, f, HEIGHT * 0.5),
    ],
    config: CONFIG,
  } as TopLevelSpec;
  return { name: 'equity', title, alt: `Equity of ${d.model_id} on ${d.source}: ${s.returns}; ${s.drawdown}.`, spec };
}

/** Drawdown from the running peak of the strategy and of buy-and-hold, the deepest marked. */
export function drawdownChart(d: EquityData): ChartSpec {
  const f = figures(d);
  const s = summary(d, f);
  const title = `Drawdown · ${d.model_id}`;
  const spec = {
    title: { text: title, subtitle: [d.source, s.returns, s.drawdown] },
    ...drawdownPanel(d, f, HEIGHT),
    config: CONFIG,
  } as TopLevelSpec;
  return { name: 'drawdown', title, alt: `Drawdown of ${d.model_id} on ${d.source}: ${s.returns}; ${s.drawdown}.`, spec };
}
