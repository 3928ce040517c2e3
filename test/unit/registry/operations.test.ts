import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../../src/registry/db.js';
import { MIGRATIONS, schemaVersion } from '../../../src/registry/migrations.js';
import { createOperationStore } from '../../../src/registry/operations.js';

const tmpFile = () => path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ty-reg-')), 'trainyard.db');

describe('database', () => {
  it('migrates an empty file to the latest version and is idempotent on reopen', () => {
    const file = tmpFile();
    const db = openDatabase(file);
    expect(schemaVersion(db)).toBe(MIGRATIONS.length);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    db.close();
    const again = openDatabase(file);
    expect(schemaVersion(again)).toBe(MIGRATIONS.length);
    again.close();
  });

  it('gives a clear error for a corrupt file and for a read-only one', () => {
    const file = tmpFile();
    fs.writeFileSync(file, 'this is not sqlite at all, just some text '.repeat(100));
    expect(() => openDatabase(file)).toThrow(/Cannot open the registry database .*not a trainyard database or is damaged/);
    // A path that cannot be opened as a file (here: a folder), and a file from a newer trainyard.
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'ty-reg-dir-'));
    expect(() => openDatabase(folder)).toThrow(/Cannot open the registry database .*(not writable|Check)/);
    const newer = tmpFile();
    const db = openDatabase(newer);
    db.pragma('user_version = 99');
    db.close();
    expect(() => openDatabase(newer)).toThrow(/schema version 99 is newer than this trainyard.*upgrade trainyard/);
    if (process.getuid?.() !== 0) {
      const ro = tmpFile();
      openDatabase(ro).close();
      fs.chmodSync(path.dirname(ro), 0o555);
      fs.chmodSync(ro, 0o444);
      expect(() => openDatabase(ro)).toThrow(/not writable/);
    }
  });
});

describe('operations', () => {
  const clock = () => new Date('2026-01-02T03:04:05Z');
  it('creates, updates and ends an operation; a late status change after the end is refused', () => {
    const db = openDatabase(tmpFile());
    const ops = createOperationStore(db, clock, process.pid);
    const op = ops.create({ type: 'training', params: { strategy: 'x' } });
    expect(op).toMatchObject({ status: 'pending', progress_pct: 0, type: 'training', owner_pid: process.pid });
    expect(op.id).toMatch(/^op_20260102030405_[0-9a-f]{6}$/);
    ops.claim(op.id);
    const mid = ops.update(op.id, { phase: 'model_training', progress_pct: 40, metrics: { epoch: 2 } });
    expect(mid).toMatchObject({ status: 'running', phase: 'model_training', progress_pct: 40, metrics: { epoch: 2 } });
    expect(mid.started_at).toBe(clock().toISOString());
    const done = ops.update(op.id, { status: 'cancelled', message: 'user' });
    expect(done.finished_at).not.toBeNull();
    expect(() => ops.update(op.id, { status: 'completed' })).toThrow(/already ended as cancelled/);
    expect(ops.list({ status: 'cancelled' }).map((o) => o.id)).toEqual([op.id]);
    expect(() => ops.get('op_nope')).toThrow(/No operation "op_nope"/);
  });

  it('marks rows of dead processes interrupted and leaves live ones alone', () => {
    const db = openDatabase(tmpFile());
    const mine = createOperationStore(db, clock, process.pid);
    const dead = createOperationStore(db, clock, 999_999);
    const live = createOperationStore(db, clock, 4242);
    const a = dead.create({ type: 'training', params: {} });
    dead.claim(a.id);
    const b = live.create({ type: 'training', params: {} });
    const c = dead.create({ type: 'backtest', params: {}, parent_id: a.id });
    const ids = mine.markInterrupted((pid) => pid === 4242);
    expect(ids.sort()).toEqual([a.id, c.id].sort());
    expect(mine.get(a.id).status).toBe('interrupted');
    expect(mine.get(b.id).status).toBe('pending');
  });
});
