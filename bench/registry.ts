// Registry latency with 10,000 versions in the database: register (allocate + rename + insert +
// retention), promote, list and get, p50/p99 over many calls. One JSON line per operation.
// Run: npx tsx bench/registry.ts   (VERSIONS=... to change the fill)
// The register/promote p99 is SQLite's WAL auto-checkpoint (every ~1000 pages, run by the committing
// call); with wal_autocheckpoint = 0 both p99s fall below 1 ms.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openRegistry } from '../src/registry/index.js';
import { emit } from './_shared.js';

const VERSIONS = Number(process.env['VERSIONS'] ?? 10_000);
const NAMES = 100;
const SAMPLES = 1000;
const home = fs.mkdtempSync(path.join(os.tmpdir(), 'trainyard-bench-registry-'));
const modelsDir = path.join(home, 'models');
// Retention keeps everything so the table really holds 10,000 live versions (it still runs, and
// reads each name's versions, on every register).
const registry = openRegistry({ file: path.join(home, 'trainyard.db'), modelsDir, retention: 1_000_000 });
const lineage = { strategy_hash: 'h', data_hash: 'd', data_source: 'sample:sp500', code_version: 'bench', seed: 1, backend: 'wasm' };
const metrics = { training: {}, validation: {}, test: { accuracy: 0.5 } };

function staged(tag: string): string {
  const dir = path.join(modelsDir, '.staging', tag);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'model.json'), '{}');
  return dir;
}

function percentiles(xs: number[]): { p50_ms: number; p99_ms: number } {
  const s = [...xs].sort((a, b) => a - b);
  const at = (q: number) => +s[Math.min(s.length - 1, Math.floor(q * s.length))]!.toFixed(3);
  return { p50_ms: at(0.5), p99_ms: at(0.99) };
}

function timed<T>(samples: number[], fn: () => T): T {
  const t0 = performance.now();
  const out = fn();
  samples.push(performance.now() - t0);
  return out;
}

// Fill: rows inserted in one transaction, as register would write them (folders are not needed
// for what is measured: only the versions registered below own folders).
const t0 = performance.now();
const insert = registry.db.prepare(
  `INSERT INTO model_versions (model_id, name, version, stage, created_at, created_by, operation_id, artifact_path, lineage, metrics, stage_changed_at)
   VALUES (?, ?, ?, 'candidate', ?, 'bench', NULL, ?, ?, ?, ?)`,
);
registry.db.transaction(() => {
  for (let i = 0; i < VERSIONS; i++) {
    const name = `strategy_${i % NAMES}`;
    const version = 1 + Math.floor(i / NAMES);
    const at = new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString();
    insert.run(
      `${name}@${version}`,
      name,
      version,
      at,
      path.join(modelsDir, `${name}@${version}`),
      JSON.stringify(lineage),
      JSON.stringify(metrics),
      at,
    );
  }
})();
const fillMs = performance.now() - t0;

const register: number[] = [];
for (let i = 0; i < SAMPLES; i++) {
  const name = `strategy_${i % NAMES}`;
  const dir = staged(`b${i}`); // staging the folder is the worker's job, not timed
  timed(register, () => registry.models.register({ name, operation_id: null, lineage, metrics, staged_path: dir }, 'bench'));
}
emit({ bench: 'registry', op: 'register', versions: VERSIONS, n: register.length, ...percentiles(register), fill_ms: Math.round(fillMs) });

// Alternates staging and production over the same versions: v1 -> production, v2 -> staging,
// v3 -> production (retiring v1), ... so half the calls also retire a production version.
const promote: number[] = [];
for (let i = 0; i < SAMPLES; i++) {
  const name = `strategy_${i % NAMES}`;
  const version = 1 + Math.floor(i / NAMES);
  timed(promote, () =>
    registry.models.promote(
      { model_id: `${name}@${version}`, to_stage: i % 2 ? 'staging' : 'production', reason: 'bench', skip_staging: true },
      'bench',
    ),
  );
}
emit({ bench: 'registry', op: 'promote', versions: VERSIONS, n: promote.length, ...percentiles(promote) });

const listByName: number[] = [];
const listByStage: number[] = [];
const get: number[] = [];
for (let i = 0; i < SAMPLES; i++) {
  timed(listByName, () => registry.models.list({ name: `strategy_${i % NAMES}` }));
  timed(listByStage, () => registry.models.list({ stage: 'production' }));
  timed(get, () => registry.models.get(`strategy_${i % NAMES}@${1 + (i % 50)}`));
}
emit({ bench: 'registry', op: 'list_by_name', versions: VERSIONS, n: SAMPLES, ...percentiles(listByName) });
emit({ bench: 'registry', op: 'list_by_stage', versions: VERSIONS, n: SAMPLES, ...percentiles(listByStage) });
emit({ bench: 'registry', op: 'get', versions: VERSIONS, n: SAMPLES, ...percentiles(get) });
registry.close();
fs.rmSync(home, { recursive: true, force: true });
