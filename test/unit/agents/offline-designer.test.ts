import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createOfflineDesigner, designOffline } from '../../../src/agents/providers/offline-designer.js';
import { OPENING_LENGTH } from '../../../src/agents/providers/offline-opening.js';
import { contentHash } from '../../../src/agents/providers/offline-render.js';
import { dataScale } from '../../../src/agents/providers/offline-scale.js';
import type { ExperimentSummary } from '../../../src/agents/types.js';
import { loadMarketData } from '../../../src/pipeline/data/index.js';
import type { Bars } from '../../../src/pipeline/data/types.js';
import { buildFeatures, buildLabels } from '../../../src/pipeline/features/index.js';
import { parseStrategy } from '../../../src/pipeline/strategy-source.js';
import { EMPTY_JOURNAL, SP500, SYNTHETIC, designRequest, experiment, fakeOutcome, summarise } from './offline-helpers.js';

/** A journal of these experiments as if the opening were over (the trial count past it). */
const afterOpening = (all: ExperimentSummary[]) => ({ ...summarise(all), total_trials: OPENING_LENGTH + all.length });

const example = (name: string) => readFileSync(new URL(`../../../strategies/${name}.yaml`, import.meta.url), 'utf8');

describe('offline designer', () => {
  it('same request and seed -> byte-identical YAML; another seed -> another strategy', () => {
    const a = designOffline(designRequest({ seed: 42 }));
    const b = designOffline(designRequest({ seed: 42 }));
    const c = designOffline(designRequest({ seed: 43 }));
    expect(a.strategy_yaml).toBe(b.strategy_yaml);
    expect(c.strategy_yaml).not.toBe(a.strategy_yaml);
    expect(a.usage).toEqual({ input_tokens: 0, output_tokens: 0, requests: 0 });
    expect(a.repair_rounds).toBe(0);
    expect(a.strategy.name).toBe('demo_1');
    expect(a.hypothesis).toMatch(/^opening design 1\/8 \(1-2 bar horizon, returns features, long_short\)/);
    // the YAML handed back is what parses to the strategy handed back
    expect(parseStrategy(a.strategy_yaml).strategy).toEqual(a.strategy);
  });

  it('after the opening, with nothing to refine: 300 seeds give valid, well-formed strategies within the epoch cap', () => {
    const types = new Set<string>();
    const labels = new Set<string>();
    const journal = { ...EMPTY_JOURNAL, total_trials: OPENING_LENGTH };
    for (let seed = 0; seed < 300; seed++) {
      const d = designOffline(designRequest({ seed, max_epochs: 12, program: 'My Program!', journal }));
      const s = parseStrategy(d.strategy_yaml).strategy;
      expect(s.name).toBe(`my_program_${OPENING_LENGTH + 1}`);
      expect(s.indicators.length).toBeGreaterThanOrEqual(1);
      expect(s.indicators.length).toBeLessThanOrEqual(3);
      expect(s.training.epochs).toBeLessThanOrEqual(12);
      expect(s.decisions.cost_bps).toBe(5);
      for (const ind of s.indicators) types.add(ind.type);
      labels.add(s.labels.type);
      if (s.labels.type === 'forward_return') {
        // 0.25..0.6 sigma of the horizon's return on this data (20% a year, ~252 bars a year), 0.2..0.45 for 1-2 bars
        const sigma = (0.2 / Math.sqrt(252)) * Math.sqrt(s.labels.horizon);
        expect(s.labels.up_threshold / sigma).toBeGreaterThan(0.19);
        if (s.labels.horizon <= 2) expect(s.labels.up_threshold / sigma).toBeLessThan(0.46);
        expect(s.labels.up_threshold / sigma).toBeLessThan(0.7);
        expect(s.labels.down_threshold).toBe(-s.labels.up_threshold);
      }
      for (const [key, sets] of Object.entries(s.fuzzy_sets)) {
        const ind = s.indicators.find((i) => i.id === key.split('.')[0])!;
        const points = Object.values(sets).flatMap((m) => m.params);
        if (ind.type === 'rsi' || ind.type === 'stochastic') {
          expect(Math.min(...points)).toBeGreaterThanOrEqual(0);
          expect(Math.max(...points)).toBeLessThanOrEqual(100);
        }
        if (key.endsWith('.percent_b')) expect(Math.max(...points)).toBeLessThanOrEqual(1);
      }
    }
    expect([...types].sort()).toEqual(
      ['atr', 'bollinger', 'ema', 'macd', 'obv', 'returns', 'roc', 'rsi', 'sma', 'stochastic', 'volatility'].sort(),
    );
    expect([...labels].sort()).toEqual(['forward_return', 'triple_barrier']);
  });

  it('a 50-cycle loop fed back through a synthetic journal never proposes the same strategy twice', () => {
    const all: ExperimentSummary[] = [];
    const kinds = { opening: 0, exploration: 0, mutation: 0, recombination: 0 };
    const hashes = new Set<string>();
    const contents = new Set<string>();
    for (let cycle = 0; cycle < 50; cycle++) {
      const d = designOffline(designRequest({ seed: 1000 + cycle, cycle_index: cycle, journal: summarise(all) }));
      const r = parseStrategy(d.strategy_yaml);
      expect(hashes.has(r.hash)).toBe(false);
      expect(contents.has(contentHash(r.strategy))).toBe(false);
      hashes.add(r.hash);
      contents.add(contentHash(r.strategy));
      expect(r.strategy.name).toBe(`demo_${cycle + 1}`);
      const kind = d.hypothesis.split(/[ :]/)[0] as keyof typeof kinds;
      kinds[kind]++;
      all.push(experiment(d.strategy_yaml, { cycle_id: `c${cycle}`, hypothesis: d.hypothesis, ...fakeOutcome(d.strategy_yaml) }));
    }
    // the opening first, then mostly exploitation, some exploration
    expect(kinds.opening).toBe(OPENING_LENGTH);
    expect(kinds.mutation + kinds.recombination).toBeGreaterThan(25);
    expect(kinds.exploration).toBeGreaterThan(1);
    expect(kinds.recombination).toBeGreaterThan(0);
  });

  it('mutates the best strategy and says what changed and why', () => {
    const parent = experiment(example('rsi_mean_reversion'), { verdict: 'weak_signal' });
    const journal = afterOpening([parent]);
    let mutations = 0;
    for (let seed = 0; seed < 40; seed++) {
      const d = designOffline(designRequest({ seed, journal }));
      if (!d.hypothesis.startsWith('mutation of rsi_mean_reversion')) continue;
      mutations++;
      expect(d.hypothesis).toMatch(
        /^mutation of rsi_mean_reversion \(weak_signal; test accuracy 45\.0% vs baseline 40\.0%; OOS Sharpe 0\.60\): .+ because .+/,
      );
      expect(contentHash(d.strategy)).not.toBe(contentHash(parseStrategy(parent.strategy_yaml).strategy));
      // the parent's init seed is kept so only the named change differs
      expect(d.strategy.training.seed).toBe(42);
    }
    expect(mutations).toBeGreaterThan(20);
  });

  it('an overfit parent gets less capacity, citing its figures', () => {
    const parent = experiment(example('rsi_mean_reversion'), {
      verdict: 'overfit',
      metrics: { test_accuracy: 0.41, baseline_accuracy: 0.4, validation_accuracy: 0.58, sharpe: 0.1 },
    });
    const journal = afterOpening([parent]);
    let directed = 0;
    for (let seed = 0; seed < 40; seed++) {
      const d = designOffline(designRequest({ seed, journal }));
      if (!d.hypothesis.includes('looked overfit')) continue;
      directed++;
      expect(d.hypothesis).toContain('(validation 58.0% vs test 41.0%)');
      const s = d.strategy;
      const shrunk = s.model.hidden_layers.reduce((a, b) => a + b, 0) < 48 || s.model.dropout > 0.2 || s.indicators.length < 2;
      expect(shrunk).toBe(true);
    }
    expect(directed).toBeGreaterThan(10);
  });

  it('keeps away from label thresholds that made "flat" dominate', () => {
    const scale = dataScale(SP500);
    const wide = example('rsi_mean_reversion')
      .replace('up_threshold: 0.01', 'up_threshold: 0.03')
      .replace('down_threshold: -0.01', 'down_threshold: -0.03');
    const bad = experiment(wide, {
      verdict: 'no_signal',
      outcome: 'gate_rejected_training',
      metrics: { test_accuracy: 0.7, baseline_accuracy: 0.72, validation_accuracy: 0.7, sharpe: null },
      rejection_reasons: ['no_edge_over_majority_baseline (-2.0 pts < 2.0 pts)'],
    });
    const badSigmas = 0.03 / (scale.sigmaBar * Math.sqrt(5));
    expect(badSigmas).toBeGreaterThan(0.43);
    // in the opening and after it
    for (const [seed, journal] of Array.from({ length: 100 }, (_, i) => [i, i % 2 ? summarise([bad]) : afterOpening([bad])] as const)) {
      const s = designOffline(designRequest({ seed, journal })).strategy;
      if (s.labels.type !== 'forward_return') continue;
      expect(s.labels.up_threshold / (scale.sigmaBar * Math.sqrt(s.labels.horizon))).toBeLessThan(badSigmas * 0.9);
    }
  });

  it('does not retrain a renamed copy: the content of journal strategies counts, and an exhausted search says so', () => {
    const first = designOffline(designRequest({ seed: 5 }));
    // a failed experiment is no parent, so the same seed draws the same candidate again
    const failed = experiment(first.strategy_yaml.replace('name: demo_1', 'name: other_name'), { outcome: 'failed', verdict: null });
    const journal = { ...summarise([failed]), total_trials: 0 };
    expect(() => designOffline(designRequest({ seed: 5, journal }), undefined, { maxAttempts: 1 })).toThrow(
      expect.objectContaining({ code: 'SEARCH_EXHAUSTED' }),
    );
    const next = designOffline(designRequest({ seed: 5, journal }));
    expect(contentHash(next.strategy)).not.toBe(contentHash(first.strategy));
  });

  it('a registry hash in tried_hashes is never proposed again', () => {
    const first = designOffline(designRequest({ seed: 9 }));
    const hash = parseStrategy(first.strategy_yaml).hash;
    const again = designOffline(designRequest({ seed: 9, journal: { ...EMPTY_JOURNAL, tried_hashes: [hash] } }));
    expect(parseStrategy(again.strategy_yaml).hash).not.toBe(hash);
  });

  it('a cancelled signal stops the design', async () => {
    const ac = new AbortController();
    ac.abort();
    await expect(createOfflineDesigner().design(designRequest(), { signal: ac.signal })).rejects.toMatchObject({ code: 'CANCELLED' });
  });
});

describe('offline designs are trainable', () => {
  const data: Record<string, Bars> = {};
  beforeAll(async () => {
    data['sp500'] = (await loadMarketData('sample:sp500')).series[0]!;
    data['synthetic'] = (await loadMarketData(SYNTHETIC.spec)).series[0]!;
  });

  for (const [name, summary] of [
    ['sp500', SP500],
    ['synthetic', SYNTHETIC],
  ] as const) {
    it(`features build without empty columns and every class is labelled on ${name}`, () => {
      const bars = data[name]!;
      const all: ExperimentSummary[] = [];
      for (let cycle = 0; cycle < 12; cycle++) {
        const d = designOffline(designRequest({ data: summary, seed: 77 + cycle, journal: summarise(all) }));
        const f = buildFeatures(d.strategy, bars);
        for (let c = 0; c < f.columns.length; c++) {
          const finite = f.columns[c]!.filter(Number.isFinite);
          expect(finite.length, `${d.strategy.name} ${f.names[c]}`).toBeGreaterThan(bars.close.length / 2);
        }
        expect(f.warmup).toBeLessThan(bars.close.length / 2);
        const labels = buildLabels(d.strategy.labels, bars);
        const counts = [0, 1, 2].map((k) => labels.filter((l) => l === k).length);
        // each class holds a real share of the bars (no class vanishes under the data-scaled thresholds)
        for (const n of counts)
          expect(n, `${d.strategy.name} ${JSON.stringify(d.strategy.labels)} ${counts}`).toBeGreaterThan(bars.close.length * 0.05);
        all.push(experiment(d.strategy_yaml, fakeOutcome(d.strategy_yaml)));
      }
    });
  }
});
