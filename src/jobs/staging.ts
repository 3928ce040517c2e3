import fs from 'node:fs';
import path from 'node:path';

/**
 * The folder where workers save artifacts before registration: `<dir>/<operation_id>`, written by
 * the pipeline through a `.tmp-<operation_id>-<hex>` folder renamed into place.
 */
export function createStaging(dir: string) {
  const entries = (): string[] => (fs.existsSync(dir) ? fs.readdirSync(dir) : []);

  return {
    dir,
    pathFor: (id: string): string => path.join(dir, id),

    /** Removes everything staged for one operation (the folder and any half-written temp folder). */
    remove(id: string): string[] {
      const gone = entries().filter((name) => operationIdOf(name) === id);
      for (const name of gone) fs.rmSync(path.join(dir, name), { recursive: true, force: true });
      return gone.map((name) => path.join(dir, name));
    },

    /** Staged folders with the operation they belong to (null when the name is not one of ours). */
    list(): { path: string; operation_id: string | null }[] {
      return entries().map((name) => ({ path: path.join(dir, name), operation_id: operationIdOf(name) }));
    },
  };
}

export type Staging = ReturnType<typeof createStaging>;

/** `op_x` and `.tmp-op_x-1a2b3c4d` both belong to `op_x` (operation ids hold no '-'). */
export function operationIdOf(name: string): string | null {
  const id = name.replace(/^\.tmp-/, '').split('-')[0] ?? '';
  return /^op_\w+$/.test(id) ? id : null;
}
