import { describe, expect, it } from 'vitest';
import { createRng } from '../../../src/pipeline/random.js';
import { createSampler } from '../../../src/tuning/samplers/index.js';
import { buildParzenEstimator, defaultWeights, parzenLogPdf, sampleParzen } from '../../../src/tuning/samplers/parzen-estimator.js';
import { splitTrials } from '../../../src/tuning/samplers/tpe.js';
import { logGaussMass, logNdtr, ppf } from '../../../src/tuning/samplers/truncnorm.js';
import type { Distribution, ParamValue, SearchSpace, TrialRecord } from '../../../src/tuning/types.js';

const parzenOptions = {
  considerPrior: true,
  priorWeight: 1,
  considerMagicClip: true,
  considerEndpoints: false,
  weights: defaultWeights,
  normalisedLogPdf: false,
};

function trial(
  number: number,
  state: TrialRecord['state'],
  value: number | null,
  intermediate: [number, number][] = [],
  params = {},
): TrialRecord {
  return { number, state, params, value, intermediate: intermediate.map(([step, v]) => ({ step, value: v })) };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return (s[(s.length - 1) >> 1]! + s[s.length >> 1]!) / 2;
}

describe('truncated normal (reference values from Optuna 3.1 _truncnorm.py)', () => {
  it('matches log_ndtr, _log_gauss_mass and ppf', () => {
    expect(logNdtr(-25)).toBeCloseTo(-316.6394080080202, 10);
    expect(logNdtr(7)).toBeCloseTo(-1.279812543885835e-12, 20);
    expect(logGaussMass(-1, 2)).toBeCloseTo(-0.20016629432446262, 12);
    expect(logGaussMass(5, 9)).toBeCloseTo(-15.064998393989118, 10);
    expect(ppf(0.1, -2, 3)).toBeCloseTo(-1.173288186869339, 12);
    expect(ppf(0.7, 2, 30)).toBeCloseTo(2.466342374655069, 12);
  });
});

describe('Parzen estimator (reference values from Optuna 3.1 _ParzenEstimator)', () => {
  it('builds the same components and densities', () => {
    const d: Distribution = { kind: 'float', low: -5, high: 10, log: false };
    const pe = buildParzenEstimator([1, 2.5, -4, 9.9, 3, 3], d, parzenOptions);
    if (pe.kind !== 'numeric') throw new Error('numeric expected');
    expect(Array.from(pe.sigmas)).toEqual([5, 1.875, 5, 6.9, 1.875, 6.9, 15]);
    expect(parzenLogPdf(pe, [0, 9], false)).toEqual([expect.closeTo(-0.8278513853109577, 12), expect.closeTo(-1.1167244018795364, 12)]);
  });

  it('gives stepped and int ranges the mass of their grid cell', () => {
    const pe = buildParzenEstimator([1, 2, 8, 5], { kind: 'int', low: 1, high: 8, log: false }, parzenOptions);
    const lp = parzenLogPdf(pe, [1, 2, 3, 4, 5, 6, 7, 8], false);
    let total = 0;
    for (const x of lp) total += Math.exp(x);
    expect(total).toBeCloseTo(1, 12);
  });

  it('smooths categorical counts with the prior', () => {
    const pe = buildParzenEstimator([0, 0, 2], { kind: 'categorical', choices: ['a', 'b', 'c'] }, parzenOptions);
    // Components: (1.25, 0.25, 0.25)/1.75 twice, (0.25, 0.25, 1.25)/1.75, uniform prior; weights 1/4 each.
    const expected = [(2 * 1.25 + 0.25) / 1.75 / 4 + 1 / 12, (3 * 0.25) / 1.75 / 4 + 1 / 12, (1.25 + 2 * 0.25) / 1.75 / 4 + 1 / 12];
    expect(parzenLogPdf(pe, [0, 1, 2], false).map(Math.exp)).toEqual(expected.map((e) => expect.closeTo(e, 12)));
    const draws = sampleParzen(pe, createRng(1), 3000);
    expect(Math.abs(draws.filter((c) => c === 0).length / 3000 - expected[0]!)).toBeLessThan(0.03);
  });

  it('ramps the weights of old observations beyond 25 (default_weights)', () => {
    const w = defaultWeights(27);
    expect(w.slice(0, 3)).toEqual([1 / 27, 1, 1]);
    expect(defaultWeights(28).slice(0, 3)).toEqual([1 / 28, expect.closeTo(1 / 28 + (1 - 1 / 28) / 2, 15), 1]);
  });
});

describe('TPE observation split (Optuna 3.1 _get_observation_pairs / _split_observation_pairs)', () => {
  it('ranks complete trials first, then pruned ones by last step and value; ignores running and failed ones', () => {
    const trials = [
      trial(0, 'pruned', null, [
        [1, 0.2],
        [2, 0.1],
      ]),
      trial(1, 'complete', 0.9),
      trial(2, 'failed', null),
      trial(3, 'pruned', null, [[1, 0.05]]),
      trial(4, 'running', null, [[1, 0.01]]),
      trial(5, 'pruned', null),
      trial(6, 'complete', 0.5),
      trial(7, 'pruned', null, [
        [1, 0.3],
        [2, Number.NaN],
      ]),
      trial(8, 'complete', null),
    ];
    // 6 finished: complete 6 (0.5), 1 (0.9); pruned at step 2: 0 (0.1), 7 (NaN last); step 1: 3; none: 5.
    const order = [6, 1, 0, 7, 3, 5];
    for (let k = 0; k <= 6; k++) {
      const s = splitTrials(trials, () => k);
      expect(s.n).toBe(6);
      expect(s.below.map((t) => t.number)).toEqual(order.slice(0, k).sort((a, b) => a - b));
      expect(s.above.map((t) => t.number)).toEqual(order.slice(k).sort((a, b) => a - b));
    }
  });

  it('counts every finished trial towards gamma(n), also those where a parameter was inactive', () => {
    const trials = Array.from({ length: 20 }, (_, i) => trial(i, 'complete', i, [], i % 2 ? { a: i } : {}));
    expect(splitTrials(trials).below.map((t) => t.number)).toEqual([0, 1]); // gamma(20) = 2
  });
});

describe('TPE sampler', () => {
  const space: SearchSpace = {
    params: [0, 1, 2].map((i) => ({ name: `x${i}`, distribution: { kind: 'float' as const, low: -5, high: 5, log: false } })),
  };
  const sphere = (p: Record<string, ParamValue>) =>
    ((p['x0'] as number) - 1) ** 2 + ((p['x1'] as number) + 2) ** 2 + ((p['x2'] as number) - 0.5) ** 2;

  function bestAfter(name: 'tpe' | 'random', seed: number, n: number): number {
    const s = createSampler(name, seed);
    const trials: TrialRecord[] = [];
    let best = Number.POSITIVE_INFINITY;
    for (let i = 0; i < n; i++) {
      const params = s.sample(space, trials, i);
      const v = sphere(params);
      best = Math.min(best, v);
      trials.push(trial(i, 'complete', v, [], params));
    }
    return best;
  }

  it('beats random search on a smooth objective (median best of 10 seeds, 40 trials)', () => {
    const seeds = Array.from({ length: 10 }, (_, i) => i);
    const tpe = median(seeds.map((s) => bestAfter('tpe', s, 40)));
    const random = median(seeds.map((s) => bestAfter('random', s, 40)));
    // Over four disjoint blocks of 10 seeds (0-9, 100-109, 200-209, 300-309) the ratio of medians was
    // 0.06-0.28; requiring < 0.5 leaves twice the worst block's margin while still failing a TPE
    // that has lost its model (a sampler no better than random sits at a ratio near 1).
    expect(tpe / random).toBeLessThan(0.5);
  });

  it('draws at random until 10 trials have finished, and treats failed trials as absent', () => {
    const failed = Array.from({ length: 12 }, (_, i) => trial(i, 'failed', null));
    const tpe = createSampler('tpe', 4);
    const random = createSampler('random', 4);
    expect(tpe.sample(space, failed, 12)).toEqual(random.sample(space, [], 12));
    expect(tpe.sample(space, [], 0)).toEqual(random.sample(space, [], 0));
  });

  it('fits a conditional parameter only to trials where it was active', () => {
    const cond: SearchSpace = {
      params: [
        { name: 'opt', distribution: { kind: 'categorical', choices: ['adam', 'sgd'] } },
        { name: 'momentum', distribution: { kind: 'float', low: 0, high: 1, log: false }, condition: { parent: 'opt', values: ['sgd'] } },
      ],
    };
    // sgd trials are the good ones, and among them momentum near 0.9 is best.
    const rng = createRng(8);
    const trials: TrialRecord[] = [];
    for (let i = 0; i < 40; i++) {
      const sgd = i % 2 === 0;
      const params: Record<string, ParamValue> = sgd ? { opt: 'sgd', momentum: rng.next() } : { opt: 'adam' };
      trials.push(trial(i, 'complete', sgd ? Math.abs((params['momentum'] as number) - 0.9) : 5, [], params));
    }
    const s = createSampler('tpe', 2);
    const momenta: number[] = [];
    let sgd = 0;
    for (let k = 0; k < 40; k++) {
      const p = s.sample(cond, trials, 40 + k);
      if (p['opt'] === 'sgd') {
        sgd++;
        momenta.push(p['momentum'] as number);
      }
    }
    expect(sgd).toBeGreaterThan(30);
    expect(Math.abs(median(momenta) - 0.9)).toBeLessThan(0.15);
  });
});
