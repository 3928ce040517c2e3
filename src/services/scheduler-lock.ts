import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { DomainError } from '../domain/errors.js';
import { processAlive } from '../registry/operations.js';

export const SCHEDULER_LOCK_FILE = 'scheduler.lock';

export interface LockHolder {
  pid: number;
  host: string;
  command: string;
  started_at: string;
  token: string;
}

function readHolder(file: string): LockHolder | null {
  try {
    const h = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<LockHolder>;
    return typeof h.pid === 'number' && typeof h.token === 'string' ? (h as LockHolder) : null;
  } catch {
    return null; // half-written by a process that died between create and write: stale
  }
}

/**
 * One retraining scheduler per state folder (`trainyard watch` and `serve` with
 * triggers.run_in_serve would otherwise both fire the same trigger): an exclusive lock file
 * `<home>/scheduler.lock` holding the owner's pid. A lock whose pid is dead (a killed process) is
 * taken over; a live one is a CONFLICT that names its holder.
 */
export function createSchedulerLock(home: string, command: string, isAlive: (pid: number) => boolean = processAlive) {
  const file = path.join(home, SCHEDULER_LOCK_FILE);
  let mine: LockHolder | null = null;

  function tryCreate(): boolean {
    const holder: LockHolder = {
      pid: process.pid,
      host: os.hostname(),
      command,
      started_at: new Date().toISOString(),
      token: randomBytes(6).toString('hex'),
    };
    let fd: number;
    try {
      fd = fs.openSync(file, 'wx');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw err;
    }
    try {
      fs.writeFileSync(fd, JSON.stringify(holder) + '\n');
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    mine = holder;
    return true;
  }

  return {
    file,
    /** Takes the lock (idempotent while held); throws CONFLICT naming the live holder. */
    acquire(): void {
      if (mine) return;
      fs.mkdirSync(home, { recursive: true });
      for (let attempt = 0; attempt < 2; attempt++) {
        if (tryCreate()) return;
        const holder = readHolder(file);
        if (holder && holder.host === os.hostname() && isAlive(holder.pid)) {
          throw new DomainError(
            'CONFLICT',
            `A retraining scheduler already runs for ${home}: pid ${holder.pid} (${holder.command}, since ${holder.started_at}). One scheduler per state folder: stop that one first, or use another TRAINYARD_HOME. If no such process runs, remove ${file}.`,
            { lock_file: file, holder },
          );
        }
        if (holder && holder.host !== os.hostname()) {
          throw new DomainError(
            'CONFLICT',
            `A retraining scheduler on host ${holder.host} (pid ${holder.pid}, ${holder.command}) holds ${file}. Stop it there, or remove the file if it no longer runs.`,
            { lock_file: file, holder },
          );
        }
        // The holder died (or never finished writing the file): take the lock over.
        fs.rmSync(file, { force: true });
      }
      const holder = readHolder(file);
      throw new DomainError('CONFLICT', `Another scheduler took ${file} at the same moment (pid ${holder?.pid ?? '?'}); try again.`, {
        lock_file: file,
      });
    },
    /** Removes the lock file if it is still ours. */
    release(): void {
      if (!mine) return;
      if (readHolder(file)?.token === mine.token) fs.rmSync(file, { force: true });
      mine = null;
    },
    holder: (): LockHolder | null => readHolder(file),
  };
}

export type SchedulerLock = ReturnType<typeof createSchedulerLock>;
