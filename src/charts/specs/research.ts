import type { TopLevelSpec } from 'vega-lite';
import { num, wrap } from '../format.js';
import { CONFIG, HEIGHT, PALETTE, WIDTH } from '../theme.js';
import type { ChartSpec } from '../types.js';

export interface ResearchData {
  program: string;
  trials: readonly {
    cycle_index: number;
    strategy_name: string | null;
    /** Out-of-sample Sharpe of the test segment; null when the cycle did not get that far. */
    sharpe: number | null;
    /** Deflated Sharpe (a probability) over the program's trials up to this one; null without a backtest. */
    deflated_sharpe: number | null;
    /** Every gate the cycle reached passed. */
    passed: boolean;
  }[];
  /** Deflated Sharpe the promotion gate requires. */
  min_deflated_sharpe: number;
  /** Probability of backtest overfitting of the program (null until enough trials). */
  pbo: number | null;
  pbo_note?: string | null | undefined;
}

const OUTCOME = { 'passed gates': PALETTE.green, 'failed a gate': PALETTE.vermillion };
// A research program's trials; beyond this the points blur, and the newest are the ones to see.
const MAX_TRIALS = 2000;

/** The x encoding of a chart over trials (research cycles, tuning trials): whole trial numbers from first to last. */
export function trialAxis(first: number, last: number) {
  return {
    field: 'trial',
    type: 'quantitative',
    title: 'Trial',
    scale: { domain: [first, Math.max(last, first + 1)] },
    axis: { tickMinStep: 1, format: 'd' },
  } as const;
}

/** A research program's progress: each trial's OOS Sharpe with the running best, and deflated Sharpe against the bar. */
/**
 * A study's top panel, shared by the research and tuning charts: the best value so far as a step
 * line (rows with `best`) and each trial as a point (rows with `field`), over the trial axis.
 */
export function bestSoFarPanel(
  x: ReturnType<typeof trialAxis>,
  line: { color: string; y: object },
  points: { field: string; encoding: object },
) {
  return {
    width: WIDTH,
    height: HEIGHT,
    layer: [
      {
        transform: [{ filter: 'datum.best != null' }],
        mark: { type: 'line', interpolate: 'step-after', color: line.color, strokeWidth: 1.5 },
        encoding: { x, y: line.y },
      },
      {
        transform: [{ filter: `datum.${points.field} != null` }],
        mark: { type: 'point', filled: true, size: 40, opacity: 1 },
        encoding: { x, ...points.encoding },
      },
    ],
  };
}

export function researchChart(d: ResearchData): ChartSpec {
  const trials = [...d.trials].sort((a, b) => a.cycle_index - b.cycle_index).slice(-MAX_TRIALS);
  let best = Number.NEGATIVE_INFINITY;
  let bestTrial: (typeof trials)[number] | undefined;
  let bestDsr = Number.NEGATIVE_INFINITY;
  const rows = trials.map((t) => {
    if (t.sharpe !== null && Number.isFinite(t.sharpe) && t.sharpe > best) {
      best = t.sharpe;
      bestTrial = t;
    }
    if (t.deflated_sharpe !== null && t.deflated_sharpe > bestDsr) bestDsr = t.deflated_sharpe;
    return {
      trial: t.cycle_index,
      sharpe: t.sharpe,
      best: Number.isFinite(best) ? best : null,
      deflated_sharpe: t.deflated_sharpe,
      outcome: t.passed ? 'passed gates' : 'failed a gate',
      strategy: t.strategy_name ?? '',
    };
  });
  const pbo = d.pbo === null ? (d.pbo_note ? `PBO n/a (${d.pbo_note})` : 'PBO n/a') : `PBO ${num(d.pbo)}`;
  const title = `Research progress · ${d.program}`;
  const parts = [
    `${trials.length} trials`,
    `best OOS Sharpe ${bestTrial ? `${num(best)} (trial ${bestTrial.cycle_index})` : 'n/a'}`,
    `best deflated Sharpe ${Number.isFinite(bestDsr) ? num(bestDsr) : 'n/a'} over the trials so far (bar ${d.min_deflated_sharpe})`,
    pbo,
  ];
  const summary = parts.join('; ');
  const color = {
    field: 'outcome',
    type: 'nominal',
    title: null,
    scale: { domain: Object.keys(OUTCOME), range: Object.values(OUTCOME) },
  } as const;
  const x = trialAxis(trials[0]?.cycle_index ?? 0, trials[trials.length - 1]?.cycle_index ?? 1);
  const spec = {
    title: { text: title, subtitle: wrap(parts) },
    data: { values: rows },
    vconcat: [
      bestSoFarPanel(
        x,
        { color: PALETTE.blue, y: { field: 'best', type: 'quantitative', title: 'OOS Sharpe' } },
        { field: 'sharpe', encoding: { y: { field: 'sharpe', type: 'quantitative' }, color } },
      ),
      {
        width: WIDTH,
        height: HEIGHT * 0.6,
        layer: [
          {
            transform: [{ filter: 'datum.deflated_sharpe != null' }],
            mark: { type: 'point', filled: true, size: 40, opacity: 1 },
            encoding: {
              x,
              y: { field: 'deflated_sharpe', type: 'quantitative', title: 'Deflated Sharpe', scale: { domain: [0, 1] } },
              color,
            },
          },
          {
            data: { values: [{ bar: d.min_deflated_sharpe }] },
            mark: { type: 'rule', strokeDash: [4, 3], color: PALETTE.grey },
            encoding: { y: { field: 'bar', type: 'quantitative' } },
          },
        ],
      },
    ],
    config: CONFIG,
  } as TopLevelSpec;
  return { name: 'research', title, alt: `Research program ${d.program}: ${summary}.`, spec };
}
