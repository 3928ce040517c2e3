import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { DomainError } from '../domain/errors.js';
import { migrate } from './migrations.js';

export type Db = Database.Database;

/**
 * Opens (creating if needed) the registry database: WAL so readers never block the writer, foreign
 * keys on, and a busy timeout so a CLI command beside a running server waits for the write lock
 * instead of failing. Corrupt, unreadable or read-only files become a DomainError naming the file.
 */
export function openDatabase(file: string, opts: { busyTimeoutMs?: number } = {}): Db {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true });
  let db: Db | undefined;
  try {
    db = new Database(file, { timeout: opts.busyTimeoutMs ?? 5000 });
    db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    db.pragma('synchronous = NORMAL');
    const check = db.pragma('quick_check', { simple: true });
    if (check !== 'ok') throw new Error(`integrity check: ${String(check)}`);
    migrate(db);
    return db;
  } catch (err) {
    db?.close();
    if (err instanceof DomainError) throw err;
    const msg = (err as Error).message;
    const code = (err as { code?: string }).code ?? '';
    const hint =
      code === 'SQLITE_NOTADB' || /not a database|malformed|integrity/.test(msg)
        ? 'The file is not a trainyard database or is damaged. Move it aside (keep a copy) and start again, or point TRAINYARD_HOME elsewhere.'
        : code === 'SQLITE_READONLY' || code === 'SQLITE_CANTOPEN' || /readonly|read-only|unable to open/.test(msg)
          ? 'The file or its folder is not writable. Check permissions, or point TRAINYARD_HOME at a writable folder.'
          : 'Check the file and its folder.';
    throw new DomainError('REGISTRY_UNAVAILABLE', `Cannot open the registry database ${file}: ${msg}. ${hint}`, {
      file,
      sqlite_code: code,
    });
  }
}

/**
 * A worker thread's own connection to a registry the main thread opened (and migrated): WAL is
 * already on, foreign keys and the busy timeout as `openDatabase`, no migration, no integrity
 * check (the main thread did both).
 */
export function openWorkerConnection(file: string): Db {
  const db = new Database(file, { fileMustExist: true, timeout: 5000 });
  db.pragma('foreign_keys = ON');
  db.pragma('synchronous = NORMAL');
  return db;
}

/** What `checkpointWal` did: WAL frames, frames copied into the database, and whether a reader or writer kept it from finishing. */
export interface CheckpointResult {
  wal_frames: number;
  checkpointed: number;
  busy: boolean;
}

/**
 * Copies the WAL into the database file without waiting for readers or writers (PASSIVE), over
 * its own connection: run in the task worker for a server whose main connection does not
 * checkpoint (openRegistry `autoCheckpoint: false`).
 */
export function checkpointWal(file: string): CheckpointResult {
  const db = new Database(file, { fileMustExist: true, timeout: 1000 });
  try {
    return checkpointOn(db);
  } finally {
    db.close();
  }
}

/** A PASSIVE checkpoint on `db`'s own connection. */
export function checkpointOn(db: Db): CheckpointResult {
  const [r] = db.pragma('wal_checkpoint(PASSIVE)') as { busy: number; log: number; checkpointed: number }[];
  return { wal_frames: r?.log ?? 0, checkpointed: r?.checkpointed ?? 0, busy: (r?.busy ?? 0) !== 0 };
}
