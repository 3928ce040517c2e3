import fs from 'node:fs';
import path from 'node:path';
import { DomainError } from '../domain/errors.js';
import type { ModelVersion } from '../domain/model-version.js';
import type { Db } from './db.js';
import type { Actor, RegisterInput } from './types.js';
import { renameDurably } from '../config/durable-fs.js';

const NAME = /^[a-z][a-z0-9_]*$/;

/**
 * Registration: allocates `<name>@<next>`, runs `prepare`, moves the staged folder to
 * `<modelsDir>/<model_id>`, inserts the candidate row and runs `within` (the registration gates),
 * all in one immediate transaction (the
 * write lock serializes allocation across processes). Any failure rolls back and removes the staged
 * or already-moved folder, so a failed registration leaves neither a row nor a folder. An existing
 * final folder is a CONFLICT: artifacts are never overwritten.
 */
export function createRegistrar(db: Db, modelsDir: string, clock: () => Date, get: (modelId: string) => ModelVersion) {
  const maxVersion = db.prepare('SELECT MAX(version) AS v FROM model_versions WHERE name = ?');
  const insertVersion = db.prepare(
    `INSERT INTO model_versions (model_id, name, version, stage, created_at, created_by, operation_id, artifact_path, lineage, metrics, stage_changed_at)
     VALUES (@model_id, @name, @version, 'candidate', @at, @actor, @operation_id, @artifact_path, @lineage, @metrics, @at)`,
  );

  return function register(input: RegisterInput, actor: Actor): ModelVersion {
    let moved: string | undefined;
    try {
      if (!NAME.test(input.name))
        throw new DomainError('INVALID_ARGUMENT', `Model name "${input.name}" must start with a-z and hold only a-z, 0-9 and _.`, {
          name: input.name,
        });
      return db
        .transaction(() => {
          const version = ((maxVersion.get(input.name) as { v: number | null }).v ?? 0) + 1;
          const modelId = `${input.name}@${version}`;
          const target = path.join(modelsDir, modelId);
          if (fs.existsSync(target)) {
            throw new DomainError(
              'CONFLICT',
              `Model folder ${target} already exists but no registered version owns it; artifacts are never overwritten. Remove or move it, then retry.`,
              { model_id: modelId, path: target },
            );
          }
          input.prepare?.(modelId, target);
          fs.mkdirSync(modelsDir, { recursive: true });
          renameDurably(input.staged_path, target);
          moved = target;
          insertVersion.run({
            model_id: modelId,
            name: input.name,
            version,
            at: clock().toISOString(),
            actor,
            operation_id: input.operation_id,
            artifact_path: target,
            lineage: JSON.stringify(input.lineage),
            metrics: JSON.stringify(input.metrics),
          });
          const model = get(modelId);
          input.within?.(model);
          return model;
        })
        .immediate();
    } catch (err) {
      // `moved` is set only once our own rename succeeded, so a pre-existing folder is never touched.
      fs.rmSync(moved ?? input.staged_path, { recursive: true, force: true });
      throw err;
    }
  };
}
