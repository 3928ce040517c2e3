import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { createLogger } from '../../src/config/logger.js';
import type { Alert } from '../../src/monitoring/alerts.js';
import { createServices } from '../../src/services/index.js';

// The research-quality bench in miniature (same settings as `npm run bench -- research-quality`,
// seed 3): the offline loop must promote nothing on a random walk and find a strategy that passes
// every gate on a series with a planted momentum signal.
async function research(kind: 'random_walk' | 'planted', cycles: number) {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'trainyard-rq-'));
  const config = loadConfig({ argv: { home, log_level: 'silent', wasm_threads: 1, research: { max_epochs: 15 } } as never, env: {} });
  const services = createServices(config, { logger: createLogger('silent') });
  const alerts: Alert[] = [];
  services.alerts.on((a) => alerts.push(a));
  try {
    const data = `synthetic:seed=103,bars=4000,signal=${kind === 'planted' ? 0.6 : 0}`;
    const op = await services.research.start({ goal: `quality ${kind}`, cycles, designer: 'offline', data, seed: 3 }, 'test');
    const done = await services.research.waitFor(op.id);
    const ran = services.registry.research.list({ run_id: op.id });
    const stored = new Map(
      ran
        .filter((c) => c.model_id)
        .map((c) => [c.model_id!, services.registry.evaluations.latestGates(c.model_id!).map((g) => g.result.gate)]),
    );
    return { done, cycles: ran, alerts, gates: (id: string) => stored.get(id) ?? [], home };
  } finally {
    await services.close();
  }
}

describe('research quality (offline loop, seeded)', () => {
  it('promotes nothing on a pure random walk', async () => {
    const { done, cycles } = await research('random_walk', 4);
    expect(done.status).toBe('completed');
    expect(cycles).toHaveLength(4);
    expect(cycles.filter((c) => c.stage === 'staging')).toEqual([]);
    expect(cycles.every((c) => c.verdict !== 'strong_signal')).toBe(true);
  }, 300_000);

  it('finds the planted signal: a model passes every gate, holds up on the lockbox, goes to staging, and clients are told', async () => {
    const { done, cycles, alerts, gates, home } = await research('planted', 8);
    const result = done.result as { lockbox: { from: string; train_to: string } | null; lockbox_looks: number; pbo: { trials: number } };
    // The lockbox: the last 20% of the bars, held out of every cycle and looked at once per finalist.
    expect(result.lockbox).not.toBeNull();
    expect(result.lockbox_looks).toBe(cycles.filter((c) => c.lockbox !== null).length);
    expect(result.pbo.trials).toBeGreaterThanOrEqual(4);
    const promoted = cycles.filter((c) => c.stage === 'staging');
    expect(promoted.length).toBeGreaterThan(0);
    for (const c of promoted) {
      expect(c.gates!.map((g) => [g.gate, g.passed])).toEqual([
        ['training', true],
        ['backtest', true],
        ['promotion', true],
      ]);
      expect(c.lockbox).toMatchObject({ passed: true, from: result.lockbox!.from });
      expect(c.lockbox!.sharpe).toBeGreaterThan(0);
      // The model card keeps the one look.
      expect(gates(c.model_id!)).toContain('lockbox');
      // Trained, validated and tested before the lockbox.
      const r = JSON.parse(fs.readFileSync(path.join(home, 'models', c.model_id!, 'result.json'), 'utf8')) as {
        data_summary: { date_range: { to: string } };
      };
      expect(r.data_summary.date_range.to <= result.lockbox!.from.slice(0, 10)).toBe(true);
    }
    expect(alerts.filter((a) => a.kind === 'promotion_ready').map((a) => a.model_id)).toEqual(
      expect.arrayContaining(promoted.map((c) => c.model_id)),
    );
  }, 300_000);
});
