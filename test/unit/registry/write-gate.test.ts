import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createTaskRunner } from '../../../src/jobs/tasks/task-runner.js';
import { openRegistry } from '../../../src/registry/index.js';
import { announceWrites, createWriteGate, mainWriteWaiting, waitForMainWrites } from '../../../src/registry/write-gate.js';
import { startWalCheckpoints } from '../../../src/services/wal-checkpoints.js';
import Database from 'better-sqlite3';

const silent = { warn: () => {}, debug: () => {} };

function gatedDb() {
  const gate = createWriteGate();
  const db = new Database(':memory:');
  db.exec('CREATE TABLE t (v INTEGER)');
  // What the gate reads at the moment SQLite runs the statement.
  db.function('gate_now', () => Atomics.load(gate, 0));
  announceWrites(db, gate);
  return { gate, db };
}

describe('write gate', () => {
  it('announces write statements, exec and transactions while they run, and never reads', () => {
    const { gate, db } = gatedDb();
    db.prepare('INSERT INTO t VALUES (gate_now())').run();
    db.exec('INSERT INTO t VALUES (gate_now())');
    db.transaction(() => db.prepare('INSERT INTO t VALUES (gate_now())').run()).immediate();
    db.transaction(() => db.prepare('INSERT INTO t VALUES (gate_now())').run())();
    // Inside a transaction the statement is announced twice (nested), and released once done.
    expect(db.prepare('SELECT v FROM t').pluck().all()).toEqual([1, 1, 2, 2]);
    expect(db.prepare('SELECT gate_now()').pluck().get()).toBe(0);
    expect(Atomics.load(gate, 0)).toBe(0);
  });

  it('releases the gate when a write or a transaction throws', () => {
    const { gate, db } = gatedDb();
    expect(() => db.prepare('INSERT INTO nowhere VALUES (1)')).toThrow();
    const insert = db.prepare('INSERT INTO t VALUES (?)');
    expect(() => insert.run('x', 'y')).toThrow();
    expect(() =>
      db
        .transaction(() => {
          insert.run(1);
          throw new Error('boom');
        })
        .exclusive(),
    ).toThrow('boom');
    expect(Atomics.load(gate, 0)).toBe(0);
    expect(db.prepare('SELECT COUNT(*) FROM t').pluck().get()).toBe(0);
  });

  it('a worker side sees an announced write and waits at most its bound', () => {
    const gate = createWriteGate();
    expect(mainWriteWaiting(gate)).toBe(false);
    expect(mainWriteWaiting(undefined)).toBe(false);
    Atomics.add(gate, 0, 1);
    expect(mainWriteWaiting(gate)).toBe(true);
    const t = performance.now();
    waitForMainWrites(gate, 30);
    expect(performance.now() - t).toBeGreaterThanOrEqual(25);
    Atomics.sub(gate, 0, 1);
    const u = performance.now();
    waitForMainWrites(gate, 5000);
    expect(performance.now() - u).toBeLessThan(100);
  });
});

describe('WAL checkpoints off the main connection', () => {
  it('a registry opened without automatic checkpoints lets the WAL grow; the checker copies it back', async () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'ty-wal-'));
    const file = path.join(home, 'trainyard.db');
    const registry = openRegistry({ file, modelsDir: path.join(home, 'models'), autoCheckpoint: false });
    const tasks = createTaskRunner({ offThread: false });
    const wal = startWalCheckpoints({ file, tasks, logger: silent, intervalMs: 3_600_000, thresholdBytes: 1 << 20 });
    try {
      expect(await wal.check()).toBeNull();
      // ~8 MB of audit rows, one transaction each: SQLite alone would have checkpointed at 4 MB.
      const big = 'x'.repeat(4000);
      for (let i = 0; i < 2000; i++) registry.audit.append('test', 'fill', null, { big, i });
      expect(fs.statSync(`${file}-wal`).size).toBeGreaterThan(8_000_000);
      const r = await wal.check();
      expect(r).not.toBeNull();
      expect(r!.busy).toBe(false);
      expect(r!.wal_frames).toBeGreaterThan(2000);
      expect(r!.checkpointed).toBe(r!.wal_frames);
    } finally {
      await wal.stop();
      registry.close();
    }
  });
});
