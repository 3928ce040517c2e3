import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { LoggingMessageNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runCli, type CliIo } from '../../src/cli/main.js';
import { loadConfig } from '../../src/config/load.js';
import { createLogger } from '../../src/config/logger.js';
import type { Alert } from '../../src/monitoring/alerts.js';
import { createServices } from '../../src/services/index.js';
import { schedulerFor } from '../../src/services/scheduler.js';
import { connectClient, text } from '../helpers/mcp.js';
import { MOMENTUM } from '../helpers/services.js';

const DATA = 'synthetic:seed=1,bars=1500,signal=0.3';
const DAY = 86_400_000;

/** Lenient gates so the 3-epoch retrain is promotion-ready; the gate logic itself is tested elsewhere. */
const GATES = {
  training_preset: 'model_trainer_spec',
  training: { min_accuracy: 0, max_test_loss: 10, min_loss_decrease: 0, min_edge_over_baseline: 0 },
  backtest: { min_win_rate: 0, max_drawdown: 1, min_sharpe: -100, min_trades: 0 },
};

function cliIo(home: string) {
  let out = '';
  const io: CliIo = {
    stdout: new Writable({
      write(chunk: Buffer, _enc, cb) {
        out += chunk.toString();
        cb();
      },
    }),
    stderr: process.stderr,
    env: { TRAINYARD_HOME: home, TRAINYARD_LOG_LEVEL: 'silent', TRAINYARD_WASM_THREADS: '1' },
    cwd: process.cwd(),
  };
  return { io, out: () => out };
}

describe('retraining triggers end to end', () => {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'trainyard-triggers-'));
  const config = loadConfig({ argv: { home, log_level: 'silent', wasm_threads: 1, gates: GATES as never }, env: {} });
  const services = createServices(config, { logger: createLogger('silent') });
  let mcp: Awaited<ReturnType<typeof connectClient>>;
  const notes: Alert[] = [];

  beforeAll(async () => {
    const trained = await services.training.train({ strategy: MOMENTUM, data: DATA, overrides: { epochs: 3 } });
    services.registry.models.promote(
      { model_id: trained.model_id!, to_stage: 'production', reason: 'baseline for the scheduler', skip_staging: true, force: true },
      'test',
    );
    mcp = await connectClient(services);
    mcp.client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => {
      if (n.params.logger === 'trainyard') notes.push(n.params.data as Alert);
    });
  }, 60_000);
  afterAll(async () => {
    await mcp.close();
    await services.close();
  });

  it('a due schedule records a trigger, starts a training run, links its outcome and tells the client', async () => {
    const later = new Date(Date.now() + 8 * DAY); // a weekly slot has passed since the promotion
    // No drift trigger here: on its own test segment this seed's model is 39% accurate against 57% at
    // validation (early stopping picks the epoch on validation, so that accuracy is optimistic) and
    // the concept-drift test flags it; the next test covers the drift trigger.
    const scheduler = schedulerFor(services, { clock: () => later, triggers: { drift_psi: null } });
    const [d] = await scheduler.tick();
    expect(d).toMatchObject({ model_id: 'momentum_test@1', data: DATA, skipped: null });
    // Current data is the training data: no new bars, calm synthetic volatility.
    expect(d!.observations.new_bars).toBe(0);
    expect(d!.observations.max_psi).toBeNull();
    expect(d!.observations.volatility).toBeGreaterThan(0.05);
    expect(d!.observations.volatility).toBeLessThan(0.5);
    expect(d!.fired).toHaveLength(1);
    const fired = d!.fired[0]!;
    expect(fired).toMatchObject({ trigger_type: 'scheduled', status: 'training', reason: { metric: 'schedule', threshold: '0 2 * * 0' } });
    const op = services.registry.operations.get(fired.operation_id!);
    expect(op.params).toMatchObject({ actor: 'scheduler', trigger: fired.trigger_id, data: DATA, overrides: { epochs: 3 } });
    expect(op.params['strategy_source']).toBe(path.join(home, 'models', 'momentum_test@1', 'strategy.yaml'));

    const [linked] = await scheduler.settle();
    expect(linked).toMatchObject({
      trigger_id: fired.trigger_id,
      status: 'completed',
      outcome: { operation_status: 'completed', new_model_id: 'momentum_test@2', promoted: true, promoted_to: 'staging' },
    });
    expect(services.registry.models.get('momentum_test@2').stage).toBe('staging');
    expect(services.registry.models.get('momentum_test@1').stage).toBe('production');
    // The same slot does not fire again.
    expect((await scheduler.tick())[0]!.fired).toEqual([]);
    await scheduler.stop();

    await vi.waitFor(() => expect(notes.map((n) => n.kind)).toEqual(['trigger_fired', 'promotion_ready']));
    expect(notes[1]).toMatchObject({ name: 'momentum_test', model_id: 'momentum_test@2', trigger_id: fired.trigger_id, level: 'notice' });

    const listed = await mcp.call('list_triggers', { name: 'momentum_test' });
    expect(listed.isError).toBeFalsy();
    const t = (listed.structuredContent as { triggers: Record<string, unknown>[] }).triggers[0]!;
    expect(t).toMatchObject({
      trigger_id: fired.trigger_id,
      operation_id: op.id,
      outcome: { new_model_id: 'momentum_test@2', training_gate: { passed: true, failed_checks: [] }, promoted_to: 'staging' },
    });
    expect(text(listed)).toMatch(/scheduled completed .*momentum_test@2 passed the training and backtest gates/);
    expect(listed.structuredContent!['next_steps']).toEqual([
      expect.stringContaining('get_model {"model_id":"momentum_test@2"}'),
      expect.stringContaining('evaluate_gate {"gate":"promotion","model_id":"momentum_test@2"}'),
    ]);
    expect((await mcp.call('list_triggers', { type: 'drift' })).structuredContent).toEqual({ triggers: [], next_steps: [] });

    const cli = cliIo(home);
    expect(await runCli(['triggers', '--json'], cli.io)).toBe(0);
    expect((JSON.parse(cli.out()) as { trigger_id: string }[]).map((x) => x.trigger_id)).toEqual([fired.trigger_id]);
    expect(await runCli(['triggers', '--type', 'weekly'], cliIo(home).io)).toBe(2);
  }, 60_000);

  it('a changed market fires a fast-tracked drift trigger; a cancelled run is linked as failed and escalated', async () => {
    // A day after the first test's clock, so its trigger is past.
    const scheduler = schedulerFor(services, {
      clock: () => new Date(Date.now() + 9 * DAY),
      triggers: { data: 'synthetic:seed=2,bars=1500,timeframe=1h', schedule: null, new_data_bars: null, cooldown_hours: 0 },
    });
    const [d] = await scheduler.tick();
    expect(d!.observations.max_psi).toBeGreaterThan(0.2);
    expect(d!.fired[0]).toMatchObject({
      trigger_type: 'drift',
      reason: { metric: 'drift_action_required', current_value: expect.stringMatching(/features drifted/) },
      requested_run: { priority: 'high', fast_track: true },
    });
    const opId = d!.fired[0]!.operation_id!;
    expect(services.registry.operations.get(opId).priority).toBe('high');
    services.training.cancel(opId, 'test: not needed', 'test');
    const [linked] = await scheduler.settle();
    expect(linked).toMatchObject({ status: 'failed', outcome: { operation_status: 'cancelled', new_model_id: null } });
    await scheduler.stop();
    await vi.waitFor(() => expect(notes.map((n) => n.kind)).toEqual(expect.arrayContaining(['drift', 'retrain_failed'])));
    expect(notes.find((n) => n.kind === 'drift')!.message).toMatch(/drift on .*features drifted.*largest feature PSI/);
  }, 60_000);

  it('trainyard watch --once prints its decision as JSON and exits', async () => {
    const cli = cliIo(home);
    expect(await runCli(['watch', '--once', '--json'], cli.io)).toBe(0);
    const lines = cli
      .out()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { decision?: { model_id: string; fired: unknown[] } });
    expect(lines.find((l) => l.decision)!.decision).toMatchObject({ model_id: 'momentum_test@1', fired: [] });
  }, 30_000);

  it('trainyard watch runs until SIGINT/SIGTERM (its abort signal), printing each decision', async () => {
    const cli = cliIo(home);
    const stop = new AbortController();
    const done = runCli(['watch', '--interval', '3600'], { ...cli.io, signal: stop.signal });
    // Which trigger the decision names depends on the drift rule (see the first test); the loop printing it is what counts.
    await vi.waitFor(() => expect(cli.out()).toMatch(/momentum_test@1: .*\[psi [\d.]+, new bars 0, volatility [\d.]+/), {
      timeout: 20_000,
    });
    stop.abort();
    expect(await done).toBe(0);
  }, 30_000);
});
