import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { applyMutation, MUTATION_KINDS, recombine, type MutationKind } from '../../../src/agents/providers/offline-mutate.js';
import { createDraw } from '../../../src/agents/providers/offline-random.js';
import { renderStrategy } from '../../../src/agents/providers/offline-render.js';
import { dataScale } from '../../../src/agents/providers/offline-scale.js';
import { sampleStrategy } from '../../../src/agents/providers/offline-space.js';
import type { Strategy } from '../../../src/domain/strategy.js';
import { parseStrategy } from '../../../src/pipeline/strategy-source.js';
import { SP500 } from './offline-helpers.js';

const scale = dataScale(SP500);
const example = (name: string) =>
  parseStrategy(readFileSync(new URL(`../../../strategies/${name}.yaml`, import.meta.url), 'utf8')).strategy;
const bases: Strategy[] = [
  example('rsi_mean_reversion'),
  example('macd_trend'),
  example('multi_indicator_fuzzy'),
  ...[1, 2, 3, 4, 5].map((seed) => sampleStrategy(createDraw(seed), { scale, maxEpochs: 20, spec: 'sample:sp500' })),
];

/** The sections each operator may touch; everything else must come out identical. */
const ALLOWED: Record<MutationKind, (keyof Strategy)[]> = {
  indicator_period: ['indicators', 'fuzzy_sets', 'features'],
  add_indicator: ['indicators', 'fuzzy_sets', 'features'],
  remove_indicator: ['indicators', 'fuzzy_sets', 'features'],
  fuzzy_breakpoints: ['fuzzy_sets'],
  label_horizon: ['labels', 'training'],
  label_threshold: ['labels'],
  model_size: ['model'],
  dropout: ['model'],
  confidence_threshold: ['decisions'],
  lagged_returns: ['features'],
  raw_features: ['features'],
  training_budget: ['training'],
  trade_mode: ['decisions'],
};

function changedSections(a: Strategy, b: Strategy): string[] {
  return (Object.keys(a) as (keyof Strategy)[]).filter((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k]));
}

describe('offline mutations', () => {
  it('every operator changes only what it says, leaves a valid strategy, and changes something', () => {
    let applied = 0;
    for (const kind of MUTATION_KINDS) {
      for (const [i, base] of bases.entries()) {
        for (let seed = 0; seed < 6; seed++) {
          const s = structuredClone(base);
          const m = applyMutation(kind, s, createDraw(seed * 100 + i), scale);
          if (!m) {
            expect(s).toEqual(base); // an operator that does not apply leaves the strategy alone
            continue;
          }
          applied++;
          expect(m.kind).toBe(kind);
          expect(m.change.length).toBeGreaterThan(5);
          expect(m.reason.length).toBeGreaterThan(5);
          const changed = changedSections(base, s);
          expect(changed.length, `${kind} on ${base.name}: ${m.change}`).toBeGreaterThan(0);
          for (const section of changed) expect(ALLOWED[kind], `${kind} changed ${section}: ${m.change}`).toContain(section);
          expect(() => parseStrategy(renderStrategy(s))).not.toThrow();
        }
      }
    }
    expect(applied).toBeGreaterThan(MUTATION_KINDS.length * bases.length * 4);
  });

  it('indicator period: the named parameter moves as stated, the id and its references follow', () => {
    const base = example('rsi_mean_reversion');
    for (let seed = 0; seed < 20; seed++) {
      const s = structuredClone(base);
      const m = applyMutation('indicator_period', s, createDraw(seed), scale)!;
      const [, type, , from, to] = /^(\w+) (\w+) (\d+) -> (\d+)/.exec(m.change)!.map((x) => x) as [string, string, string, string, string];
      expect(type).toBe('RSI');
      const oldId = `rsi_${from}`;
      const newId = `rsi_${to}`;
      expect(s.indicators.map((i) => i.id)).toContain(newId);
      expect(s.indicators.map((i) => i.id)).not.toContain(oldId);
      expect((s.indicators.find((i) => i.id === newId)!.params as { period: number }).period).toBe(Number(to));
      expect(Object.keys(s.fuzzy_sets)).toContain(newId);
      if (oldId === 'rsi_14') expect(s.features.raw).toEqual([newId]);
      // RSI is bounded 0..100: its zones are not rescaled with the period
      expect(s.fuzzy_sets[newId]).toEqual(base.fuzzy_sets[oldId]);
    }
  });

  it('a ratio indicator keeps its fuzzy zones in proportion when its period changes', () => {
    const base = example('macd_trend');
    let seen = 0;
    for (let seed = 0; seed < 60 && seen < 3; seed++) {
      const s = structuredClone(base);
      const m = applyMutation('indicator_period', s, createDraw(seed), scale)!;
      if (!m.change.startsWith('SMA period 200')) continue;
      seen++;
      const k = Number(/x([\d.]+)/.exec(m.change)![1]);
      const to = Number(/-> (\d+)/.exec(m.change)![1]);
      expect(k).toBeCloseTo(Math.sqrt(to / 200), 2);
      expect(s.fuzzy_sets[`sma_${to}`]!['above']!.params[2]).toBeCloseTo(0.3 * Math.sqrt(to / 200), 3);
    }
    expect(seen).toBeGreaterThan(0);
  });

  it('label horizon keeps the threshold at the same share of the horizon move; threshold changes move both sides', () => {
    const base = example('rsi_mean_reversion'); // 5 bars, +-1%
    const s = structuredClone(base);
    const m = applyMutation('label_horizon', s, createDraw(1), scale, 'up')!;
    expect(s.labels).toMatchObject({ type: 'forward_return', horizon: 8 });
    if (s.labels.type !== 'forward_return') throw new Error('unreachable');
    expect(s.labels.up_threshold).toBeCloseTo(0.01 * Math.sqrt(8 / 5), 4);
    expect(s.labels.down_threshold).toBe(-s.labels.up_threshold);
    expect(m.change).toMatch(/^label horizon 5 -> 8 bars/);

    const t = structuredClone(base);
    const n = applyMutation('label_threshold', t, createDraw(2), scale, 'down')!;
    if (t.labels.type !== 'forward_return') throw new Error('unreachable');
    expect(t.labels.up_threshold).toBeLessThan(0.01);
    expect(t.labels.down_threshold).toBe(-t.labels.up_threshold);
    expect(n.change).toContain(`-> +${t.labels.up_threshold}/${t.labels.down_threshold}`);
  });

  it('directions are honoured: down shrinks the model, up raises dropout, down lowers the confidence bar', () => {
    for (let seed = 0; seed < 10; seed++) {
      const s = structuredClone(example('multi_indicator_fuzzy')); // [48, 24], dropout 0.2, confidence 0.4
      applyMutation('model_size', s, createDraw(seed), scale, 'down');
      expect(s.model.hidden_layers.reduce((a, b) => a + b, 0)).toBeLessThan(72);
      applyMutation('dropout', s, createDraw(seed), scale, 'up');
      expect(s.model.dropout).toBeCloseTo(0.3, 10);
      applyMutation('confidence_threshold', s, createDraw(seed), scale, 'down');
      expect(s.decisions.confidence_threshold).toBeCloseTo(0.35, 10);
    }
  });

  it('recombination takes inputs from one strategy and labels, model, training, decisions from the other', () => {
    const a = example('rsi_mean_reversion');
    const b = example('macd_trend');
    const c = recombine(a, b);
    expect(c.indicators).toEqual(a.indicators);
    expect(c.fuzzy_sets).toEqual(a.fuzzy_sets);
    expect(c.features).toEqual(a.features);
    expect(c.labels).toEqual(b.labels);
    expect(c.model).toEqual(b.model);
    expect(c.training).toEqual(b.training);
    expect(c.decisions).toEqual(b.decisions);
    expect(() => parseStrategy(renderStrategy(c))).not.toThrow();
    expect(a).toEqual(example('rsi_mean_reversion'));
  });
});
