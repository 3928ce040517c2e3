import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ModelVersion } from '../../../src/domain/model-version.js';
import { openRegistry } from '../../../src/registry/index.js';
import { retentionVictims } from '../../../src/registry/retention.js';
import { LINEAGE, METRICS, stagedFolder, tempRegistry } from '../../helpers/registry.js';

type Temp = ReturnType<typeof tempRegistry>;

function register(r: Temp, name: string, tag: string) {
  return r.registry.models.register(
    { name, operation_id: null, lineage: LINEAGE, metrics: METRICS, staged_path: stagedFolder(r.modelsDir, tag) },
    'test',
  );
}

const stagesOf = (r: Temp, name: string) => Object.fromEntries(r.registry.models.list({ name }).map((m) => [m.model_id, m.stage]));

afterEach(() => vi.restoreAllMocks());

describe('retention', () => {
  it('keeps the newest N, every version ever in production and the current staging one; archives the rest with their folders', () => {
    const r = tempRegistry({ retention: 2 });
    register(r, 'alpha', 'v1');
    r.registry.models.promote({ model_id: 'alpha@1', to_stage: 'production', reason: 'first', skip_staging: true }, 't');
    register(r, 'alpha', 'v2');
    r.registry.models.promote({ model_id: 'alpha@2', to_stage: 'staging', reason: 'try' }, 't');
    register(r, 'alpha', 'v3');
    register(r, 'alpha', 'v4');
    const v5 = register(r, 'alpha', 'v5');
    expect(v5.archived).toEqual(['alpha@3']); // alpha@3 fell out of the newest 2 with this registration
    register(r, 'beta', 'b1'); // other names are untouched
    expect(stagesOf(r, 'alpha')).toEqual({
      'alpha@5': 'candidate',
      'alpha@4': 'candidate',
      'alpha@3': 'archived',
      'alpha@2': 'staging',
      'alpha@1': 'production',
    });
    expect(fs.existsSync(path.join(r.modelsDir, 'alpha@3'))).toBe(false);
    for (const v of [1, 2, 4, 5]) expect(fs.existsSync(path.join(r.modelsDir, `alpha@${v}`))).toBe(true);
    // A retired version that was in production survives retention; a demoted staging one does not.
    r.registry.models.promote({ model_id: 'alpha@1', to_stage: 'retired', reason: 'done' }, 't');
    r.registry.models.promote({ model_id: 'alpha@2', to_stage: 'candidate', reason: 'back' }, 't');
    expect(r.registry.models.applyRetention('alpha', 1, 'ops')).toEqual(['alpha@4', 'alpha@2']);
    expect(stagesOf(r, 'alpha')).toMatchObject({ 'alpha@5': 'candidate', 'alpha@1': 'retired', 'alpha@2': 'archived' });
    expect(r.registry.models.history('alpha@2').at(-1)).toMatchObject({ action: 'archive', actor: 'ops', to_stage: 'archived' });
    expect(r.registry.models.applyRetention('alpha', 1, 'ops')).toEqual([]);
    expect(() => r.registry.models.applyRetention('alpha', 0, 'ops')).toThrow(/keep at least 1/);
  });

  it('retentionVictims is a pure choice over one name', () => {
    const v = (version: number, stage: ModelVersion['stage'], ever = false) =>
      ({ version, stage, ever_in_production: ever }) as ModelVersion;
    const victims = retentionVictims([v(1, 'retired', true), v(2, 'candidate'), v(3, 'retired'), v(4, 'candidate'), v(5, 'candidate')], 2);
    expect(victims.map((m) => m.version)).toEqual([3, 2]);
  });

  it('marks the row archived even when the folder cannot be removed, then logs, audits and reports the folder as an orphan', () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'ty-retention-'));
    const warnings: unknown[] = [];
    const logger = { warn: (...args: unknown[]) => warnings.push(args) } as unknown as NonNullable<
      Parameters<typeof openRegistry>[0]['logger']
    >;
    const registry = openRegistry({ file: path.join(home, 'trainyard.db'), modelsDir: path.join(home, 'models'), retention: 1, logger });
    const r: Temp = { home, modelsDir: path.join(home, 'models'), registry };
    register(r, 'alpha', 'v1');
    const realRm = fs.rmSync;
    vi.spyOn(fs, 'rmSync').mockImplementation((p, opts) => {
      if (String(p).endsWith('alpha@1')) throw Object.assign(new Error('EBUSY: resource busy'), { code: 'EBUSY' });
      realRm(p, opts);
    });
    const v2 = register(r, 'alpha', 'v2');
    expect(v2).toMatchObject({ model_id: 'alpha@2', archived: ['alpha@1'] });
    expect(registry.models.get('alpha@1').stage).toBe('archived');
    expect(warnings).toHaveLength(1);
    expect(registry.audit.list({ action: 'remove_artifact' })[0]).toMatchObject({
      target: 'alpha@1',
      outcome: 'error',
      error: 'EBUSY: resource busy',
    });
    expect(registry.audit.list({ action: 'register_model' })[0]).toMatchObject({ outcome: 'ok' });
    vi.restoreAllMocks();
    expect(registry.models.orphanFolders()).toEqual([path.join(home, 'models', 'alpha@1')]);
    registry.close();
    registry.close(); // idempotent
  });
});

describe('orphan folders', () => {
  it('lists staging leftovers, .tmp-* leftovers, unknown and archived folders, never a live version', () => {
    const r = tempRegistry();
    const live = register(r, 'alpha', 'v1');
    stagedFolder(r.modelsDir, 'op_1_abc');
    stagedFolder(r.modelsDir, '.tmp-op_2_def-12ab');
    fs.mkdirSync(path.join(r.modelsDir, '.tmp-op_3_aaa-99'));
    fs.writeFileSync(path.join(r.modelsDir, '.tmp-half-written'), 'x');
    fs.mkdirSync(path.join(r.modelsDir, 'stray@1'));
    fs.writeFileSync(path.join(r.modelsDir, 'model_registry.json'), '{}');
    const orphans = r.registry.models.orphanFolders();
    expect(orphans).toEqual(
      [
        path.join(r.modelsDir, '.staging', '.tmp-op_2_def-12ab'),
        path.join(r.modelsDir, '.staging', 'op_1_abc'),
        path.join(r.modelsDir, '.tmp-half-written'),
        path.join(r.modelsDir, '.tmp-op_3_aaa-99'),
        path.join(r.modelsDir, 'stray@1'),
      ].sort(),
    );
    expect(orphans).not.toContain(live.artifact_path);
  });
});
