import { describe, expect, it } from 'vitest';
import { chartSpec, MAX_CHART_ROWS, renderChart, type TuningData } from '../../../src/charts/index.js';
import { tuningTrials } from '../../helpers/chart-data.js';

type Row = { trial: number; state: string; objective: number | null; best: number | null };
type Point = { trial: number; state: string; step: number; value: number };

function parts(d: TuningData) {
  const c = chartSpec('tuning', d);
  const spec = c.spec as unknown as {
    title: { subtitle: string[] };
    data: { values: Row[] };
    vconcat: [unknown, { data: { values: Point[] }; layer: { data?: { values: Point[] } }[] }];
  };
  return {
    chart: c,
    subtitle: spec.title.subtitle.join('\n'),
    rows: spec.data.values,
    curves: spec.vconcat[1].data.values,
    prunedEnds: spec.vconcat[1].layer[1]!.data!.values,
    bestCurve: spec.vconcat[1].layer[2]!.data!.values,
  };
}

const study = (trials: TuningData['trials'], objective = 'val_loss'): TuningData => ({
  run_id: 'op_r',
  study_id: 'op_r',
  strategy: 'momentum_test',
  objective,
  trials,
});

describe('tuning chart', () => {
  const trials = tuningTrials(12);

  it('draws each trial at its value (complete) or last reported value, and leaves out a failed one with none', () => {
    const { rows } = parts(study(trials));
    expect(rows.map((r) => r.trial)).toEqual([...Array(12).keys()]);
    expect(rows.map((r) => r.state)).toEqual(trials.map((t) => t.state));
    for (const t of trials) {
      const row = rows[t.number]!;
      if (t.state === 'complete') expect(row.objective).toBe(t.value);
      else if (t.intermediate.length) expect(row.objective).toBe(t.intermediate[t.intermediate.length - 1]!.value);
      else expect(row.objective).toBeNull();
    }
    expect(rows[5]).toMatchObject({ state: 'failed', objective: null });
  });

  it('the running best is the lowest value among complete trials so far, never a pruned or running one', () => {
    // A pruned trial reporting a low value does not count as the best.
    const withLowPruned = trials.map((t) =>
      t.number === 2 ? { ...t, intermediate: [{ step: 1, value: 0.5 }], value: 0.5 } : t,
    ) as TuningData['trials'];
    const { rows, chart } = parts(study(withLowPruned));
    let best = Number.POSITIVE_INFINITY;
    for (const t of trials) {
      if (t.state === 'complete') best = Math.min(best, t.value!);
      expect(rows[t.number]!.best).toBe(Number.isFinite(best) ? best : null);
    }
    const winner = trials.find((t) => t.state === 'complete' && t.value === best)!;
    expect(chart.alt).toContain(`best validation loss ${best.toFixed(4)} (trial ${winner.number})`);
    expect(chart.alt).toContain('12 trials: 7 complete, 3 pruned (27% of ended), 1 failed, 1 running');
  });

  it('draws intermediate values per epoch, marks where pruned trials stopped and the best trial apart', () => {
    const { curves, prunedEnds, bestCurve, rows } = parts(study(trials));
    const bestTrial = rows.reduce((a, r) => (r.state === 'complete' && r.objective! < a.objective! ? r : a), rows[0]!).trial;
    expect(curves.some((p) => p.trial === bestTrial)).toBe(false);
    expect(bestCurve.map((p) => p.step)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(bestCurve.every((p) => p.trial === bestTrial)).toBe(true);
    expect(prunedEnds.map((p) => [p.trial, p.step])).toEqual([
      [2, 2],
      [6, 2],
      [10, 2],
    ]);
    expect(curves.filter((p) => p.trial === 11).map((p) => p.state)).toEqual(['running', 'running', 'running']);
  });

  it('draws a val_sharpe study as the Sharpe: minus the stored value, best = highest', () => {
    const minus = trials.map((t) => ({
      ...t,
      value: t.value === null ? null : -t.value + 1,
      intermediate: t.intermediate.map((p) => ({ ...p, value: -p.value + 1 })),
    })) as TuningData['trials'];
    const { rows, curves, chart, subtitle } = parts(study(minus, 'val_sharpe'));
    for (const t of minus) if (t.state === 'complete') expect(rows[t.number]!.objective).toBeCloseTo(-t.value!, 12);
    const sharpes = minus.filter((t) => t.state === 'complete').map((t) => -t.value!);
    expect(rows[rows.length - 1]!.best).toBeCloseTo(Math.max(...sharpes), 12);
    expect(curves.find((p) => p.trial === 0 && p.step === 1)!.value).toBeCloseTo(-minus[0]!.intermediate[0]!.value, 12);
    expect(chart.alt).toContain(`best validation Sharpe ${Math.max(...sharpes).toFixed(2)}`);
    expect(subtitle).toContain('validation Sharpe: higher is better');
  });

  it('stays readable and within the row budget for a study of hundreds of trials', async () => {
    const many = tuningTrials(400, 100);
    const { rows, curves, bestCurve, subtitle } = parts(study(many));
    expect(rows).toHaveLength(400);
    expect(new Set(curves.map((p) => p.trial)).size).toBeLessThanOrEqual(149);
    expect(bestCurve.length).toBeLessThanOrEqual(60);
    expect(rows.length + curves.length + bestCurve.length).toBeLessThan(MAX_CHART_ROWS);
    expect(subtitle).toMatch(/older without a curve drawn/);
    const png = await renderChart('tuning', study(many), { format: 'svg' });
    expect(png.width).toBeLessThan(700);
  });
});
