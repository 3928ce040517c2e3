import fs from 'node:fs';
import path from 'node:path';
import type { OperationStore } from '../registry/operations.js';
import { operationIdOf, type Staging } from './staging.js';

export interface RecoverOptions {
  /** Whether the process that owns a row still runs; processAlive by default. */
  isAlive?: ((pid: number) => boolean) | undefined;
  /** More folders to remove (services pass the registry's orphan artifact folders). */
  folders?: (() => string[]) | undefined;
}

export interface RecoveryReport {
  /** Rows of dead processes now marked interrupted. */
  interrupted: string[];
  /** Folders removed: the injected ones and staging leftovers of jobs that no longer run. */
  removed: string[];
}

/**
 * After a restart: rows left pending/running by a dead process become interrupted, then leftover
 * folders go. A staged folder stays while its operation is pending or running (ours, or a live
 * process's beside us: a server next to this CLI); `ownsFolder` protects this runner's own jobs.
 */
export function recoverJobs(
  operations: OperationStore,
  staging: Staging,
  isAlive: (pid: number) => boolean,
  ownsFolder: (operationId: string) => boolean,
  folders: () => string[],
): RecoveryReport {
  const interrupted = operations.markInterrupted(isAlive);
  const stillRuns = (id: string | null) => {
    if (!id) return false;
    if (ownsFolder(id)) return true;
    try {
      const status = operations.get(id).status;
      return status === 'pending' || status === 'running';
    } catch {
      return false;
    }
  };
  const candidates = new Set([
    ...folders().map((f) => path.resolve(f)),
    ...staging
      .list()
      .filter((s) => !stillRuns(s.operation_id))
      .map((s) => path.resolve(s.path)),
  ]);
  const removed: string[] = [];
  for (const f of candidates) {
    const id = operationIdOf(path.basename(f));
    if (id && ownsFolder(id)) continue;
    fs.rmSync(f, { recursive: true, force: true });
    removed.push(f);
  }
  return { interrupted, removed };
}
