import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openRegistry } from '../../src/registry/index.js';
import { LINEAGE, METRICS, stagedFolder, tempRegistry } from '../helpers/registry.js';

const CHILD = path.resolve(import.meta.dirname, '..', 'fixtures', 'registry-child.ts');

interface ChildResult {
  ok: number;
  refused: number;
  errors: string[];
}

/** Runs one child process; rejects when it exits non-zero (a crash, or an unhandled SQLITE_BUSY). */
function child(args: string[]): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--import', 'tsx', CHILD, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr.on('data', (d: Buffer) => (err += d.toString()));
    p.on('error', reject);
    p.on('close', (code) => (code === 0 ? resolve(JSON.parse(out) as ChildResult) : reject(new Error(`child exited ${code}: ${err}`))));
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
    // Two processes promote once, the others repeatedly; all start at the same instant (each
    // child spins until then, after its start-up and database open).
    const rounds = [1, 1, 4, 8, 15, 15];
    const startAt = String(Date.now() + 1500);
    const file = path.join(r.home, 'trainyard.db');
    const results = await Promise.all(ids.map((id, i) => child([file, r.modelsDir, id, startAt, String(rounds[i])])));

    expect(results.flatMap((x) => x.errors)).toEqual([]);
    results.forEach((x, i) => {
      expect(x.ok + x.refused).toBe(rounds[i]);
      // A process is refused only while its own version is the production one, so its first try wins.
      expect(x.ok).toBeGreaterThanOrEqual(1);
    });
    const promotions = results.reduce((n, x) => n + x.ok, 0);

    const check = openRegistry({ file, modelsDir: r.modelsDir });
    const production = check.models.list({ name: 'alpha', stage: 'production' });
    expect(production).toHaveLength(1);
    const history = check.models.history('alpha');
    expect(history.filter((h) => h.action === 'promote' && h.to_stage === 'production')).toHaveLength(promotions);
    // Every promotion but the very first retired the version that was production before it.
    expect(history.filter((h) => h.action === 'retire')).toHaveLength(promotions - 1);
    // Replaying the history never sees two production versions: each promotion follows the
    // retirement of the version before it.
    let current: string | null = null;
    for (const h of history) {
      if (h.action === 'retire') {
        expect(h.model_id).toBe(current);
        expect(h.reason).toMatch(/^replaced by alpha@\d+$/);
        current = null;
      } else {
        expect(current).toBeNull();
        current = h.model_id;
      }
    }
    expect(current).toBe(production[0]!.model_id);
    expect(check.audit.list({ action: 'promote_model', limit: 1000 })).toHaveLength(rounds.reduce((a, b) => a + b, 0));
    check.close();
  }, 60_000);
});
