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
