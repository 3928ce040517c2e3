import { describe, expect, it } from 'vitest';
import { createSampler } from '../../../src/tuning/samplers/index.js';
import type { ParamValue, SearchSpace, TrialRecord } from '../../../src/tuning/types.js';

const mixedSpace: SearchSpace = {
  params: [
    { name: 'lr', distribution: { kind: 'float', low: 1e-5, high: 1, log: true } },
    { name: 'dropout', distribution: { kind: 'float', low: 0, high: 0.5, log: false, step: 0.05 } },
    { name: 'layers', distribution: { kind: 'int', low: 1, high: 8, log: false } },
    { name: 'units', distribution: { kind: 'int', low: 16, high: 100, log: false, step: 16 } },
    { name: 'batch', distribution: { kind: 'int', low: 8, high: 1024, log: true } },
    { name: 'x', distribution: { kind: 'float', low: -2, high: 3, log: false } },
    { name: 'hidden', distribution: { kind: 'categorical', choices: [[32], [64, 32], null, 'auto'] } },
  ],
};

function objective(p: Record<string, ParamValue>): number {
  return (Math.log10(p['lr'] as number) + 3) ** 2 + ((p['x'] as number) - 1) ** 2 + (p['layers'] as number) / 8 + (p['dropout'] as number);
}

function history(space: SearchSpace, n: number, seed: number, f: (p: Record<string, ParamValue>) => number): TrialRecord[] {
  const s = createSampler('random', seed);
  const trials: TrialRecord[] = [];
  for (let i = 0; i < n; i++) {
    const params = s.sample(space, trials, i);
    trials.push({ number: i, state: 'complete', params, value: f(params), intermediate: [] });
  }
  return trials;
}

function expectInSpace(space: SearchSpace, p: Record<string, ParamValue>): void {
  for (const sp of space.params) {
    if (!(sp.name in p)) continue;
    const d = sp.distribution;
    const v = p[sp.name]!;
    if (d.kind === 'categorical') {
      expect(d.choices).toContainEqual(v);
      continue;
    }
    expect(typeof v).toBe('number');
    const x = v as number;
    expect(x).toBeGreaterThanOrEqual(d.low);
    expect(x).toBeLessThanOrEqual(d.high);
    if (d.kind === 'int') expect(Number.isInteger(x)).toBe(true);
    if (d.step !== undefined) {
      const k = (x - d.low) / d.step;
      expect(Math.abs(k - Math.round(k))).toBeLessThan(1e-9);
    }
  }
}

describe.each(['tpe', 'random'] as const)('%s sampler', (name) => {
  const past = history(mixedSpace, 25, 11, objective);

  it('is deterministic in (seed, trial number, history), whatever the order trials are passed in', () => {
    const a = createSampler(name, 42).sample(mixedSpace, past, 25);
    const b = createSampler(name, 42).sample(mixedSpace, [...past].reverse(), 25);
    expect(b).toEqual(a);
    expect(createSampler(name, 43).sample(mixedSpace, past, 25)).not.toEqual(a);
    expect(createSampler(name, 42).sample(mixedSpace, past, 26)).not.toEqual(a);
  });

  it('keeps values inside [low, high], on the step grid, ints integral', () => {
    const s = createSampler(name, 5);
    for (let i = 0; i < 150; i++) expectInSpace(mixedSpace, s.sample(mixedSpace, past, 25 + i));
    // 100 is not on the grid 16 + 16k: the largest value is 96 (Optuna lowers `high` the same way).
    let max = 0;
    for (let i = 0; i < 300; i++) max = Math.max(max, s.sample(mixedSpace, [], i)['units'] as number);
    expect(max).toBe(96);
  });

  it('returns the only possible value for low == high and single-choice categoricals', () => {
    const space: SearchSpace = {
      params: [
        { name: 'f', distribution: { kind: 'float', low: 0.3, high: 0.3, log: false } },
        { name: 'i', distribution: { kind: 'int', low: 4, high: 4, log: true } },
        { name: 'c', distribution: { kind: 'categorical', choices: ['only'] } },
      ],
    };
    const past1 = history(space, 15, 1, () => 1);
    expect(createSampler(name, 1).sample(space, past1, 15)).toEqual({ f: 0.3, i: 4, c: 'only' });
  });

  it('leaves out a conditional parameter whose parent did not enable it, and its children too', () => {
    const space: SearchSpace = {
      params: [
        { name: 'opt', distribution: { kind: 'categorical', choices: ['adam', 'sgd'] } },
        {
          name: 'momentum',
          distribution: { kind: 'float', low: 0, high: 0.99, log: false },
          condition: { parent: 'opt', values: ['sgd'] },
        },
        {
          name: 'nesterov',
          distribution: { kind: 'categorical', choices: [true, false] },
          condition: { parent: 'momentum', values: [0, 0.5] },
        },
        { name: 'damp', distribution: { kind: 'float', low: 0, high: 1, log: false }, condition: { parent: 'opt', values: ['sgd'] } },
      ],
    };
    const s = createSampler(name, 3);
    const f = (p: Record<string, ParamValue>) => (p['opt'] === 'sgd' ? (p['momentum'] as number) : 0.45);
    const trials: TrialRecord[] = [];
    const seen = new Set<string>();
    for (let i = 0; i < 50; i++) {
      const p = s.sample(space, trials, i);
      trials.push({ number: i, state: 'complete', params: p, value: f(p), intermediate: [] });
      seen.add(p['opt'] as string);
      if (p['opt'] === 'sgd') expect(Object.keys(p).sort()).toEqual(['damp', 'momentum', 'opt']);
      else expect(Object.keys(p)).toEqual(['opt']);
    }
    expect(seen.size).toBe(2);
  });

  it('rejects a space it cannot draw from', () => {
    const s = createSampler(name, 1);
    expect(() => s.sample({ params: [{ name: 'a', distribution: { kind: 'float', low: 0, high: 1, log: true } }] }, [], 0)).toThrow(
      /low > 0/,
    );
    expect(() =>
      s.sample(
        { params: [{ name: 'a', distribution: { kind: 'int', low: 0, high: 1, log: false }, condition: { parent: 'b', values: [1] } }] },
        [],
        0,
      ),
    ).toThrow(/parent "b"/);
  });
});

describe('random sampler', () => {
  it('draws log ranges uniformly in log space and int ranges with equal end-point odds', () => {
    const s = createSampler('random', 9);
    const n = 4000;
    let lowDecades = 0;
    const counts = new Array<number>(9).fill(0);
    for (let i = 0; i < n; i++) {
      const p = s.sample(mixedSpace, [], i);
      if ((p['lr'] as number) < 1e-3) lowDecades++;
      counts[p['layers'] as number]!++;
    }
    // 2 of 5 decades: 0.4, binomial sd sqrt(0.24 / 4000) = 0.008; 4 sd = 0.031.
    expect(Math.abs(lowDecades / n - 0.4)).toBeLessThan(0.031);
    // Each of 8 values 1/8 = 500 expected, sd sqrt(4000 * 0.125 * 0.875) = 21; 5 sd = 105.
    for (let v = 1; v <= 8; v++) expect(Math.abs(counts[v]! - 500)).toBeLessThan(105);
  });
});

describe('createSampler', () => {
  it('rejects an unknown name', () => {
    expect(() => createSampler('grid' as 'tpe', 1)).toThrow(/Unknown sampler/);
  });
});
