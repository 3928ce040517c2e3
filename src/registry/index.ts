import path from 'node:path';
import type { Logger } from 'pino';
import { createAuditLog } from './audit.js';
import { openDatabase } from './db.js';
import { announceWrites, type WriteGate } from './write-gate.js';
import { createEvaluationStore } from './evaluations.js';
import { createModelStore } from './models.js';
import { createOperationStore } from './operations.js';
import { createResearchCycleStore } from './research-cycles.js';
import { createTriggerStore } from './triggers.js';
import { createTuningTrialStore } from './tuning-trials.js';
import type { Actor, ListModelsFilter, PromoteInput, RegisterInput } from './types.js';

export interface RegistryOptions {
  /** Database file, normally <home>/trainyard.db. */
  file: string;
  /** Artifact folders, normally <home>/models. */
  modelsDir: string;
  clock?: () => Date;
  pid?: number;
  /** Newest versions kept per name (default 5); register applies it after each registration. */
  retention?: number;
  logger?: Logger;
  /** Announce this connection's writes to workers that write the same file (write-gate.ts). */
  writeGate?: WriteGate | undefined;
  /**
   * false: this connection never checkpoints the WAL after its commits; the caller does it
   * elsewhere (`checkpointWal` in the task worker). A checkpoint fsyncs the database: 10-30 ms
   * here after a bulk write, which on the main thread is a stall. Default true (SQLite's 1,000 pages).
   */
  autoCheckpoint?: boolean | undefined;
}

/**
 * The registry: the source of truth for model versions, stage changes, operations and the audit
 * log; the one object services use. Every mutating model call (register, promote, rollback,
 * retention, metrics) is audited with actor, action, target, arguments and outcome; failures are
 * audited too, after their own transaction rolled back.
 */
export function openRegistry(opts: RegistryOptions) {
  const clock = opts.clock ?? (() => new Date());
  const modelsDir = path.resolve(opts.modelsDir);
  const retention = opts.retention ?? 5;
  const logger = opts.logger;
  const db = openDatabase(opts.file);
  if (opts.writeGate) announceWrites(db, opts.writeGate);
  if (opts.autoCheckpoint === false) db.pragma('wal_autocheckpoint = 0');
  const audit = createAuditLog(db, clock, logger);
  const models = createModelStore({
    db,
    modelsDir,
    clock,
    retention,
    logger,
    onRemovalFailed: (f, actor) =>
      audit.write({ actor, action: 'remove_artifact', target: f.model_id, args: { path: f.path }, error: f.error }),
  });
  const operations = createOperationStore(db, clock, opts.pid ?? process.pid);
  const evaluations = createEvaluationStore(db, clock);

  function applyRetention(name: string, keep: number | undefined, actor: Actor): string[] {
    return audit.record(actor, 'apply_retention', name, { keep: keep ?? retention }, () => models.applyRetention(name, keep, actor));
  }

  let closed = false;
  return {
    db,
    file: opts.file,
    modelsDir,
    operations,
    triggers: createTriggerStore(db, clock),
    audit,
    research: createResearchCycleStore(db, clock),
    tuning: createTuningTrialStore(db, clock),
    evaluations: {
      ...evaluations,
      /** A person's approval of a version for production (config gates.require_human_approval). */
      approve(modelId: string, approvedBy: Actor, reason: string) {
        return audit.record(approvedBy, 'approve_model', modelId, { reason }, () => {
          models.get(modelId);
          return evaluations.approve(modelId, approvedBy, reason);
        });
      },
    },
    models: {
      ...models,
      /**
       * Registers, then applies retention to the name. The version is registered once the first
       * step returns: a retention failure is audited and logged, never turned into a failed
       * registration (the caller would otherwise clean up a model that exists).
       */
      register(input: RegisterInput, actor: Actor) {
        const args = { name: input.name, operation_id: input.operation_id, staged_path: input.staged_path };
        const model = audit.record(actor, 'register_model', input.name, args, () => models.register(input, actor));
        let archived: string[] = [];
        try {
          archived = applyRetention(input.name, undefined, actor);
        } catch (err) {
          logger?.warn({ err, name: input.name }, 'retention after registration failed');
        }
        return { ...model, archived };
      },
      promote(input: PromoteInput, actor: Actor) {
        const { gate_result: gate, ...args } = input;
        const gateArgs = gate ? { gate: gate.gate, gate_passed: gate.passed } : {};
        return audit.record(actor, 'promote_model', input.model_id, { ...args, ...gateArgs }, () => models.promote(input, actor));
      },
      rollback(name: string, reason: string, actor: Actor) {
        return audit.record(actor, 'rollback_model', name, { reason }, () => models.rollback(name, reason, actor));
      },
      applyRetention,
      setMetrics(modelId: string, key: 'backtest' | 'production', value: Record<string, unknown>, actor: Actor = 'system') {
        return audit.record(actor, 'set_metrics', modelId, { key }, () => models.setMetrics(modelId, key, value));
      },
      list: (filter?: ListModelsFilter) => models.list(filter),
    },
    /** Closes the database; safe to call more than once. */
    close(): void {
      if (closed) return;
      closed = true;
      db.close();
    },
  };
}

export type Registry = ReturnType<typeof openRegistry>;
