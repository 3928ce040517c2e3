import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openRegistry } from '../../src/registry/index.js';
import { LINEAGE, METRICS, stagedFolder, tempRegistry } from '../helpers/registry.js';

const CHILD = path.resolve(import.meta.dirname, '..', 'fixtures', 'registry-child.ts');

function child(args: string[]): Promise<{ ok: number; refused: number; errors: string[] }> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--import', 'tsx', CHILD, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr.on('data', (d: Buffer) => (err += d.toString()));
    p.on('close', (code) =>
      code === 0
        ? resolve(JSON.parse(out) as { ok: number; refused: number; errors: string[] })
        : reject(new Error(`child exited ${code}: ${err}`)),
    );
  });
}

describe('registry under concurrent processes', () => {
  it('six processes promoting at once leave exactly one production version and a complete history', async () => {
    const r = tempRegistry({ retention: 10 });
    const ids = Array.from(
      { length: 6 },
      (_, i) =>
        r.registry.models.register(
          { name: 'alpha', operation_id: null, lineage: LINEAGE, metrics: METRICS, staged_path: stagedFolder(r.modelsDir, `s${i}`) },
          't',
        ).model_id,
    );
    r.registry.close();
    const startAt = String(Date.now() + 1500);
    const results = await Promise.all(ids.map((id) => child([path.join(r.home, 'trainyard.db'), r.modelsDir, id, startAt, '15'])));
    expect(results.flatMap((x) => x.errors)).toEqual([]);
    const promotions = results.reduce((n, x) => n + x.ok, 0);
    // Each process is refused only while its own version is the production one.
    expect(promotions).toBeGreaterThan(12);
    const check = tempRegistryAt(r.home);
    const production = check.models.list({ name: 'alpha', stage: 'production' });
    expect(production).toHaveLength(1);
    const history = check.models.history('alpha');
    expect(history.filter((h) => h.action === 'promote' && h.to_stage === 'production')).toHaveLength(promotions);
    // Every promotion but the very first retired the version that was production before it.
    expect(history.filter((h) => h.action === 'retire')).toHaveLength(promotions - 1);
    expect(history.at(-1)!.model_id).toBe(production[0]!.model_id);
    check.close();
  }, 60_000);
});

function tempRegistryAt(home: string) {
  return openRegistry({ file: path.join(home, 'trainyard.db'), modelsDir: path.join(home, 'models') });
}
