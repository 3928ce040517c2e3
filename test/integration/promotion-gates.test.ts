import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { createLogger } from '../../src/config/logger.js';
import { createServices, type Services } from '../../src/services/index.js';
import { runCli } from '../helpers/cli.js';
import { MOMENTUM } from '../helpers/services.js';

const DATA = 'synthetic:seed=1,bars=1500,signal=0.3';
// The strategy tightens one threshold and tries to loosen another (ignored: config is tighten_only).
const STRATEGY = fs
  .readFileSync(MOMENTUM, 'utf8')
  .concat('\ngates:\n  backtest: { min_trades: 12 }\n  training: { min_edge_over_baseline: 0 }\n');

describe('stored gates, per-strategy thresholds, drift and human approval in promotion', () => {
  let services: Services;
  let home: string;
  const servicesWith = (extra: Record<string, unknown>) =>
    createServices(loadConfig({ argv: { home, log_level: 'silent', wasm_threads: 1, ...extra }, env: {} }), {
      logger: createLogger('silent'),
    });

  beforeAll(async () => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'trainyard-gates-'));
    services = servicesWith({ gates: { require_human_approval: true } });
    await services.training.train({ strategy: STRATEGY, data: DATA, overrides: { epochs: 3 } }, { actor: 'test' });
  }, 120_000);
  afterAll(() => services.close());

  it('stores the training and backtest gates at registration, with the strategy-tightened thresholds', () => {
    const stored = services.registry.evaluations.latestGates('momentum_test@1');
    expect(stored.map((g) => [g.result.gate, g.context, g.actor])).toEqual([
      ['backtest', 'registration', 'test'],
      ['training', 'registration', 'test'],
    ]);
    expect(stored[0]!.thresholds['min_trades']).toBe(12);
    expect(stored[1]!.thresholds['min_edge_over_baseline']).toBe(0.02);
    const op = services.registry.operations.list({ type: 'training', limit: 1 })[0]!;
    expect(op.result).toMatchObject({ model_id: 'momentum_test@1', training_gate_passed: stored[1]!.result.passed });
  });

  it('says which strategy overrides applied and which were ignored', async () => {
    const e = await services.gates.evaluate(services.registry.models.get('momentum_test@1'), 'training');
    expect(e.notes).toEqual([
      'backtest.min_trades 10 -> 12 (strategy)',
      'training.min_edge_over_baseline 0.02 -> 0 ignored: it loosens the gate and config gates.strategy_overrides is tighten_only',
    ]);
  });

  it('production needs a recorded approval; the promotion gate checks drift only on bars after the training data', async () => {
    const model = services.registry.models.get('momentum_test@1');
    const before = (await services.gates.evaluate(model, 'promotion')).result;
    expect(before.checks.find((c) => c.name === 'human_approval')).toMatchObject({ passed: false });
    // The model's own source has no bar after its training data (its last bars are its test segment): no evidence, no pass.
    const own = before.checks.find((c) => c.name === 'feature_drift')!;
    expect(own).toMatchObject({ passed: false, value: null });
    expect(own.reason).toMatch(
      /^no_recent_data \(no bars after \d{4}-\d\d-\d\d in synthetic:seed=1,bars=1500,signal=0.3; ingest recent bars or set drift.recent_data\)$/,
    );
    // Injected recent data (the research loop's lockbox): another stretch of the same market passes.
    const injected = await services.gates.evaluate(model, 'promotion', {
      recentData: { spec: 'synthetic:seed=2,bars=1500,signal=0.3', from: '2012-01-01' },
    });
    expect(injected.result.checks.find((c) => c.name === 'feature_drift')).toMatchObject({ passed: true, value: 0 });
    await expect(
      services.gates.promote({ model_id: model.model_id, to_stage: 'production', reason: 'ship it', skip_staging: true }, 'test'),
    ).rejects.toThrow(/human_approval_missing/);
    expect(services.registry.models.get(model.model_id).stage).toBe('candidate');
    // The refused promotion's gate is stored with the model all the same.
    expect(services.registry.evaluations.latestGates(model.model_id).find((g) => g.result.gate === 'promotion')).toMatchObject({
      context: 'promotion',
      result: { passed: false },
    });

    services.registry.evaluations.approve(model.model_id, 'cli:alice', 'reviewed the backtest');
    const after = (await services.gates.evaluate(model, 'promotion')).result;
    expect(after.checks.find((c) => c.name === 'human_approval')).toMatchObject({ passed: true });
    expect(after.checks.find((c) => c.name === 'human_approval')!.reason).toMatch(/approved by cli:alice/);
  });

  it('a changed market on the configured recent data fails the drift check; unreadable data fails it with a reason', async () => {
    const later = 'synthetic:seed=2,bars=1500,signal=0.3,start=2016-01-01';
    const same = servicesWith({ drift: { recent_data: later } });
    const changed = servicesWith({ drift: { recent_data: 'synthetic:seed=2,bars=3000,timeframe=1h,start=2016-01-01' } });
    const missing = servicesWith({ drift: { recent_data: 'csv:/nowhere/recent.csv' } });
    try {
      const model = changed.registry.models.get('momentum_test@1');
      // Later bars of the same market (the configured recent data starts after the training data): passes on at most 250 bars.
      const stable = (await same.gates.evaluate(model, 'promotion')).result.checks.find((c) => c.name === 'feature_drift')!;
      expect(stable).toMatchObject({ passed: true, value: 0 });
      expect(stable.reason).toMatch(
        /^feature_drift_ok \(0 of \d+ features drifted on 250 bars of synthetic:.*start=2016-01-01 after \d{4}-/,
      );
      const drifted = (await changed.gates.evaluate(model, 'promotion')).result.checks.find((c) => c.name === 'feature_drift')!;
      expect(drifted.passed).toBe(false);
      expect(drifted.reason).toMatch(
        /^features_drifted \(\d+ > 0 features drifted: .* on 250 bars of synthetic:seed=2,bars=3000,timeframe=1h,start=2016-01-01 after /,
      );
      const unchecked = (await missing.gates.evaluate(model, 'promotion')).result.checks.find((c) => c.name === 'feature_drift')!;
      expect(unchecked).toMatchObject({ passed: false, value: null });
      expect(unchecked.reason).toMatch(
        /^drift_unchecked \(drift on csv:\/nowhere\/recent.csv could not be computed: .*set drift.recent_data/,
      );
    } finally {
      await same.close();
      await changed.close();
      await missing.close();
    }
  });

  it('CLI: models approve records who approved, models show lists the stored gates, drift --json stores a report', async () => {
    await services.close();
    const env = { TRAINYARD_HOME: home, USER: 'bob' };
    const approve = await runCli(['models', 'approve', 'momentum_test@1', '--reason', 'second pair of eyes'], { env });
    expect(approve.code).toBe(0);
    expect(approve.stdout).toMatch(/momentum_test@1 approved for production by cli:bob/);
    const noReason = await runCli(['models', 'approve', 'momentum_test@1'], { env });
    expect(noReason.code).toBe(2);
    expect(noReason.stderr).toMatch(/needs --reason/);
    const show = await runCli(['models', 'show', 'momentum_test@1'], { env });
    expect(show.stdout).toMatch(/training gate +(passed|FAILED) \(registration/);
    expect(show.stdout).toMatch(/approved +by cli:bob/);
    const drift = await runCli(['drift', 'momentum_test@1', '--data', 'synthetic:seed=2,bars=1500,signal=0.3', '--json'], { env });
    expect(drift.code).toBe(0);
    const report = JSON.parse(drift.stdout) as { model_id: string; action_required: boolean; features: unknown[] };
    expect(report).toMatchObject({ model_id: 'momentum_test@1', action_required: false });
    const bad = await runCli(['drift', 'momentum_test@1', '--data', 'csv:/nowhere.csv'], { env });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/nowhere\.csv/);
    services = servicesWith({});
    expect(services.registry.evaluations.driftReports('momentum_test@1').map((d) => d.actor)).toEqual(['cli:bob']);
  }, 60_000);
});
