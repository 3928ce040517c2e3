import type { TopLevelSpec } from 'vega-lite';
import { extremaIndices } from '../downsample.js';
import { num, pct, wrap } from '../format.js';
import { CONFIG, HEIGHT, PALETTE, WIDTH } from '../theme.js';
import type { ChartSpec } from '../types.js';
import { bestSoFarPanel, trialAxis } from './research.js';

export type TuningTrialState = 'running' | 'complete' | 'pruned' | 'failed';

export interface TuningData {
  run_id: string;
  study_id: string;
  strategy: string;
  /** What the trials minimise: val_loss, or val_sharpe (stored as minus the validation Sharpe; drawn as the Sharpe). */
  objective: string;
  /** Purged k-fold cross-validation: the steps are folds and the objective the out-of-fold loss; null: epochs. */
  cv_folds?: number | null | undefined;
  trials: readonly {
    number: number;
    state: TuningTrialState;
    /** The stored (minimised) objective; null until the trial ends. */
    value: number | null;
    /** The objective so far at each step (epoch or fold), as reported. */
    intermediate: readonly { step: number; value: number }[];
  }[];
}

const STATES = { complete: PALETTE.blue, pruned: PALETTE.orange, failed: PALETTE.vermillion, running: PALETTE.grey };
// Shapes too, so a state reads without its colour.
const SHAPES = ['circle', 'triangle-down', 'cross', 'square'];
// Trials in the history panel (the newest; the running best is over all of them); research's cap.
const MAX_TRIALS = 2000;
// Curves in the intermediate panel: beyond this they are a blur. The newest, and always the best.
const MAX_CURVES = 150;
// Points per curve: a long one keeps its extremes (its first and last step among them).
const MAX_CURVE_POINTS = 60;
// Characters per subtitle line: Vega sizes a title by an estimate (0.8 em a character), and a
// longer line would widen the chart past its panels.
const SUBTITLE_WIDTH = 70;

/**
 * A tuning study in the style of Optuna's optimization history and intermediate values: each
 * trial's objective by trial number (complete at its value; pruned, failed and running at their
 * last reported value) with the running best, and every trial's objective per epoch (or fold).
 * A val_sharpe study is drawn as the validation Sharpe (minus the stored value), best = highest.
 */
export function tuningChart(d: TuningData): ChartSpec {
  const sharpe = d.objective === 'val_sharpe';
  const sign = sharpe ? -1 : 1;
  const label = sharpe ? 'validation Sharpe' : 'validation loss';
  const digits = sharpe ? 2 : 4;
  const stepName = d.cv_folds ? 'Fold' : 'Epoch';
  const all = [...d.trials].sort((a, b) => a.number - b.number);
  const counts = { complete: 0, pruned: 0, failed: 0, running: 0 };
  // Running best over complete trials, in the stored (minimised) sense.
  let best: (typeof all)[number] | undefined;
  const bestAt: (number | null)[] = [];
  for (const t of all) {
    counts[t.state]++;
    if (t.state === 'complete' && t.value !== null && Number.isFinite(t.value) && (!best || t.value < best.value!)) best = t;
    bestAt.push(best ? sign * best.value! : null);
  }
  const lastReported = (t: (typeof all)[number]): number | null => {
    if (t.state === 'complete' && t.value !== null) return t.value;
    const last = t.intermediate[t.intermediate.length - 1]?.value;
    return typeof last === 'number' ? last : t.value;
  };
  const from = Math.max(0, all.length - MAX_TRIALS);
  const shown = all.slice(from);
  const rows = shown.map((t, i) => {
    const v = lastReported(t);
    return {
      trial: t.number,
      state: t.state,
      objective: v !== null && Number.isFinite(v) ? sign * v : null,
      best: bestAt[from + i]!,
    };
  });
  const hidden = rows.filter((r) => r.objective === null).length;

  // Intermediate values: the newest trials' curves, plus the best trial's drawn on top.
  const curved = all.filter((t) => t.intermediate.length > 0 && t !== best).slice(-(MAX_CURVES - 1));
  type Point = { trial: number; state: string; step: number; value: number };
  const points = (t: (typeof all)[number], state: string, out: Point[]) => {
    const values = t.intermediate.map((p) => p.value);
    for (const i of extremaIndices([values], values.length, MAX_CURVE_POINTS)) {
      const p = t.intermediate[i]!;
      if (Number.isFinite(p.value)) out.push({ trial: t.number, state, step: p.step, value: sign * p.value });
    }
  };
  const curves: Point[] = [];
  for (const t of curved) points(t, t.state, curves);
  const bestCurve: Point[] = [];
  if (best) points(best, 'complete', bestCurve);
  const prunedEnds = curves.filter((c, i) => c.state === 'pruned' && curves[i + 1]?.trial !== c.trial);

  const title = `Tuning study · ${d.strategy}`;
  const ended = counts.complete + counts.pruned + counts.failed;
  const undrawn = (n: number, what: string) => (n ? [`${n} ${n === 1 ? 'trial' : 'trials'} ${what}`] : []);
  const parts = [
    `${all.length} ${all.length === 1 ? 'trial' : 'trials'}: ${counts.complete} complete, ${counts.pruned} pruned (${ended ? pct(counts.pruned / ended, 0) : 'n/a'} of ended), ${counts.failed} failed${counts.running ? `, ${counts.running} running` : ''}`,
    `best ${label} ${best ? `${num(sign * best.value!, digits)} (trial ${best.number})` : 'n/a'}`,
    `run ${d.run_id}${d.study_id !== d.run_id ? ` of study ${d.study_id}` : ''}`,
  ];
  const curvesLeft = all.filter((t) => t.intermediate.length).length - curved.length - (bestCurve.length ? 1 : 0);
  const notes = [
    `${label}: ${sharpe ? 'higher' : 'lower'} is better${d.cv_folds ? ` (out-of-fold, ${d.cv_folds} purged folds)` : ''}`,
    'pruned, failed, running: at their last reported value',
    `green: the best so far; the best trial per ${stepName.toLowerCase()}`,
    ...undrawn(hidden, 'without a value not drawn'),
    ...(all.length > MAX_TRIALS ? [`the newest ${MAX_TRIALS} trials drawn`] : []),
    ...undrawn(curvesLeft, 'older without a curve drawn'),
  ];
  const yTitle = sharpe ? 'Validation Sharpe' : d.cv_folds ? 'Out-of-fold loss' : 'Validation loss';
  const color = {
    field: 'state',
    type: 'nominal',
    title: null,
    scale: { domain: Object.keys(STATES), range: Object.values(STATES) },
  } as const;
  const shape = { field: 'state', type: 'nominal', title: null, scale: { domain: Object.keys(STATES), range: SHAPES } } as const;
  const x = trialAxis(shown[0]?.number ?? 0, shown[shown.length - 1]?.number ?? 1);
  const y = (field: string, title?: string) =>
    ({ field, type: 'quantitative', scale: { zero: false }, ...(title ? { title } : {}) }) as const;
  const step = { field: 'step', type: 'quantitative', title: stepName, axis: { tickMinStep: 1, format: 'd' } } as const;
  const spec = {
    title: { text: title, subtitle: [...wrap(parts, SUBTITLE_WIDTH), ...wrap(notes, SUBTITLE_WIDTH)] },
    data: { values: rows },
    vconcat: [
      bestSoFarPanel(
        x,
        { color: PALETTE.green, y: y('best', yTitle) },
        { field: 'objective', encoding: { y: y('objective'), color, shape } },
      ),
      {
        width: WIDTH,
        height: HEIGHT,
        data: { values: curves },
        layer: [
          {
            mark: { type: 'line', strokeWidth: 1, opacity: curved.length > 40 ? 0.35 : 0.7 },
            encoding: { x: step, y: y('value', `${yTitle} per ${stepName.toLowerCase()}`), detail: { field: 'trial' }, color },
          },
          {
            data: { values: prunedEnds },
            mark: { type: 'point', filled: true, size: 30, opacity: 1 },
            encoding: { x: step, y: y('value'), color, shape },
          },
          {
            data: { values: bestCurve },
            mark: { type: 'line', strokeWidth: 2.5, color: PALETTE.green, point: { color: PALETTE.green, size: 20 } },
            encoding: { x: step, y: y('value') },
          },
        ],
      },
    ],
    config: CONFIG,
  } as TopLevelSpec;
  return {
    name: 'tuning',
    title,
    alt: `Tuning study of ${d.strategy}, objective ${label}: ${parts.join('; ')}.`,
    spec,
  };
}
