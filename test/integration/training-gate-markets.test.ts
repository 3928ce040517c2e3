import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createRng } from '../../src/pipeline/random.js';
import { tempServices } from '../helpers/services.js';

// The calibrated training gate end to end (worker, pipeline, registration, stored gate) on markets
// written here as CSV files, none of them one of trainyard's synthetic families: daily bars whose
// returns are GARCH(1,1) with Student-t(5) shocks, with or without an AR(1) term.
function writeMarket(dir: string, name: string, seed: number, ar: number, bars: number): string {
  const rng = createRng(seed);
  const lines = ['date,open,high,low,close,volume'];
  let close = 100;
  let v = 1e-4;
  let prev = 0;
  let t = Date.UTC(1990, 0, 1);
  for (let i = 0; i < bars; i++) {
    let chi = 0;
    for (let k = 0; k < 5; k++) chi += rng.normal() ** 2;
    const shock = (rng.normal() / Math.sqrt(chi / 5)) * Math.sqrt(3 / 5);
    v = 2e-6 + 0.08 * prev * prev + 0.9 * v;
    const r = ar * prev + Math.sqrt(v) * shock;
    prev = r;
    const open = close * Math.exp(0.05 * Math.sqrt(v) * rng.normal());
    const next = close * Math.exp(r);
    const high = Math.max(open, next) * (1 + 0.003 * Math.abs(rng.normal()));
    const low = Math.min(open, next) * (1 - 0.003 * Math.abs(rng.normal()));
    while ([0, 6].includes(new Date(t).getUTCDay())) t += 86_400_000;
    lines.push(`${new Date(t).toISOString().slice(0, 10)},${open},${high},${low},${next},${Math.round(1e6 * (1 + rng.next()))}`);
    close = next;
    t += 86_400_000;
  }
  const file = path.join(dir, `${name}.csv`);
  fs.writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

// The one-indicator strategy: the 1-bar return as the only feature, 1-bar label horizon
// (thresholds near a third of the daily move each way), long-short.
const ONE_BAR = `name: one_bar_reversal
indicators: [{ id: r1, type: returns, params: { period: 1 } }]
features: { fuzzy: false, raw: [r1] }
labels: { type: forward_return, horizon: 1, up_threshold: 0.004, down_threshold: -0.004 }
model: { hidden_layers: [16] }
training: { epochs: 25, learning_rate: 0.003, seed: 7 }
decisions: { mode: long_short }
`;
// A bigger model on several slow features and a 10-bar horizon: more room to fit noise.
const SLOW = `name: slow_oscillators
indicators:
  - { id: rsi_14, type: rsi }
  - { id: roc_20, type: roc, params: { period: 20 } }
  - { id: vol_20, type: volatility }
features: { fuzzy: false, raw: [rsi_14, roc_20, vol_20], lagged_returns: [1, 5, 10] }
labels: { type: forward_return, horizon: 10, up_threshold: 0.02, down_threshold: -0.02 }
model: { hidden_layers: [64, 32] }
training: { epochs: 25, seed: 3 }
`;

describe('the calibrated training gate on markets trainyard did not generate', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trainyard-markets-'));
  const { services } = tempServices();
  afterAll(() => services.close());

  const gate = async (strategy: string, file: string) => {
    const r = await services.training.train({ strategy, data: `csv:${file}` }, { actor: 'test' });
    const stored = services.registry.evaluations.latestGates(r.model_id).find((g) => g.result.gate === 'training')!;
    return { r, gate: stored.result };
  };

  it('passes a real edge: the 1-bar return on a mean-reverting market, seeds 1 and 2', async () => {
    for (const seed of [1, 2]) {
      const { r, gate: g } = await gate(ONE_BAR, writeMarket(dir, `ar_${seed}`, seed, -0.25, 5000));
      expect(g.passed, g.checks.map((c) => c.reason).join('; ')).toBe(true);
      const shown = g.checks.find((c) => /_ok \(/.test(c.reason))!;
      expect(shown.p_value!).toBeLessThanOrEqual(0.01);
      expect(shown.n_eff!).toBeGreaterThan(100);
      // The out-of-sample backtest agrees: the edge trades.
      expect((r.backtest as { strategy: { sharpe: number } }).strategy.sharpe).toBeGreaterThan(1);
    }
  }, 180_000);

  it('fails models on noise: GARCH with fat tails and no direction, two strategies, three seeds', async () => {
    for (const seed of [11, 12, 13]) {
      const file = writeMarket(dir, `garch_${seed}`, seed, 0, 5000);
      for (const strategy of [ONE_BAR, SLOW]) {
        const { gate: g } = await gate(strategy, file);
        expect(g.passed, `${strategy.split('\n')[0]} seed ${seed}: ${g.checks.map((c) => c.reason).join('; ')}`).toBe(false);
      }
    }
  }, 240_000);
});
