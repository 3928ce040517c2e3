import type { Logger } from 'pino';
import { DomainError } from '../domain/errors.js';
import type { ModelVersion, PromotionRecord, Stage } from '../domain/model-version.js';
import type { Db } from './db.js';
import { parseRecord, parseVersion, type Row } from './model-rows.js';
import { checkPromotion } from './promotion-rules.js';
import { createRegistrar } from './register.js';
import { removeArtifacts, retentionVictims, unownedFolders, type RemovalFailure, type RetentionCandidate } from './retention.js';
import { whereEquals } from './where.js';
import type { Actor, ListModelsFilter, PromoteInput } from './types.js';

export interface ModelStoreOptions {
  db: Db;
  /** Absolute folder holding `<name>@<version>/` artifact folders. */
  modelsDir: string;
  clock: () => Date;
  /** Newest versions kept per name (plus every version ever in production). */
  retention: number;
  logger?: Logger | undefined;
  /** Told about archived folders that could not be removed (the registry audits them). */
  onRemovalFailed?: ((failure: RemovalFailure, actor: Actor) => void) | undefined;
}

export interface PromoteResult {
  model: ModelVersion;
  retired: ModelVersion | null;
  record: PromotionRecord;
}

export interface RollbackResult {
  model: ModelVersion;
  retired: ModelVersion;
  record: PromotionRecord;
}

/** Model versions, their stages and promotion history. Rows are parsed back through the zod schemas. */
export function createModelStore({ db, modelsDir, clock, retention, logger, onRemovalFailed }: ModelStoreOptions) {
  const byId = db.prepare('SELECT * FROM model_versions WHERE model_id = ?');
  const productionOf = db.prepare(`SELECT * FROM model_versions WHERE name = ? AND stage = 'production'`);
  const insertHistory = db.prepare(
    `INSERT INTO promotion_history (model_id, name, from_stage, to_stage, action, actor, at, reason, gate_result, forced)
     VALUES (@model_id, @name, @from_stage, @to_stage, @action, @actor, @at, @reason, @gate_result, @forced)`,
  );
  // Retention runs after every registration: it reads only the columns it needs, no JSON, no zod.
  const retentionRows = db.prepare(
    `SELECT model_id, name, version, stage, ever_in_production, artifact_path FROM model_versions WHERE name = ? AND stage != 'archived'`,
  );
  const historyRow = db.prepare('SELECT * FROM promotion_history WHERE id = ?');
  const setStage = db.prepare(
    `UPDATE model_versions SET stage = @stage, stage_changed_at = @at,
       ever_in_production = CASE WHEN @stage = 'production' THEN 1 ELSE ever_in_production END
     WHERE model_id = @model_id`,
  );
  // The version to roll back to: the latest one retired from production that can come back.
  const previousProduction = db.prepare(
    `SELECT h.model_id FROM promotion_history h JOIN model_versions m ON m.model_id = h.model_id
     WHERE h.name = ? AND h.from_stage = 'production' AND h.model_id != ? AND m.stage IN ('retired', 'staging')
     ORDER BY h.id DESC LIMIT 1`,
  );

  function get(modelId: string): ModelVersion {
    const row = byId.get(modelId) as Row | undefined;
    if (!row)
      throw new DomainError('MODEL_NOT_FOUND', `No model '${modelId}'. Call list_models (or "trainyard models list") to see versions.`, {
        model_id: modelId,
      });
    return parseVersion(row);
  }

  function production(name: string): ModelVersion | null {
    const row = productionOf.get(name) as Row | undefined;
    return row ? parseVersion(row) : null;
  }

  /** Moves one version to `to` and appends its history row (inside the caller's transaction). */
  function changeStage(
    m: Pick<ModelVersion, 'model_id' | 'name' | 'stage'>,
    to: Stage,
    action: PromotionRecord['action'],
    actor: Actor,
    reason: string,
    extra: { gate?: unknown; forced?: boolean } = {},
  ): PromotionRecord {
    const at = clock().toISOString();
    setStage.run({ stage: to, at, model_id: m.model_id });
    const info = insertHistory.run({
      model_id: m.model_id,
      name: m.name,
      from_stage: m.stage,
      to_stage: to,
      action,
      actor,
      at,
      reason,
      gate_result: extra.gate ? JSON.stringify(extra.gate) : null,
      forced: extra.forced ? 1 : 0,
    });
    return parseRecord(historyRow.get(info.lastInsertRowid) as Row);
  }

  function removeArchived(versions: Pick<ModelVersion, 'model_id' | 'artifact_path'>[], actor: Actor): void {
    for (const failure of removeArtifacts(versions, logger)) onRemovalFailed?.(failure, actor);
  }

  const store = {
    get,
    production,

    /** The version a training operation registered, if it did (registration is once per operation). */
    byOperation(operationId: string): ModelVersion | null {
      const row = db.prepare('SELECT model_id FROM model_versions WHERE operation_id = ? LIMIT 1').get(operationId) as
        { model_id: string } | undefined;
      return row ? get(row.model_id) : null;
    },

    /** Newest first; filter by name and/or stage. */
    list(filter: ListModelsFilter = {}): ModelVersion[] {
      const where = whereEquals({ name: filter.name, stage: filter.stage });
      const sql = `SELECT * FROM model_versions ${where.sql} ORDER BY created_at DESC, rowid DESC LIMIT ?`;
      return (db.prepare(sql).all(...where.args, Math.min(10_000, filter.limit ?? 100)) as Row[]).map(parseVersion);
    },

    names(): string[] {
      return (db.prepare('SELECT DISTINCT name FROM model_versions ORDER BY name').all() as { name: string }[]).map((r) => r.name);
    },

    count(): number {
      return (db.prepare('SELECT COUNT(*) AS n FROM model_versions').get() as { n: number }).n;
    },

    /** See createRegistrar: one transaction; a failure leaves neither a row nor a folder. */
    register: createRegistrar(db, modelsDir, clock, get),

    /**
     * Validates and applies a stage change. Going to production retires the current production
     * version of the same name in the same transaction, each with its own history row.
     */
    promote(input: PromoteInput, actor: Actor): PromoteResult {
      const out = db
        .transaction((): PromoteResult => {
          const m = get(input.model_id);
          if (input.expected) {
            const now = production(m.name)?.model_id ?? null;
            if (m.stage !== input.expected.stage || now !== input.expected.production)
              throw new DomainError(
                'CONFLICT',
                `${m.model_id} changed while its gate was evaluated (stage ${input.expected.stage} -> ${m.stage}, production ${input.expected.production ?? 'none'} -> ${now ?? 'none'}); nothing was promoted. Evaluate the gate again and retry.`,
                { model_id: m.model_id, expected: input.expected, stage: m.stage, production: now },
              );
          }
          checkPromotion(m, input);
          const retired = input.to_stage === 'production' ? production(m.name) : null;
          if (retired) changeStage(retired, 'retired', 'retire', actor, `replaced by ${m.model_id}`);
          const record = changeStage(m, input.to_stage, 'promote', actor, input.reason, {
            gate: input.gate_result ?? null,
            forced: Boolean(input.force),
          });
          return { model: get(m.model_id), retired: retired ? get(retired.model_id) : null, record };
        })
        .immediate();
      if (out.model.stage === 'archived') removeArchived([out.model], actor);
      return out;
    },

    /** Puts the previous production version back and retires the current one (history action 'rollback'). */
    rollback(name: string, reason: string, actor: Actor): RollbackResult {
      return db
        .transaction((): RollbackResult => {
          const current = production(name);
          if (!current)
            throw new DomainError(
              'INVALID_TRANSITION',
              `No production version of "${name}" to roll back. See \`trainyard models history ${name}\` or list_models.`,
              { name },
            );
          const prev = previousProduction.get(name, current.model_id) as { model_id: string } | undefined;
          if (!prev)
            throw new DomainError(
              'INVALID_TRANSITION',
              `"${name}" has no earlier production version to roll back to (current: ${current.model_id}). Promote another version instead.`,
              { name, current: current.model_id },
            );
          const target = get(prev.model_id);
          changeStage(current, 'retired', 'rollback', actor, `rolled back to ${target.model_id}: ${reason}`);
          const record = changeStage(target, 'production', 'rollback', actor, reason);
          return { model: get(target.model_id), retired: get(current.model_id), record };
        })
        .immediate();
    },

    /** Append-only stage changes of a name (or of one version when given `<name>@<n>`), oldest first. */
    history(nameOrModelId: string): PromotionRecord[] {
      const col = nameOrModelId.includes('@') ? 'model_id' : 'name';
      return (db.prepare(`SELECT * FROM promotion_history WHERE ${col} = ? ORDER BY id`).all(nameOrModelId) as Row[]).map(parseRecord);
    },

    /** Stores backtest or production metrics; every other column of the version stays as registered. */
    setMetrics(modelId: string, key: 'backtest' | 'production', value: Record<string, unknown>): ModelVersion {
      return db
        .transaction(() => {
          const m = get(modelId);
          db.prepare('UPDATE model_versions SET metrics = ? WHERE model_id = ?').run(
            JSON.stringify({ ...m.metrics, [key]: value }),
            modelId,
          );
          return get(modelId);
        })
        .immediate();
    },

    /**
     * Archives what retention does not keep (see retentionVictims) and removes their folders. Order:
     * rows are marked archived and committed first, folders removed after. The other order could
     * leave a live row whose artifacts are gone (if the commit failed after the rm); this one at
     * worst leaves a folder no live version owns, which orphanFolders() reports for removal.
     */
    applyRetention(name: string, keep: number | undefined, actor: Actor): string[] {
      const n = keep ?? retention;
      const archived = db
        .transaction(() => {
          const rows = retentionRows.all(name) as (Omit<RetentionCandidate, 'ever_in_production'> & { ever_in_production: number })[];
          const victims = retentionVictims(
            rows.map((r) => ({ ...r, ever_in_production: r.ever_in_production === 1 })),
            n,
          );
          for (const m of victims) changeStage(m, 'archived', 'archive', actor, `retention: newest ${n} kept`);
          return victims;
        })
        .immediate();
      removeArchived(archived, actor);
      return archived.map((m) => m.model_id);
    },

    /** Folders under models/ that no registered, non-archived version owns (see unownedFolders). */
    orphanFolders(): string[] {
      const live = db.prepare(`SELECT artifact_path FROM model_versions WHERE stage != 'archived'`).all() as { artifact_path: string }[];
      return unownedFolders(
        modelsDir,
        live.map((r) => r.artifact_path),
      );
    },
  };
  return store;
}

export type ModelStore = ReturnType<typeof createModelStore>;
