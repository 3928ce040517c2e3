import { describe, expect, it } from 'vitest';
import { bracketOfTrial, createPruner, crc32, describePruner, type PrunerSpec } from '../../../src/tuning/pruners.js';
import type { Pruner, TrialRecord } from '../../../src/tuning/types.js';

function curveTrial(number: number, values: number[], state: TrialRecord['state'] = 'complete'): TrialRecord {
  return { number, state, params: {}, value: null, intermediate: values.map((value, i) => ({ step: i + 1, value })) };
}

/** Feeds `values` one epoch at a time, as the training loop does; returns the epoch it was pruned at, or null. */
function run(pruner: Pruner, trials: TrialRecord[], number: number, values: number[]): number | null {
  const t: TrialRecord & { intermediate: { step: number; value: number }[] } = {
    number,
    state: 'running',
    params: {},
    value: null,
    intermediate: [],
  };
  trials.push(t);
  for (let step = 1; step <= values.length; step++) {
    t.intermediate.push({ step, value: values[step - 1]! });
    if (pruner.shouldPrune(t, step, trials)) {
      trials[trials.length - 1] = { ...t, state: 'pruned' };
      return step;
    }
  }
  trials[trials.length - 1] = { ...t, state: 'complete', value: values.at(-1)! };
  return null;
}

const flat = (v: number, n = 20) => new Array<number>(n).fill(v);

describe('successive halving (ASHA, Optuna 3.1 semantics)', () => {
  const spec: PrunerSpec = { kind: 'successive_halving', min_resource: 1, reduction_factor: 4 };

  it('promotes a trial at a rung only if it is within the top 1/rf of the values recorded there so far', () => {
    const pruner = createPruner(spec);
    // Eight earlier trials recorded 0.1 .. 0.8 at rung 0 (epoch 1).
    const trials = Array.from({ length: 8 }, (_, i) => curveTrial(i, [0.1 * (i + 1)]));
    // With 9 values floor(9 / 4) = 2 are promoted: the two best are 0.1 and 0.2.
    expect(pruner.shouldPrune(curveTrial(8, [0.2]), 1, trials)).toBe(false);
    expect(pruner.shouldPrune(curveTrial(8, [0.25]), 1, trials)).toBe(true);
    expect(pruner.shouldPrune(curveTrial(8, [0.05]), 1, trials)).toBe(false);
  });

  it('decides only at rung epochs min_resource * rf^k (1, 4, 16)', () => {
    const pruner = createPruner(spec);
    const trials = [curveTrial(0, flat(0.1)), curveTrial(1, flat(0.2)), curveTrial(2, flat(0.3)), curveTrial(3, flat(0.4))];
    // A worse trial: pruned at the first rung (epoch 1), where 5 values promote floor(5/4) = 1.
    expect(run(pruner, [...trials], 4, flat(0.5))).toBe(1);
    // Good at epoch 1, worst by epoch 4: survives epochs 2-3 and is pruned at the rung of epoch 4.
    expect(run(pruner, [...trials], 4, [0.05, 0.5, 0.5, 0.5, 0.5])).toBe(4);
    // Best throughout: never pruned.
    expect(run(pruner, [...trials], 4, flat(0.01))).toBeNull();
  });

  it('promotes the first trials only while they are the best so far (fewer than rf values)', () => {
    const pruner = createPruner(spec);
    const trials: TrialRecord[] = [];
    expect(run(pruner, trials, 0, flat(0.5))).toBeNull();
    expect(run(pruner, trials, 1, flat(0.6))).toBe(1);
    expect(run(pruner, trials, 2, flat(0.4))).toBeNull();
  });

  it('prunes a NaN at a rung, and NaN values never enter a rung', () => {
    const pruner = createPruner(spec);
    const trials: TrialRecord[] = [curveTrial(0, flat(Number.NaN))];
    expect(pruner.shouldPrune(curveTrial(1, [Number.NaN]), 1, trials)).toBe(true);
    expect(pruner.shouldPrune(curveTrial(1, [9]), 1, trials)).toBe(false); // alone at the rung
  });

  it('derives min_resource from max_resource like Optuna\'s "auto" (max // 100, at least 1)', () => {
    expect(describePruner({ kind: 'successive_halving', max_resource: 300 }).brackets[0]!.rung_steps).toEqual([3, 12, 48, 192]);
    expect(describePruner({ kind: 'successive_halving', max_resource: 27 }).brackets[0]!.rung_steps).toEqual([1, 4, 16]);
    expect(() => createPruner({ kind: 'successive_halving' })).toThrow(/min_resource or max_resource/);
  });

  it('respects min_early_stopping_rate', () => {
    const d = describePruner({
      kind: 'successive_halving',
      min_resource: 2,
      reduction_factor: 3,
      min_early_stopping_rate: 1,
      max_resource: 60,
    });
    expect(d.brackets[0]!.rung_steps).toEqual([6, 18, 54]);
  });
});

describe('hyperband (Optuna 3.1 HyperbandPruner)', () => {
  const spec: PrunerSpec = { kind: 'hyperband', min_resource: 1, max_resource: 27, reduction_factor: 3, study_key: 'tuning-study' };

  it("has floor(log_rf(max / min)) + 1 brackets with Optuna's trial budgets", () => {
    const d = describePruner(spec);
    expect(d.brackets.map((b) => b.rung_steps)).toEqual([[1, 3, 9, 27], [3, 9, 27], [9, 27], [27]]);
    expect(d.brackets.map((b) => b.share * 49)).toEqual([27, 12, 6, 4].map((x) => expect.closeTo(x, 9)));
  });

  it('assigns trials to brackets as Optuna does: crc32("<study>_<number>") over the budgets', () => {
    expect(crc32('study_12')).toBe(400171124); // binascii.crc32(b"study_12")
    // HyperbandPruner(1, 27, 3)._get_bracket_id for study "tuning-study", trials 0..15.
    const optuna = [2, 1, 1, 0, 1, 0, 0, 0, 1, 0, 1, 0, 2, 0, 0, 1];
    expect(optuna.map((_, i) => bracketOfTrial(spec, i))).toEqual(optuna);
    expect(bracketOfTrial(spec, 7)).toBe(bracketOfTrial(spec, 7));
  });

  it('runs successive halving within a bracket only', () => {
    const pruner = createPruner(spec);
    // Trials 3 and 5 share bracket 0 (rungs 1, 3, 9, 27); trial 1 is in bracket 1 (rungs 3, 9, 27).
    const trials = [curveTrial(1, flat(0.01, 27)), curveTrial(3, flat(0.2, 27))];
    // Trial 5 at epoch 1: bracket 1's better trial does not compete; with 2 values it must be the best.
    expect(pruner.shouldPrune(curveTrial(5, [0.1]), 1, trials)).toBe(false);
    expect(pruner.shouldPrune(curveTrial(5, [0.3]), 1, trials)).toBe(true);
    // Bracket 1 decides first at epoch 3, not at 1.
    expect(pruner.shouldPrune(curveTrial(2, [5]), 1, trials)).toBe(false);
    expect(pruner.shouldPrune(curveTrial(2, [5, 5, 5]), 3, trials)).toBe(true);
  });
});

describe('createPruner', () => {
  it('none never prunes', () => {
    expect(createPruner({ kind: 'none' }).shouldPrune(curveTrial(0, [Number.NaN]), 1, [])).toBe(false);
  });

  it('rejects bad specs with the field that is wrong', () => {
    expect(() => createPruner({ kind: 'successive_halving', min_resource: 0 })).toThrow(/min_resource/);
    expect(() => createPruner({ kind: 'hyperband', max_resource: 27, reduction_factor: 1, study_key: 's' })).toThrow(/reduction_factor/);
    expect(() => createPruner({ kind: 'hyperband', min_resource: 9, max_resource: 3, study_key: 's' })).toThrow(
      /max_resource >= min_resource/,
    );
  });

  it('never prunes at a step the trial has not reported', () => {
    expect(createPruner({ kind: 'successive_halving', min_resource: 1 }).shouldPrune(curveTrial(0, []), 1, [])).toBe(false);
  });
});
