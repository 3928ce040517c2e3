import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { GateResult } from '../../../src/domain/model-version.js';
import { LINEAGE, METRICS, stagedFolder, tempRegistry } from '../../helpers/registry.js';

function register(r: ReturnType<typeof tempRegistry>, name: string, tag: string) {
  return r.registry.models.register(
    { name, operation_id: null, lineage: LINEAGE, metrics: METRICS, staged_path: stagedFolder(r.modelsDir, tag) },
    'test',
  );
}

const failingGate: GateResult = {
  gate: 'training',
  passed: false,
  evaluated_at: '2026-01-01T00:00:00Z',
  checks: [{ name: 'accuracy', passed: false, value: 0.35, threshold: 0.45, reason: 'accuracy_below_threshold (35% < 45%)' }],
};

describe('model registry', () => {
  it('allocates versions per name and moves the staged folder into models/<id>', () => {
    const r = tempRegistry();
    expect(register(r, 'alpha', 'a').model_id).toBe('alpha@1');
    expect(register(r, 'alpha', 'b').model_id).toBe('alpha@2');
    expect(register(r, 'beta', 'c').model_id).toBe('beta@1');
    expect(register(r, 'alpha', 'd').model_id).toBe('alpha@3');
    const m = r.registry.models.get('alpha@2');
    expect(m).toMatchObject({ stage: 'candidate', version: 2, created_by: 'test', lineage: LINEAGE });
    expect(fs.existsSync(path.join(m.artifact_path, 'model.json'))).toBe(true);
    expect(fs.readdirSync(path.join(r.modelsDir, '.staging'))).toEqual([]);
    expect(() => r.registry.models.get('alpha@9')).toThrow(/No model 'alpha@9'. Call list_models/);
  });

  it('a failed registration leaves neither a row nor a folder, and never overwrites', () => {
    const r = tempRegistry();
    const staged = stagedFolder(r.modelsDir, 'x');
    expect(() =>
      r.registry.models.register(
        {
          name: 'alpha',
          operation_id: null,
          lineage: LINEAGE,
          metrics: METRICS,
          staged_path: staged,
          prepare: () => {
            throw new Error('disk full');
          },
        },
        'test',
      ),
    ).toThrow(/disk full/);
    expect(fs.existsSync(staged)).toBe(false);
    expect(r.registry.models.count()).toBe(0);
    fs.mkdirSync(path.join(r.modelsDir, 'alpha@1'), { recursive: true });
    fs.writeFileSync(path.join(r.modelsDir, 'alpha@1', 'keep.txt'), 'not ours');
    expect(() => register(r, 'alpha', 'y')).toThrow(/already exists.*never overwritten/);
    expect(r.registry.models.count()).toBe(0);
    // The staged folder is gone; the folder that was there is left exactly as it was.
    expect(fs.readdirSync(path.join(r.modelsDir, '.staging'))).toEqual([]);
    expect(fs.readdirSync(path.join(r.modelsDir, 'alpha@1'))).toEqual(['keep.txt']);
    // A failure after the folder was moved (here the insert: no such operation) removes the moved folder.
    fs.rmSync(path.join(r.modelsDir, 'alpha@1'), { recursive: true });
    const moved = stagedFolder(r.modelsDir, 'z');
    expect(() =>
      r.registry.models.register(
        { name: 'alpha', operation_id: 'op_nope', lineage: LINEAGE, metrics: METRICS, staged_path: moved },
        'test',
      ),
    ).toThrow(/FOREIGN KEY/);
    expect(fs.readdirSync(r.modelsDir)).toEqual(['.staging']);
    expect(fs.readdirSync(path.join(r.modelsDir, '.staging'))).toEqual([]);
    expect(r.registry.models.count()).toBe(0);
    const audit = r.registry.audit.list({ action: 'register_model' });
    expect(audit.map((a) => a.outcome)).toEqual(['error', 'error', 'error']);
  });

  it('registers a version and what `within` stores in one transaction: a failure there leaves no row, folder or gate', () => {
    const r = tempRegistry();
    const gate: GateResult = { ...failingGate, passed: true, checks: [] };
    const input = (tag: string, fail: boolean) => ({
      name: 'alpha',
      operation_id: null,
      lineage: LINEAGE,
      metrics: METRICS,
      staged_path: stagedFolder(r.modelsDir, tag),
      within: (m: { model_id: string }) => {
        r.registry.evaluations.recordGate(m.model_id, gate, { thresholds: {}, context: 'registration', actor: 'test' });
        if (fail) throw new Error('crash between the gates');
      },
    });
    expect(() => r.registry.models.register(input('x', true), 'test')).toThrow(/crash between the gates/);
    expect(r.registry.models.count()).toBe(0);
    expect(fs.existsSync(path.join(r.modelsDir, 'alpha@1'))).toBe(false);
    expect(r.registry.db.prepare('SELECT COUNT(*) AS n FROM gate_results').get()).toEqual({ n: 0 });
    const m = r.registry.models.register(input('y', false), 'test');
    expect(m.model_id).toBe('alpha@1');
    expect(r.registry.evaluations.latestGates('alpha@1')).toHaveLength(1);
  });

  it('keeps registered versions immutable and history append-only at the database level', () => {
    const r = tempRegistry();
    register(r, 'alpha', 'a');
    expect(() => r.registry.db.prepare(`UPDATE model_versions SET artifact_path = 'x'`).run()).toThrow(/immutable/);
    expect(() => r.registry.db.prepare(`DELETE FROM model_versions`).run()).toThrow(/never deleted/);
    r.registry.models.promote({ model_id: 'alpha@1', to_stage: 'staging', reason: 'ok' }, 'test');
    expect(() => r.registry.db.prepare(`DELETE FROM promotion_history`).run()).toThrow(/append-only/);
    expect(() => r.registry.db.prepare(`UPDATE promotion_history SET reason = 'x'`).run()).toThrow(/append-only/);
  });

  it('enforces stage transitions with messages that list the allowed ones', () => {
    const r = tempRegistry();
    register(r, 'alpha', 'a');
    expect(() => r.registry.models.promote({ model_id: 'alpha@1', to_stage: 'production', reason: 'go' }, 't')).toThrow(
      /promote it to staging first, or pass skip_staging/,
    );
    r.registry.models.promote({ model_id: 'alpha@1', to_stage: 'production', reason: 'go', skip_staging: true }, 't');
    expect(() => r.registry.models.promote({ model_id: 'alpha@1', to_stage: 'staging', reason: 'x' }, 't')).toThrow(
      /is production; it cannot move to staging. Allowed from production: retired/,
    );
  });

  it('refuses a failed gate unless forced, and records the force with its reason', () => {
    const r = tempRegistry();
    register(r, 'alpha', 'a');
    expect(() =>
      r.registry.models.promote({ model_id: 'alpha@1', to_stage: 'staging', reason: 'try', gate_result: failingGate }, 't'),
    ).toThrow(/failed the training gate: accuracy_below_threshold \(35% < 45%\)/);
    const out = r.registry.models.promote(
      { model_id: 'alpha@1', to_stage: 'staging', reason: 'known weak, testing', gate_result: failingGate, force: true },
      'alice',
    );
    expect(out.record).toMatchObject({ forced: true, reason: 'known weak, testing', actor: 'alice', gate_result: failingGate });
  });

  it('keeps exactly one production version per name and rolls back to the previous one', () => {
    const r = tempRegistry();
    for (const tag of ['a', 'b', 'c']) register(r, 'alpha', tag);
    const promote = (id: string) =>
      r.registry.models.promote({ model_id: id, to_stage: 'production', reason: `ship ${id}`, skip_staging: true }, 't');
    promote('alpha@1');
    const second = promote('alpha@2');
    expect(second.retired?.model_id).toBe('alpha@1');
    promote('alpha@3');
    expect(r.registry.models.list({ name: 'alpha', stage: 'production' }).map((m) => m.model_id)).toEqual(['alpha@3']);
    const rb = r.registry.models.rollback('alpha', 'alpha@3 misbehaves', 'bob');
    expect(rb.model.model_id).toBe('alpha@2');
    expect(rb.retired.model_id).toBe('alpha@3');
    expect(r.registry.models.production('alpha')?.model_id).toBe('alpha@2');
    const h = r.registry.models.history('alpha');
    expect(h.map((e) => `${e.action}:${e.model_id}:${e.from_stage}->${e.to_stage}`)).toEqual([
      'promote:alpha@1:candidate->production',
      'retire:alpha@1:production->retired',
      'promote:alpha@2:candidate->production',
      'retire:alpha@2:production->retired',
      'promote:alpha@3:candidate->production',
      'rollback:alpha@3:production->retired',
      'rollback:alpha@2:retired->production',
    ]);
    expect(() => r.registry.models.rollback('beta', 'x', 't')).toThrow(/No production version of "beta"/);
  });

  it('retention keeps the newest N plus every version ever in production, and removes archived folders', () => {
    const r = tempRegistry({ retention: 2 });
    register(r, 'alpha', 'v1');
    r.registry.models.promote({ model_id: 'alpha@1', to_stage: 'production', reason: 'first', skip_staging: true }, 't');
    for (const tag of ['v2', 'v3', 'v4', 'v5']) register(r, 'alpha', tag);
    const stages = Object.fromEntries(r.registry.models.list({ name: 'alpha' }).map((m) => [m.model_id, m.stage]));
    expect(stages).toEqual({
      'alpha@5': 'candidate',
      'alpha@4': 'candidate',
      'alpha@3': 'archived',
      'alpha@2': 'archived',
      'alpha@1': 'production',
    });
    expect(fs.existsSync(path.join(r.modelsDir, 'alpha@2'))).toBe(false);
    expect(fs.existsSync(path.join(r.modelsDir, 'alpha@1'))).toBe(true);
    fs.mkdirSync(path.join(r.modelsDir, 'stray@1'));
    expect(r.registry.models.orphanFolders()).toEqual([path.join(r.modelsDir, 'stray@1')]);
  });
});
