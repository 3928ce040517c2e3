import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import { DomainError } from '../domain/errors.js';
import type { ModelVersion } from '../domain/model-version.js';

/** What retention needs to know of a version (read without parsing the whole row). */
export type RetentionCandidate = Pick<ModelVersion, 'model_id' | 'name' | 'version' | 'stage' | 'ever_in_production' | 'artifact_path'>;

/**
 * Versions retention archives: everything past the newest `keep` of one name, except versions
 * that were ever in production (rollback targets and the audit trail of what traded) and versions
 * now in staging or production. `versions` is one name's non-archived versions, any order.
 */
export function retentionVictims<T extends RetentionCandidate>(versions: readonly T[], keep: number): T[] {
  if (!Number.isInteger(keep) || keep < 1)
    throw new DomainError('INVALID_ARGUMENT', `Retention must keep at least 1 version per name, got ${keep}.`, { keep });
  return [...versions]
    .sort((a, b) => b.version - a.version)
    .slice(keep)
    .filter((m) => m.stage !== 'archived' && !m.ever_in_production && m.stage !== 'staging' && m.stage !== 'production');
}

export interface RemovalFailure {
  model_id: string;
  path: string;
  error: string;
}

/**
 * Removes the artifact folders of versions already marked archived (committed). A failure is
 * logged and returned, never thrown: the row says archived either way and the folder, now owned by
 * no live version, shows up in `orphanFolders()` for the next start to remove.
 */
export function removeArtifacts(versions: readonly Pick<ModelVersion, 'model_id' | 'artifact_path'>[], logger?: Logger): RemovalFailure[] {
  const failures: RemovalFailure[] = [];
  for (const m of versions) {
    try {
      fs.rmSync(m.artifact_path, { recursive: true, force: true });
    } catch (err) {
      const error = (err as Error).message;
      logger?.warn(
        { model_id: m.model_id, path: m.artifact_path, err },
        'could not remove the artifact folder of an archived model version',
      );
      failures.push({ model_id: m.model_id, path: m.artifact_path, error });
    }
  }
  return failures;
}

/**
 * Entries under `modelsDir` that no registered, non-archived version owns: folders of archived
 * versions whose removal failed, `.tmp-*` leftovers of interrupted writes, unknown folders, and
 * everything inside `.staging/` (the job runner keeps the staging folders of live jobs).
 */
export function unownedFolders(modelsDir: string, livePaths: Iterable<string>): string[] {
  if (!fs.existsSync(modelsDir)) return [];
  const live = new Set([...livePaths].map((p) => path.resolve(p)));
  const out: string[] = [];
  for (const entry of fs.readdirSync(modelsDir, { withFileTypes: true })) {
    const full = path.resolve(modelsDir, entry.name);
    if (entry.name === '.staging' && entry.isDirectory()) {
      for (const s of fs.readdirSync(full).sort()) out.push(path.join(full, s));
    } else if (entry.isDirectory() ? !live.has(full) : entry.name.startsWith('.tmp-')) {
      out.push(full);
    }
  }
  return out.sort();
}
