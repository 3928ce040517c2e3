import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createMirror } from '../../../src/registry/mirror.js';
import { LINEAGE, METRICS, stagedFolder, tempRegistry } from '../../helpers/registry.js';

afterEach(() => vi.restoreAllMocks());

/** One second per call from a fixed start. */
function ticking(start = Date.parse('2026-03-01T00:00:00Z')) {
  let t = start;
  return () => new Date((t += 1000));
}

const readJson = (file: string) => JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;

/** Every file under `dir`, recursively, relative to it. */
const filesUnder = (dir: string): string[] => (fs.readdirSync(dir, { recursive: true }) as string[]).sort();

function seeded() {
  const clock = ticking();
  const r = tempRegistry({ clock, retention: 10 });
  const ops = r.registry.operations;
  // A finished run that registered alpha@1, now in production.
  const done = ops.create({ type: 'training', params: { trigger: 'manual' } });
  ops.claim(done.id);
  r.registry.models.register(
    { name: 'alpha', operation_id: done.id, lineage: LINEAGE, metrics: METRICS, staged_path: stagedFolder(r.modelsDir, 'a') },
    't',
  );
  ops.update(done.id, {
    status: 'completed',
    phase: 'deployment_decision',
    progress_pct: 100,
    result: { model_id: 'alpha@1', stage: 'candidate' },
  });
  r.registry.models.promote({ model_id: 'alpha@1', to_stage: 'production', reason: 'ship', skip_staging: true }, 't');
  r.registry.models.register(
    { name: 'beta', operation_id: null, lineage: LINEAGE, metrics: METRICS, staged_path: stagedFolder(r.modelsDir, 'b') },
    't',
  );
  // A run in model_training at 40%, and one waiting in the queue.
  const running = ops.create({ type: 'training', params: { trigger: 'drift' } });
  ops.claim(running.id);
  const phases = {
    data_preparation: clock().toISOString(),
    feature_engineering: clock().toISOString(),
    model_training: clock().toISOString(),
  };
  ops.update(running.id, { phase: 'model_training', progress_pct: 40, message: 'epoch 2/5', metrics: { epoch: 2, phases } });
  const pending = ops.create({ type: 'training', params: { trigger: 'schedule' }, priority: 'high' });
  return { r, clock, done, running: ops.get(running.id), pending, phases };
}

describe('state file mirror', () => {
  it('writes the documented files as valid JSON, atomically, with no temp files left', async () => {
    const { r, clock, done, running, pending, phases } = seeded();
    const mirror = createMirror({ home: r.home, registry: r.registry, clock });
    await mirror.refresh();

    const status = readJson(path.join(r.home, 'training', 'training_status.json'));
    expect(Object.keys(status).sort()).toEqual([
      'current_run',
      'last_completed_run',
      'next_scheduled_run',
      'triggered_runs_pending',
      'updated_at',
    ]);
    expect(status['current_run']).toMatchObject({
      run_id: running.id,
      status: 'running',
      phase: 'model_training',
      progress_pct: 40,
      started_at: running.started_at,
    });
    const etaAt = Date.parse((status['current_run'] as { eta_completion: string }).eta_completion);
    expect(etaAt).toBeGreaterThan(Date.parse(running.started_at!));
    expect(status['last_completed_run']).toEqual({
      run_id: done.id,
      status: 'completed',
      result: { model_id: 'alpha@1', stage: 'candidate' },
      model_promoted: true,
    });
    expect(status['next_scheduled_run']).toBeNull();
    expect(status['triggered_runs_pending']).toEqual([
      expect.objectContaining({ run_id: pending.id, trigger: 'schedule', priority: 'high' }),
    ]);

    const run = readJson(path.join(r.home, 'training', 'runs', `${running.id}.json`));
    expect(run).toMatchObject({ run_id: running.id, trigger: 'drift', status: 'running', completed_at: null });
    expect(run['phases']).toEqual({
      data_preparation: { status: 'completed', started_at: phases.data_preparation, completed_at: phases.feature_engineering },
      feature_engineering: { status: 'completed', started_at: phases.feature_engineering, completed_at: phases.model_training },
      model_training: {
        status: 'running',
        started_at: phases.model_training,
        completed_at: null,
        progress: { pct: 40, message: 'epoch 2/5' },
      },
      validation: { status: 'pending', started_at: null, completed_at: null },
      deployment_decision: { status: 'pending', started_at: null, completed_at: null },
    });
    const finished = readJson(path.join(r.home, 'training', 'runs', `${done.id}.json`));
    expect((finished['phases'] as Record<string, { status: string; result?: unknown }>)['deployment_decision']).toMatchObject({
      status: 'completed',
      result: { model_id: 'alpha@1', stage: 'candidate' },
    });

    const reg = readJson(path.join(r.modelsDir, 'model_registry.json'));
    expect(reg['production_model']).toMatchObject({ model_id: 'alpha@1', performance_since_deploy: null });
    expect(reg['production_models']).toEqual({ alpha: expect.objectContaining({ model_id: 'alpha@1' }) });
    expect(reg['candidate_models']).toEqual([expect.objectContaining({ model_id: 'beta@1', stage: 'candidate', test_accuracy: 0.5 })]);
    expect(reg['model_history']).toEqual([
      expect.objectContaining({ model_id: 'alpha@1', action: 'promote', to_stage: 'production', forced: false }),
    ]);
    expect(reg['total_models_trained']).toBe(2);

    expect([...filesUnder(path.join(r.home, 'training')), ...filesUnder(r.modelsDir)].filter((f) => f.includes('.tmp-'))).toEqual([]);
    await mirror.close();
  });

  it('writes through a temp file and a rename, and debounces bursts of progress', async () => {
    const { r, clock, running } = seeded();
    const renames: [string, string][] = [];
    const realRename = fs.promises.rename;
    vi.spyOn(fs.promises, 'rename').mockImplementation(async (from, to) => {
      renames.push([String(from), String(to)]);
      return realRename(from, to);
    });
    const mirror = createMirror({ home: r.home, registry: r.registry, clock, debounceMs: 40 });
    for (let i = 0; i < 200; i++) {
      r.registry.operations.update(running.id, { progress_pct: 40 + i / 10 });
      mirror.touch(running.id);
    }
    await new Promise((resolve) => setTimeout(resolve, 120));
    await mirror.refreshRun(running.id);
    const statusWrites = renames.filter(([, to]) => to.endsWith('training_status.json'));
    expect(statusWrites).toHaveLength(2); // one for the whole burst, one for refreshRun
    for (const [from, to] of renames)
      expect(from).toMatch(new RegExp(`^${to.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.tmp-${process.pid}-[0-9a-f]+$`));
    const run = readJson(path.join(r.home, 'training', 'runs', `${running.id}.json`));
    expect((run['phases'] as Record<string, { progress?: { pct: number } }>)['model_training']?.progress?.pct).toBeCloseTo(59.9);
    await mirror.close();
    mirror.touch(running.id); // ignored after close: no timer keeps the process alive
    expect(filesUnder(path.join(r.home, 'training')).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });

  it('keeps mirroring when a touched run does not exist', async () => {
    const { r, clock } = seeded();
    const mirror = createMirror({ home: r.home, registry: r.registry, clock });
    await mirror.refreshRun('op_missing');
    expect(fs.existsSync(path.join(r.home, 'training', 'training_status.json'))).toBe(true);
    expect(fs.existsSync(path.join(r.home, 'training', 'runs', 'op_missing.json'))).toBe(false);
  });
});
