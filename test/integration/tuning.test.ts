import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openRegistry } from '../../src/registry/index.js';
import type { Services } from '../../src/services/index.js';
import type { TuningRun } from '../../src/tools/tuning-schemas.js';
import { runCli } from '../helpers/cli.js';
import { connectClient, text } from '../helpers/mcp.js';
import { MOMENTUM, tempServices } from '../helpers/services.js';

const DATA = 'synthetic:seed=1,bars=1500,signal=0.3';
const SEARCH = {
  'training.learning_rate': { low: 1e-4, high: 3e-2, log: true },
  'model.hidden_layers': { choices: [[8], [16, 8], [32, 16]] },
  'model.dropout': { low: 0, high: 0.5 },
  'indicators.rsi_5.params.period': { low: 3, high: 14 },
};

const started: Services[] = [];
function services(home?: string): Services {
  const s = tempServices(home).services;
  started.push(s);
  return s;
}
afterAll(async () => {
  await Promise.all(started.map((s) => s.close()));
});

async function tune(s: Services, trials: number, extra: Record<string, unknown> = {}) {
  const op = s.tuning.start(
    { strategy: MOMENTUM, search: SEARCH, data: DATA, trials, seed: 5, overrides: { epochs: 6 }, pruner: 'hyperband', ...extra },
    'test',
  );
  const done = await s.tuning.waitFor(op.id);
  return { done, trials: s.registry.tuning.list(op.id) };
}

describe('a tuning study', () => {
  it('samples, prunes and records every trial, retrains the best and registers it linked to the run, and counts every trial in its deflated Sharpe', async () => {
    const s = services();
    const { done, trials } = await tune(s, 8);
    expect(done.status, done.message ?? '').toBe('completed');
    expect(trials).toHaveLength(8);
    for (const t of trials) {
      expect(['complete', 'pruned']).toContain(t.state);
      expect(Object.keys(t.params).sort()).toEqual(Object.keys(SEARCH).sort());
      expect(t.intermediate.length).toBeGreaterThanOrEqual(1);
      expect(t.duration_s).toBeGreaterThan(0);
      expect(t.operation_id).toMatch(/^op_/);
      // The objective so far never rises (the kept weights' validation loss).
      for (let i = 1; i < t.intermediate.length; i++) expect(t.intermediate[i]!.value).toBeLessThanOrEqual(t.intermediate[i - 1]!.value);
    }
    // Pruned trials stopped before the last epoch; complete ones ran until early stopping or the end.
    const pruned = trials.filter((t) => t.state === 'pruned');
    expect(pruned.length).toBeGreaterThan(0);
    for (const t of pruned) expect(t.intermediate.length).toBeLessThan(6);
    // Trial jobs are operations of type trial under the run, and leave no model behind.
    // Trials after the first ran in the thread the one before left warm; one is still parked.
    expect(s.jobs.stats().warm).toBe(1);
    const jobs = s.registry.operations.list({ parent_id: done.id, limit: 100 });
    expect(jobs.filter((o) => o.type === 'trial')).toHaveLength(8);
    const retrain = jobs.filter((o) => o.type === 'training');
    expect(retrain).toHaveLength(1);
    const result = done.result as Record<string, unknown>;
    const best = trials.filter((t) => t.state === 'complete').sort((a, b) => a.value! - b.value!)[0]!;
    expect(result['best']).toMatchObject({ number: best.number, value: best.value });
    const model = s.registry.models.get(result['model_id'] as string);
    expect(model.stage).toBe('candidate');
    expect(model.operation_id).toBe(retrain[0]!.id);
    expect(model.lineage.tuning).toEqual({ run_id: done.id, study_id: done.id, trial: best.number });
    expect(s.registry.models.list({ name: 'momentum_test' })).toHaveLength(1);
    // The registered strategy is the best trial's: its values, no search section, where it came from.
    const yaml = fs.readFileSync(path.join(model.artifact_path, 'strategy.yaml'), 'utf8');
    expect(yaml).toContain(`tuned by tuning study ${done.id}: trial ${best.number} of 8`);
    expect(yaml).toContain(`learning_rate: ${best.params['training.learning_rate']}`);
    expect(yaml).not.toMatch(/^search:/m);
    // Every scored trial deflates the winner's Sharpe (plus the name's one version).
    const promotion = result['promotion'] as { deflated_sharpe_reason: string };
    const counted = s.registry.tuning.sharpesFor('momentum_test').length;
    expect(counted).toBeGreaterThanOrEqual(6);
    expect(promotion.deflated_sharpe_reason).toContain(`over ${counted + 1} trials`);
    expect(result['pbo']).toMatchObject({ trials: counted });
    expect((result['pbo'] as { pbo: number | null }).pbo).not.toBeNull();
    const saved = result['pruning'] as { steps_run: number; pruned_trials: number; steps_saved: number; saved_share: number };
    expect(saved.steps_run).toBe(trials.reduce((n, t) => n + t.intermediate.length, 0));
    expect(saved.pruned_trials).toBe(pruned.length);
    expect(saved.steps_saved).toBe(pruned.reduce((n, t) => n + 6 - t.intermediate.length, 0));
    expect(saved.saved_share).toBeGreaterThan(0);
    // The same seed on another registry proposes and scores the same trials (one at a time).
    const again = await tune(services(), 8);
    expect(again.trials.map((t) => [t.params, t.state, t.value])).toEqual(trials.map((t) => [t.params, t.state, t.value]));
  });

  it('cancel stops the running trial within a batch and registers nothing; resume continues the study', async () => {
    const s = services();
    const op = s.tuning.start({ strategy: MOMENTUM, search: SEARCH, data: DATA, trials: 30, seed: 2, overrides: { epochs: 6 } }, 'test');
    await new Promise<void>((resolve) => {
      // Once a trial has ended and the next has reported an epoch: cancel lands mid-trial.
      const off = s.tuning.onTrial(op.id, (t) => {
        if (t.number >= 1 && t.state === 'running' && t.intermediate.length >= 1) {
          off();
          resolve();
        }
      });
    });
    s.tuning.cancel(op.id, 'enough for now', 'test');
    const done = await s.tuning.waitFor(op.id);
    expect(done.status).toBe('cancelled');
    const trials = s.registry.tuning.list(op.id);
    expect(trials.filter((t) => t.state === 'running')).toEqual([]);
    expect(trials.some((t) => t.state === 'failed' && /cancelled: enough for now/.test(t.error ?? ''))).toBe(true);
    expect(s.registry.models.list({ name: 'momentum_test' })).toEqual([]);
    expect(() => s.tuning.cancel(op.id, 'again', 'test')).toThrow(/already ended as cancelled/);

    const resumed = s.tuning.resume(op.id, 'test', undefined, undefined, { trials: trials.length + 2 });
    const end = await s.tuning.waitFor(resumed.id);
    expect(end.status, end.message ?? '').toBe('completed');
    const all = s.registry.tuning.list(op.id);
    expect(all).toHaveLength(trials.length + 2);
    expect(all.slice(0, trials.length)).toEqual(trials);
    expect(all.slice(trials.length).every((t) => t.run_id === resumed.id)).toBe(true);
  });

  it('refuses a bad space or objective before anything is queued, naming the field', () => {
    const s = services();
    expect(() => s.tuning.start({ strategy: MOMENTUM, search: { 'model.dropout': { low: 0, high: 3 } }, data: DATA }, 'test')).toThrow(
      /model\.dropout: the range 0\.\.3 leaves the field's bounds/,
    );
    expect(() => s.tuning.start({ strategy: MOMENTUM, search: { 'labels.horizon': { low: 2, high: 9 } }, data: DATA }, 'test')).toThrow(
      /labels\.horizon: labels change what the validation loss measures[\s\S]*objective val_sharpe/,
    );
    expect(() => s.tuning.start({ strategy: MOMENTUM, data: DATA }, 'test')).toThrow(/has no search: section/);
    expect(s.registry.operations.list({ limit: 10 })).toEqual([]);
  });
});

describe('tuning over MCP', () => {
  it('start_tuning (labels searched on the validation Sharpe), get_tuning_status, and errors that name the field', async () => {
    const s = services();
    const mcp = await connectClient(s);
    try {
      const r = await mcp.call('start_tuning', {
        strategy: MOMENTUM,
        data: DATA,
        objective: 'val_sharpe',
        search: { 'labels.horizon': { low: 3, high: 10 }, 'decisions.confidence_threshold': { low: 0.34, high: 0.6 } },
        trials: 4,
        epochs: 3,
        pruner: 'none',
        wait_seconds: 300,
      });
      expect(r.isError, text(r)).toBeFalsy();
      const run = r.structuredContent as unknown as TuningRun & { next_steps: string[] };
      expect(run.status).toBe('completed');
      expect(run.objective).toBe('val_sharpe');
      expect(run.trials).toHaveLength(4);
      expect(run.trials.every((t) => t.state === 'complete' && t.epochs === 3)).toBe(true);
      expect(run.model_id).toBe('momentum_test@1');
      expect(run.next_steps[0]).toContain('get_model');
      const card = await mcp.call('get_model', { model_id: run.model_id });
      expect((card.structuredContent as { lineage: Record<string, unknown> }).lineage['tuning']).toEqual({
        run_id: run.run_id,
        study_id: run.run_id,
        trial: run.best!.number,
      });
      expect(text(r)).toMatch(/Best \(val_sharpe\): trial \d/);

      const status = await mcp.call('get_tuning_status', { run_id: run.run_id, limit: 2 });
      const st = status.structuredContent as { run: TuningRun };
      expect(st.run.trials).toHaveLength(2);
      expect(st.run.trials.map((t) => t.value)).toContain(run.best!.value);
      const recent = await mcp.call('get_tuning_status', {});
      expect((recent.structuredContent as { recent: { run_id: string }[] }).recent[0]!.run_id).toBe(run.run_id);

      const bad = await mcp.call('start_tuning', {
        strategy: MOMENTUM,
        data: DATA,
        search: { 'training.lerning_rate': { low: 0.001, high: 0.01 } },
      });
      expect(bad.isError).toBe(true);
      expect(text(bad)).toMatch(/training\.lerning_rate: .*not a strategy field/);
      const late = await mcp.call('cancel_tuning', { run_id: run.run_id, reason: 'too late' });
      expect(late.isError).toBe(true);
      expect(text(late)).toMatch(/already ended as completed/);
    } finally {
      await mcp.close();
    }
  });
});

describe('trainyard tune', () => {
  it('a killed run resumes: the trial it was running re-runs with the same parameters, then the study completes', async () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'trainyard-tune-'));
    const search = path.join(home, 'search.yaml');
    fs.writeFileSync(
      search,
      `search:\n  training.learning_rate: {low: 1.0e-4, high: 3.0e-2, log: true}\n  model.dropout: {low: 0, high: 0.5}\n`,
    );
    // Trials of a second or more (a warm thread makes a small one 0.2 s): the kill lands inside trial 1.
    const args = [
      'tune',
      MOMENTUM,
      '--trials',
      '4',
      '--epochs',
      '8',
      '--data',
      'synthetic:seed=1,bars=8000,signal=0.3',
      '--search',
      search,
      '--pruner',
      'none',
      '--home',
      home,
    ];
    let runId = '';
    let killed = false;
    const first = await runCli(args, {
      onStderr: (chunk, child) => {
        runId ||= /tuning run (op_\w+)/.exec(chunk)?.[1] ?? '';
        if (!killed && /trial 0 complete/.test(chunk)) {
          killed = true;
          setTimeout(() => child.kill('SIGKILL'), 200);
        }
      },
    });
    expect(first.signal).toBe('SIGKILL');
    const reg = openRegistry({ file: path.join(home, 'trainyard.db'), modelsDir: path.join(home, 'models') });
    const before = reg.tuning.list(runId);
    reg.close();
    expect(before[0]!.state).toBe('complete');
    const unfinished = before.filter((t) => t.state === 'running');
    expect(unfinished).toHaveLength(1);

    const resumed = await runCli(['tune', '--resume', runId, '--json', '--home', home]);
    expect(resumed.code, resumed.stderr).toBe(0);
    const run = JSON.parse(resumed.stdout) as TuningRun;
    expect(run.status).toBe('completed');
    expect(run.study_id).toBe(runId);
    expect(run.trials.map((t) => t.state)).toEqual(['complete', 'complete', 'complete', 'complete']);
    expect(run.trials[unfinished[0]!.number]!.params).toEqual(unfinished[0]!.params);
    expect(run.model_id).toBe('momentum_test@1');
  });
});
