import path from 'node:path';
import { createAuditLog } from './audit.js';
import { openDatabase } from './db.js';
import { createModelStore } from './models.js';
import { createOperationStore } from './operations.js';
import type { Actor, ListModelsFilter, PromoteInput, RegisterInput } from './types.js';

export interface RegistryOptions {
  /** Database file, normally $TRAINYARD_HOME/trainyard.db. */
  file: string;
  modelsDir: string;
  clock?: () => Date;
  pid?: number;
  /** Newest versions kept per name (default 5). */
  retention?: number;
}

/**
 * The registry: the source of truth for model versions, stage changes, operations and the audit
 * log. Every mutating model call is audited (actor, action, target, arguments, outcome).
 */
export function openRegistry(opts: RegistryOptions) {
  const clock = opts.clock ?? (() => new Date());
  const db = openDatabase(opts.file);
  const models = createModelStore({ db, modelsDir: opts.modelsDir, clock, retention: opts.retention ?? 5 });
  const operations = createOperationStore(db, clock, opts.pid ?? process.pid);
  const audit = createAuditLog(db, clock);
  let closed = false;
  return {
    db,
    file: opts.file,
    modelsDir: path.resolve(opts.modelsDir),
    operations,
    audit,
    models: {
      ...models,
      register(input: RegisterInput, actor: Actor) {
        const args = { name: input.name, operation_id: input.operation_id };
        const model = audit.record(actor, 'register_model', input.name, args, () => models.register(input, actor));
        const archived = audit.record(actor, 'apply_retention', input.name, { keep: opts.retention ?? 5 }, () =>
          models.applyRetention(input.name, actor),
        );
        return { ...model, archived };
      },
      promote(input: PromoteInput, actor: Actor) {
        const { gate_result: _gate, ...args } = input;
        return audit.record(actor, 'promote_model', input.model_id, args, () => models.promote(input, actor));
      },
      rollback(name: string, reason: string, actor: Actor) {
        return audit.record(actor, 'rollback_model', name, { reason }, () => models.rollback(name, reason, actor));
      },
      applyRetention(name: string, actor: Actor, keep?: number) {
        return audit.record(actor, 'apply_retention', name, { keep }, () => models.applyRetention(name, actor, keep));
      },
      list: (filter?: ListModelsFilter) => models.list(filter),
    },
    close(): void {
      if (closed) return;
      closed = true;
      db.close();
    },
  };
}

export type Registry = ReturnType<typeof openRegistry>;
