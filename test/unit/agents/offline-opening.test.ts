import { describe, expect, it } from 'vitest';
import { bandOf, cellKey, cellsOf, coverage, FAMILIES, horizonOf, MODES } from '../../../src/agents/coverage.js';
import { designOffline } from '../../../src/agents/providers/offline-designer.js';
import { OPENING_LENGTH, openingPlan } from '../../../src/agents/providers/offline-opening.js';
import { contentHash } from '../../../src/agents/providers/offline-render.js';
import type { DataSummary, ExperimentSummary } from '../../../src/agents/types.js';
import type { Strategy } from '../../../src/domain/strategy.js';
import { parseStrategy } from '../../../src/pipeline/strategy-source.js';
import { SP500, SYNTHETIC, designRequest, experiment, fakeOutcome, summarise } from './offline-helpers.js';

/** The first `n` designs of a program, each fed back through the journal with made-up figures. */
function firstDesigns(program: string, seed: number, n = OPENING_LENGTH, data: DataSummary = SP500): { yaml: string; s: Strategy }[] {
  const all: ExperimentSummary[] = [];
  const out: { yaml: string; s: Strategy }[] = [];
  for (let cycle = 0; cycle < n; cycle++) {
    const d = designOffline(designRequest({ program, data, seed: seed * 7919 + cycle, cycle_index: cycle + 1, journal: summarise(all) }));
    // every design validates with the strategy schema and is what the designer handed back
    const parsed = parseStrategy(d.strategy_yaml).strategy;
    expect(parsed).toEqual(d.strategy);
    out.push({ yaml: d.strategy_yaml, s: parsed });
    all.push(experiment(d.strategy_yaml, fakeOutcome(d.strategy_yaml)));
  }
  return out;
}

const usesOneBarReturn = (s: Strategy) =>
  s.features.lagged_returns.includes(1) ||
  s.indicators.some((i) => i.type === 'returns' && (i.params as { period: number }).period === 1 && s.features.raw.includes(i.id));
const VOLATILITY_OUTPUTS = /^(volatility_\d+|atr_\d+|bb_\d+\.width)$/;
const usesVolatility = (s: Strategy) =>
  [...s.features.raw, ...Object.keys(s.fuzzy_sets)].some((k) => VOLATILITY_OUTPUTS.test(k)) &&
  s.indicators.some((i) => ['volatility', 'atr', 'bollinger'].includes(i.type));

const PROGRAMS = ['demo', 'momentum_on_synthetic_ba', 'Mean reversion, daily!', 'p'];
const SEEDS = [1, 3, 42];

describe('offline designer opening', () => {
  it('the first 8 designs of every program cover short/medium/long horizons, both modes, volatility and the 1-bar return in long_short', () => {
    for (const program of PROGRAMS) {
      for (const seed of SEEDS) {
        const designs = firstDesigns(program, seed).map((d) => d.s);
        const where = `${program} seed ${seed}`;
        // the most basic hypothesis comes first: the 1-bar return alone, 1-bar horizon, long-short
        const basic = designs.findIndex(
          (s) => horizonOf(s) === 1 && s.decisions.mode === 'long_short' && usesOneBarReturn(s) && s.indicators.length === 1,
        );
        expect(basic, where).toBeGreaterThanOrEqual(0);
        expect(basic, where).toBeLessThan(4);
        expect(designs[0]!.features.raw, where).toEqual(['returns_1']);
        expect(designs[0]!.model.hidden_layers.length, where).toBe(1);
        expect(
          designs.some((s) => horizonOf(s) <= 2 && usesOneBarReturn(s) && s.decisions.mode === 'long_short'),
          where,
        ).toBe(true);
        expect(designs.some(usesVolatility), where).toBe(true);
        // a volatility input next to a short return: what a regime-dependent direction needs
        expect(
          designs.some((s) => usesVolatility(s) && usesOneBarReturn(s) && horizonOf(s) <= 2),
          where,
        ).toBe(true);
        expect(new Set(designs.map((s) => s.decisions.mode)), where).toEqual(new Set(MODES));
        expect(new Set(designs.map((s) => bandOf(horizonOf(s)))), where).toEqual(new Set(['short', 'medium', 'long']));
        // every family in both modes, each with one indicator and a small network
        const cells = new Set(designs.flatMap(cellsOf).map((c) => `${c.family}/${c.mode}`));
        for (const f of FAMILIES) for (const m of MODES) expect(cells.has(`${f}/${m}`), `${where} ${f}/${m}`).toBe(true);
        for (const s of designs) {
          expect(s.indicators.length).toBe(1);
          expect(Math.max(...s.model.hidden_layers)).toBeLessThanOrEqual(16);
        }
        // no content repeats
        expect(new Set(designs.map(contentHash)).size).toBe(designs.length);
      }
    }
  });

  it('is deterministic: the same program and seeds give byte-identical designs; another seed changes the details, not the plan', () => {
    const a = firstDesigns('demo', 5).map((d) => d.yaml);
    const b = firstDesigns('demo', 5).map((d) => d.yaml);
    expect(a).toEqual(b);
    const c = firstDesigns('demo', 6).map((d) => d.s);
    expect(c.map((s) => s.decisions.mode)).toEqual(a.map((y) => parseStrategy(y).strategy.decisions.mode));
    expect(c.map((d) => d.training.seed)).not.toEqual(a.map((y) => parseStrategy(y).strategy.training.seed));
  });

  it('the plan: the basic cell first, then two blocks of four, each with every family once and both modes twice', () => {
    for (const program of PROGRAMS) {
      const plan = openingPlan(program);
      expect(plan).toHaveLength(OPENING_LENGTH);
      expect(cellKey(plan[0]!)).toBe('short/returns/long_short');
      for (const block of [plan.slice(0, 4), plan.slice(4, 8)]) {
        expect(new Set(block.map((c) => c.family))).toEqual(new Set(FAMILIES));
        expect(block.filter((c) => c.mode === 'long_short')).toHaveLength(2);
        expect(new Set(block.map((c) => c.band)).size).toBeGreaterThanOrEqual(2);
      }
      expect(new Set(plan.map((c) => `${c.family}/${c.mode}`)).size).toBe(8);
    }
    // the program name seeds the order inside the blocks
    const orders = new Set(PROGRAMS.map((p) => openingPlan(p).map(cellKey).join(' ')));
    expect(orders.size).toBeGreaterThan(1);
  });

  it('short horizons get thresholds that leave every class common on real and synthetic bars', () => {
    for (const data of [SP500, SYNTHETIC]) {
      for (const seed of SEEDS) {
        for (const { s } of firstDesigns('demo', seed, OPENING_LENGTH, data)) {
          if (s.labels.type !== 'forward_return') continue;
          const vol = data.annual_volatility / Math.sqrt(252);
          const sigmas = s.labels.up_threshold / (vol * Math.sqrt(s.labels.horizon));
          if (s.labels.horizon <= 2) {
            expect(sigmas).toBeGreaterThan(0.19);
            expect(sigmas).toBeLessThan(0.46);
          } else {
            expect(sigmas).toBeGreaterThan(0.24);
            expect(sigmas).toBeLessThan(0.61);
          }
        }
      }
    }
  });

  it('after the opening, the search mutates and recombines, and its explorations reach cells the journal has not covered', () => {
    const designs = firstDesigns('demo', 11, 24).map((d) => d.s);
    const opened = coverage(designs.slice(0, OPENING_LENGTH));
    const later = coverage(designs);
    expect(later.covered.length).toBeGreaterThan(opened.covered.length);
  });
});
