import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load.js';
import { createLogger } from '../../../src/config/logger.js';
import type { TriggersConfig } from '../../../src/config/schema.js';
import type { Operation } from '../../../src/domain/operation.js';
import type { JobEvent, JobListener } from '../../../src/jobs/runner.js';
import { createAlerts, type Alert } from '../../../src/monitoring/alerts.js';
import type { Observed } from '../../../src/monitoring/observations.js';
import { createScheduler, type PerformanceProvider, type SchedulerOptions, type Timer } from '../../../src/monitoring/scheduler.js';
import { LINEAGE, stagedFolder, tempRegistry } from '../../helpers/registry.js';
import { MOMENTUM } from '../../helpers/services.js';

const DEFAULTS = loadConfig({ argv: { home: '/tmp/unused' }, env: {} });
const GOOD = {
  training: { loss_decrease: 0.4 },
  validation: {},
  test: {
    accuracy: 0.6,
    baseline_accuracy: 0.4,
    loss: 0.6,
    significance: {
      direction: {
        edge: { value: 0.15, z: 4, p_value: 3e-5, n_eff: 300, ci_low: 0.08, ci_high: 0.22 },
        log_loss_improvement: { value: 0.03, z: 3, p_value: 0.001, n_eff: 300, ci_low: 0.01, ci_high: 0.05 },
      },
    },
  },
  backtest: { strategy: { win_rate: 0.55, max_drawdown: 0.1, sharpe: 1.2, trade_count: 40 } },
};
const BAD = {
  ...GOOD,
  test: {
    accuracy: 0.3,
    baseline_accuracy: 0.4,
    loss: 1.2,
    significance: { direction: { edge: { value: -0.1, z: -2, p_value: 0.98, n_eff: 300, ci_low: -0.2, ci_high: 0 } } },
  },
};

/** A registry with one production model whose folder holds strategy.yaml and result.json, a fake job runner and a clock. */
function rig(cfg: Partial<TriggersConfig>, opts: { observed?: () => Partial<Observed>; performance?: PerformanceProvider } = {}) {
  let now = new Date('2026-11-10T12:00:00Z'); // a Tuesday
  const r = tempRegistry({ retention: 50, clock: () => now });
  const folder = (tag: string) => {
    const dir = stagedFolder(r.modelsDir, tag);
    fs.copyFileSync(MOMENTUM, path.join(dir, 'strategy.yaml'));
    fs.writeFileSync(path.join(dir, 'result.json'), JSON.stringify({ data_summary: { date_range: { to: '2026-11-01T00:00:00.000Z' } } }));
    return dir;
  };
  const register = (metrics: object, tag: string) =>
    r.registry.models.register(
      { name: 'momentum_test', operation_id: null, lineage: LINEAGE, metrics: metrics as typeof GOOD, staged_path: folder(tag) },
      'test',
    );
  register(GOOD, 'v1');
  r.registry.models.promote({ model_id: 'momentum_test@1', to_stage: 'production', reason: 'first', skip_staging: true }, 'test');

  const listeners = new Set<JobListener>();
  const started: { op: Operation; input: unknown; priority: string | undefined; trigger: string | undefined }[] = [];
  const emit = (e: JobEvent) => listeners.forEach((l) => l(e));
  const alerts: Alert[] = [];
  const bus = createAlerts(createLogger('silent'));
  bus.on((a) => alerts.push(a));
  let failStart = false;
  const options: SchedulerOptions = {
    registry: r.registry,
    training: {
      start(input, o) {
        if (failStart) throw new Error('trainyard is shutting down');
        const op = r.registry.operations.create({ type: 'training', params: { trigger: o.trigger }, priority: o.priority });
        started.push({ op, input, priority: o.priority, trigger: o.trigger });
        return op;
      },
    },
    jobs: {
      on: (l) => {
        listeners.add(l);
        return () => void listeners.delete(l);
      },
      waitFor: (id) => Promise.resolve(r.registry.operations.get(id)),
    },
    config: {
      ...DEFAULTS.triggers,
      schedule: null,
      drift_psi: null,
      new_data_bars: null,
      performance_days: null,
      max_volatility: null,
      ...cfg,
    },
    gates: DEFAULTS.gates,
    observe: (_m, data) => Promise.resolve({ data, ...(opts.observed?.() ?? {}) }),
    performance: opts.performance,
    clock: () => now,
    logger: createLogger('silent'),
    alerts: bus,
  };
  let version = 1;
  /** Ends a started job as the runner would: the row, then the status event. */
  const finishJob = (op: Operation, how: 'good' | 'bad' | 'failed') => {
    let ended: Operation;
    if (how === 'failed') {
      ended = r.registry.operations.update(op.id, { status: 'failed', error: { code: 'WORKER_CRASHED', message: 'out of memory' } });
    } else {
      register(how === 'good' ? GOOD : BAD, `v${++version}`);
      ended = r.registry.operations.update(op.id, { status: 'completed', result: { model_id: `momentum_test@${version}` } });
    }
    emit({ type: 'status', operation: ended });
  };
  return {
    r,
    options,
    started,
    alerts,
    finishJob,
    failStarts: () => (failStart = true),
    setNow: (iso: string) => (now = new Date(iso)),
    scheduler: (extra: Partial<SchedulerOptions> = {}) => createScheduler({ ...options, ...extra }),
  };
}

describe('retraining scheduler', () => {
  it('a due schedule fires once, starts one run, links its outcome and promotes a passing version to staging only', async () => {
    const t = rig({ schedule: '0 2 * * 0', cooldown_hours: 12 });
    const s = t.scheduler();
    // First sight, two days after the model went to production: Sunday the 8th was never "missed".
    expect((await s.tick())[0]!.fired).toEqual([]);
    t.setNow('2026-11-15T02:05:00Z'); // the first Sunday slot after the model went to production
    const [d] = await s.tick();
    expect(d!.fired).toHaveLength(1);
    const fired = d!.fired[0]!;
    expect(fired).toMatchObject({
      trigger_type: 'scheduled',
      name: 'momentum_test',
      model_id: 'momentum_test@1',
      data: LINEAGE.data_source,
      status: 'training',
      requested_run: { priority: 'normal', fast_track: false },
    });
    expect(t.started).toHaveLength(1);
    expect(t.started[0]!.trigger).toBe(fired.trigger_id);
    expect(fired.operation_id).toBe(t.started[0]!.op.id);
    expect((t.started[0]!.input as { strategy: string }).strategy).toBe(path.join(t.r.modelsDir, 'momentum_test@1', 'strategy.yaml'));
    expect(d!.next_scheduled).toBe('2026-11-22T02:00:00.000Z');

    // While the run is going, the name is not evaluated again.
    expect((await s.tick())[0]!.skipped).toMatch(/still running/);
    expect(t.started).toHaveLength(1);

    t.finishJob(t.started[0]!.op, 'good');
    const linked = t.r.registry.triggers.get(fired.trigger_id);
    expect(linked.status).toBe('completed');
    expect(linked.outcome).toMatchObject({ new_model_id: 'momentum_test@2', promoted: true, promoted_to: 'staging' });
    expect(linked.outcome!.training_gate!.passed).toBe(true);
    expect(linked.outcome!.backtest_gate!.passed).toBe(true);
    expect(t.r.registry.models.get('momentum_test@2').stage).toBe('staging');
    expect(t.r.registry.models.get('momentum_test@1').stage).toBe('production');
    const record = t.r.registry.models.history('momentum_test@2').at(-1)!;
    expect(record).toMatchObject({ actor: 'scheduler', to_stage: 'staging' });
    expect(record.reason).toContain(fired.trigger_id);
    expect(t.alerts.map((a) => a.kind)).toEqual(['trigger_fired', 'promotion_ready']);

    // Later the same day: the slot is served and the cooldown holds.
    t.setNow('2026-11-15T20:00:00Z');
    expect((await s.tick())[0]!.fired).toEqual([]);
    expect(t.started).toHaveLength(1);
    await s.stop();
  });

  it('a failed run is escalated; the cooldown holds a lasting drift until it ends; drift alerts once', async () => {
    let psi = 0.35;
    const t = rig(
      { drift_psi: 0.2, cooldown_hours: 24 },
      {
        observed: () => ({
          max_psi: psi,
          drifted_features: ['roc_5'],
          drift: { action_required: psi > 0.2, summary: '1 of 8 features drifted (roc_5)' },
        }),
      },
    );
    const s = t.scheduler();
    const first = (await s.tick())[0]!;
    expect(first.fired[0]).toMatchObject({ trigger_type: 'drift', requested_run: { priority: 'high', fast_track: true } });
    expect(t.started[0]!.priority).toBe('high');
    t.finishJob(t.started[0]!.op, 'failed');
    expect(t.r.registry.triggers.get(first.fired[0]!.trigger_id)).toMatchObject({
      status: 'failed',
      outcome: { operation_status: 'failed', new_model_id: null, promoted: false },
    });
    expect(t.alerts.find((a) => a.kind === 'retrain_failed')!.message).toMatch(/out of memory/);

    t.setNow('2026-11-10T18:00:00Z');
    const held = (await s.tick())[0]!;
    expect(held.fired).toEqual([]);
    expect(held.postponed[0]!.why).toMatch(/cooldown/);
    t.setNow('2026-11-11T13:00:00Z');
    expect((await s.tick())[0]!.fired.map((f) => f.trigger_type)).toEqual(['drift']);
    expect(t.alerts.filter((a) => a.kind === 'drift')).toHaveLength(1);
    psi = 0.05; // drift gone, then back: a new alert
    t.finishJob(t.started[1]!.op, 'bad');
    expect(t.r.registry.triggers.list({ name: 'momentum_test', limit: 1 })[0]!.outcome).toMatchObject({ promoted: false });
    expect(t.alerts.at(-1)!.kind).toBe('gates_failed');
    await s.tick();
    psi = 0.4;
    t.setNow('2026-11-13T13:00:00Z');
    await s.tick();
    expect(t.alerts.filter((a) => a.kind === 'drift')).toHaveLength(2);
    await s.stop();
  });

  it('a blocked period postpones without consuming the trigger', async () => {
    const t = rig(
      { new_data_bars: 50, blocked_periods: [{ from: '2026-12-20T00:00:00Z', to: '2027-01-03T00:00:00Z', reason: 'year-end liquidity' }] },
      { observed: () => ({ new_bars: 80 }) },
    );
    const s = t.scheduler();
    t.setNow('2026-12-24T10:00:00Z');
    const held = (await s.tick())[0]!;
    expect(held.fired).toEqual([]);
    expect(held.postponed).toEqual([{ trigger_type: 'new_data', why: expect.stringMatching(/year-end liquidity/) as unknown }]);
    expect(t.r.registry.triggers.list()).toEqual([]);
    t.setNow('2027-01-03T10:00:00Z');
    expect((await s.tick())[0]!.fired.map((f) => f.trigger_type)).toEqual(['new_data']);
    await s.stop();
  });

  it('a slot missed while the process was down fires exactly once from persisted state, and a dead run is linked on start', async () => {
    const t = rig({ schedule: '0 2 * * 0', cooldown_hours: 0 });
    const before = t.scheduler();
    t.setNow('2026-11-15T02:05:00Z');
    const fired = (await before.tick())[0]!.fired[0]!;
    await before.stop();
    // The process dies: the run it started is interrupted (recovery on the next start).
    t.r.registry.operations.update(fired.operation_id!, {
      status: 'interrupted',
      error: { code: 'INTERRUPTED', message: 'process stopped' },
    });

    t.setNow('2026-12-08T09:00:00Z'); // three Sunday slots later
    const after = t.scheduler();
    const [d] = await after.tick();
    expect(t.r.registry.triggers.get(fired.trigger_id)).toMatchObject({ status: 'failed', outcome: { operation_status: 'interrupted' } });
    expect(d!.fired).toHaveLength(1);
    expect(d!.fired[0]!.reason.current_value).toBe('2026-12-06T02:00:00.000Z');
    t.finishJob(t.started[1]!.op, 'good');
    t.setNow('2026-12-08T10:00:00Z');
    expect((await after.tick())[0]!.fired).toEqual([]);
    expect(t.r.registry.triggers.state('momentum_test')).toMatchObject({ last_scheduled_slot: '2026-12-06T02:00:00.000Z' });
    expect(t.started).toHaveLength(2);
    await after.stop();
  });

  it('performance below threshold for N days fires through the injected provider, and degradation is escalated', async () => {
    let days = 2;
    const t = rig({ performance_days: 3 }, { performance: (name) => (name === 'momentum_test' ? { degraded_days: days } : null) });
    const s = t.scheduler();
    expect((await s.tick())[0]!.fired).toEqual([]);
    expect(t.alerts.map((a) => a.kind)).toEqual(['degradation']);
    days = 3;
    const [d] = await s.tick();
    expect(d!.observations.degraded_days).toBe(3);
    expect(d!.fired[0]).toMatchObject({ trigger_type: 'performance', reason: { metric: 'degraded_days', current_value: 3, threshold: 3 } });
    await s.stop();
  });

  it('a run that cannot start fails its trigger and is escalated; the loop runs on the injected timer without overlap', async () => {
    const t = rig({ new_data_bars: 10, interval_seconds: 60 }, { observed: () => ({ new_bars: 20 }) });
    t.failStarts();
    const ticks: unknown[] = [];
    let callback: (() => void) | undefined;
    let cleared = false;
    const timer: Timer = {
      setInterval: (fn, ms) => {
        expect(ms).toBe(60_000);
        callback = fn;
        return 7;
      },
      clearInterval: (h) => {
        expect(h).toBe(7);
        cleared = true;
      },
    };
    const s = t.scheduler({ timer, onDecisions: (d) => ticks.push(d) });
    s.start(); // checks at once
    callback!(); // the first check has not finished: skipped, not overlapped
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
    expect(ticks).toHaveLength(1);
    const [trigger] = t.r.registry.triggers.list();
    expect(trigger).toMatchObject({
      status: 'failed',
      operation_id: null,
      outcome: { message: expect.stringMatching(/shutting down/) as unknown },
    });
    expect(t.alerts.map((a) => a.kind)).toEqual(['retrain_failed']);
    t.setNow('2026-11-12T12:00:00Z');
    callback!();
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
    expect(ticks).toHaveLength(2);
    await s.stop();
    expect(cleared).toBe(true);
  });
});
