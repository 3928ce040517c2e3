import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { createRng } from '../../src/pipeline/random.js';
import { CLI, runCli } from '../helpers/cli.js';

/**
 * Fault injection (issue 11 item 5): the built CLI is killed with SIGKILL at seeded random moments
 * of train, register (the end of a training run), promote, ingest and research, at least 50 times.
 * After a restart's recovery the state folder must hold: an intact database, no model folder that
 * no version owns, no version without its folder or its registration gates, and every operation
 * terminal or interrupted.
 */

const KILLS = 50;
const DATA = 'synthetic:seed=1,bars=600';

type Kind = 'train' | 'register' | 'promote' | 'ingest' | 'research';

function tinyStrategy(dir: string): string {
  const src = fs.readFileSync(path.resolve(import.meta.dirname, '..', 'fixtures', 'momentum-test.yaml'), 'utf8');
  const file = path.join(dir, 'fault_test.yaml');
  fs.writeFileSync(
    file,
    src
      .replace('name: momentum_test', 'name: fault_test')
      .replace('hidden_layers: [16, 8]', 'hidden_layers: [8]')
      .replace('epochs: 12', 'epochs: 2'),
  );
  return file;
}

function modelIds(dbFile: string): string[] {
  if (!fs.existsSync(dbFile)) return [];
  const db = new Database(dbFile, { readonly: true, timeout: 5000 });
  try {
    return (db.prepare(`SELECT model_id FROM model_versions WHERE stage != 'archived'`).all() as { model_id: string }[]).map(
      (r) => r.model_id,
    );
  } finally {
    db.close();
  }
}

describe('faults survived', () => {
  it(`${KILLS} SIGKILLs at random points of train, register, promote, ingest and research leave a consistent registry`, async () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'trainyard-faults-'));
    const dbFile = path.join(home, 'trainyard.db');
    const strategy = tinyStrategy(home);
    const env = { TRAINYARD_HOME: home, TRAINYARD_LOG_LEVEL: 'silent' };
    // Seeded so a failing run can be replayed.
    const rand = createRng(11);
    const random = () => rand.next();

    // One clean run gives promote something to move and measures how long a run takes here.
    const t0 = Date.now();
    const first = await runCli(['train', strategy, '--data', DATA, '--quiet', '--json'], { env });
    expect(first.code, first.stderr).toBe(0);
    const trainMs = Date.now() - t0;

    const args = (kind: Kind, i: number): string[] => {
      switch (kind) {
        case 'train':
        case 'register':
          return ['train', strategy, '--data', DATA, '--quiet', '--json', '--seed', String(i)];
        case 'promote': {
          const ids = modelIds(dbFile);
          const id = ids[Math.floor(random() * ids.length)] ?? 'fault_test@1';
          const to = random() < 0.5 ? 'staging' : 'production';
          return ['models', 'promote', id, '--to', to, '--reason', 'fault injection', '--skip-staging', '--force'];
        }
        case 'ingest':
          return ['ingest', '--data', `synthetic:seed=${1 + (i % 3)},bars=600`, '--replace'];
        case 'research':
          return ['research', '--cycles', '1', '--designer', 'offline', '--data', DATA, '--program', 'faults', '--seed', String(i)];
      }
    };
    // Where in a run to strike: anywhere for most; the last stretch of training for register.
    const delay = (kind: Kind): number => {
      const r = random();
      if (kind === 'register') return trainMs * (0.6 + 0.4 * r);
      if (kind === 'research') return trainMs * r;
      return trainMs * 0.8 * r;
    };
    const plan: Kind[] = ['train', 'register', 'promote', 'ingest', 'research'];
    const kills: Record<Kind, number> = { train: 0, register: 0, promote: 0, ingest: 0, research: 0 };
    let killed = 0;
    let runs = 0;
    while (killed < KILLS && runs < KILLS * 2) {
      const kind = plan[runs % plan.length]!;
      const wait = delay(kind);
      const child = spawn(process.execPath, [CLI, ...args(kind, runs)], {
        env: { PATH: process.env['PATH'] ?? '', TRAINYARD_WASM_THREADS: '1', ...env },
        stdio: 'ignore',
      });
      runs++;
      const ended = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
      const timer = setTimeout(() => child.kill('SIGKILL'), wait);
      const signal = await ended;
      clearTimeout(timer);
      if (signal === 'SIGKILL') {
        killed++;
        kills[kind]++;
      }
    }
    console.log(`fault injection: ${killed} SIGKILLs in ${runs} runs`, kills);
    expect(killed).toBeGreaterThanOrEqual(KILLS);
    for (const k of plan) expect(kills[k], k).toBeGreaterThan(0);

    // A restart: start-up recovery marks dead processes' operations interrupted and removes orphans.
    const status = await runCli(['status', '--json'], { env });
    expect(status.code, status.stderr).toBe(0);

    const db = new Database(dbFile, { readonly: true });
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      const versions = db.prepare(`SELECT model_id, stage, artifact_path FROM model_versions`).all() as {
        model_id: string;
        stage: string;
        artifact_path: string;
      }[];
      const live = versions.filter((v) => v.stage !== 'archived');
      // No half-registered version: its folder is whole and both registration gates are stored.
      const gates = db.prepare(`SELECT gate FROM gate_results WHERE model_id = ? AND context = 'registration'`);
      for (const v of live) {
        for (const f of ['model.json', 'weights.bin', 'result.json', 'strategy.yaml'])
          expect(fs.existsSync(path.join(v.artifact_path, f)), `${v.model_id}/${f}`).toBe(true);
        const stored = (gates.all(v.model_id) as { gate: string }[]).map((g) => g.gate).sort();
        expect(stored, `${v.model_id} registration gates`).toEqual(['backtest', 'training']);
      }
      // No orphan folder: everything under models/ belongs to a live version (staging emptied).
      const models = path.join(home, 'models');
      const owned = new Set(live.map((v) => path.resolve(v.artifact_path)));
      for (const entry of fs.existsSync(models) ? fs.readdirSync(models) : []) {
        if (entry === '.staging') expect(fs.readdirSync(path.join(models, entry)), 'staging leftovers').toEqual([]);
        else if (entry !== 'model_registry.json') expect(owned.has(path.resolve(models, entry)), `orphan ${entry}`).toBe(true);
      }
      // Nor a temporary file of a mirror write that a kill cut short.
      const training = path.join(home, 'training');
      for (const dir of [models, training, path.join(training, 'runs')])
        for (const f of fs.existsSync(dir) ? fs.readdirSync(dir) : []) expect(f, `leftover in ${dir}`).not.toMatch(/\.tmp-/);
      expect(live.length).toBeGreaterThan(0);
      // Every operation ended, or was marked interrupted by the recovery.
      const open = db
        .prepare(`SELECT id, type, status FROM operations WHERE status NOT IN ('completed','failed','cancelled','interrupted')`)
        .all();
      expect(open).toEqual([]);
      const interrupted = (db.prepare(`SELECT COUNT(*) AS n FROM operations WHERE status = 'interrupted'`).get() as { n: number }).n;
      expect(interrupted).toBeGreaterThan(0);
      console.log(`after recovery: ${live.length} live versions, ${versions.length} in all, ${interrupted} operations interrupted`);
      // At most one production version per name (the database enforces it; a failed promotion must not break it).
      const prod = db.prepare(`SELECT name, COUNT(*) AS n FROM model_versions WHERE stage = 'production' GROUP BY name HAVING n > 1`).all();
      expect(prod).toEqual([]);
    } finally {
      db.close();
    }
  });
});
