import fs from 'node:fs';
import path from 'node:path';
import { DomainError } from '../domain/errors.js';
import {
  STAGE_TRANSITIONS,
  modelVersionSchema,
  promotionRecordSchema,
  type ModelVersion,
  type PromotionRecord,
  type Stage,
} from '../domain/model-version.js';
import type { Db } from './db.js';
import { fromJson } from './json-columns.js';
import { whereEquals } from './where.js';
import type { Actor, ListModelsFilter, PromoteInput, RegisterInput } from './types.js';

type Row = Record<string, unknown>;

function parseVersion(row: Row): ModelVersion {
  return modelVersionSchema.parse({
    ...row,
    lineage: fromJson(row['lineage']),
    metrics: fromJson(row['metrics']),
    ever_in_production: row['ever_in_production'] === 1,
  });
}

function parseRecord(row: Row): PromotionRecord {
  return promotionRecordSchema.parse({ ...row, gate_result: fromJson(row['gate_result']), forced: row['forced'] === 1 });
}

export interface ModelStoreOptions {
  db: Db;
  modelsDir: string;
  clock: () => Date;
  /** Newest versions kept per name (plus every version ever in production). */
  retention: number;
}

export function createModelStore({ db, modelsDir, clock, retention }: ModelStoreOptions) {
  const byId = db.prepare('SELECT * FROM model_versions WHERE model_id = ?');
  const productionOf = db.prepare(`SELECT * FROM model_versions WHERE name = ? AND stage = 'production'`);
  const insertHistory = db.prepare(
    `INSERT INTO promotion_history (model_id, name, from_stage, to_stage, action, actor, at, reason, gate_result, forced)
     VALUES (@model_id, @name, @from_stage, @to_stage, @action, @actor, @at, @reason, @gate_result, @forced)`,
  );
  const setStage = db.prepare(
    `UPDATE model_versions SET stage = @stage, stage_changed_at = @at,
       ever_in_production = CASE WHEN @stage = 'production' THEN 1 ELSE ever_in_production END
     WHERE model_id = @model_id`,
  );

  function get(modelId: string): ModelVersion {
    const row = byId.get(modelId) as Row | undefined;
    if (!row)
      throw new DomainError('MODEL_NOT_FOUND', `No model '${modelId}'. Call list_models (or "trainyard models list") to see versions.`, {
        model_id: modelId,
      });
    return parseVersion(row);
  }

  function changeStage(
    m: ModelVersion,
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
    return parseRecord(db.prepare('SELECT * FROM promotion_history WHERE id = ?').get(info.lastInsertRowid) as Row);
  }

  /** Retires the current production version of `name` (if any, and if it is not `except`). */
  function retireProduction(name: string, except: string, actor: Actor, reason: string): ModelVersion | null {
    const row = productionOf.get(name) as Row | undefined;
    if (!row || row['model_id'] === except) return null;
    const current = parseVersion(row);
    changeStage(current, 'retired', 'retire', actor, reason);
    return get(current.model_id);
  }

  const store = {
    get,

    list(filter: ListModelsFilter = {}): ModelVersion[] {
      const where = whereEquals({ name: filter.name, stage: filter.stage });
      const sql = `SELECT * FROM model_versions ${where.sql} ORDER BY created_at DESC, version DESC LIMIT ?`;
      return (db.prepare(sql).all(...where.args, Math.min(10_000, filter.limit ?? 100)) as Row[]).map(parseVersion);
    },

    production(name: string): ModelVersion | null {
      const row = productionOf.get(name) as Row | undefined;
      return row ? parseVersion(row) : null;
    },

    names(): string[] {
      return (db.prepare('SELECT DISTINCT name FROM model_versions ORDER BY name').all() as { name: string }[]).map((r) => r.name);
    },

    count(): number {
      return (db.prepare('SELECT COUNT(*) AS n FROM model_versions').get() as { n: number }).n;
    },

    /**
     * Allocates `<name>@<next>`, moves the staged artifact folder into place and inserts the row,
     * all while holding the write lock; any failure rolls back and removes the folder.
     */
    register(input: RegisterInput, actor: Actor): ModelVersion {
      let finalPath: string | undefined;
      try {
        const model = db
          .transaction(() => {
            const next =
              ((db.prepare('SELECT MAX(version) AS v FROM model_versions WHERE name = ?').get(input.name) as { v: number | null }).v ?? 0) +
              1;
            const modelId = `${input.name}@${next}`;
            const target = path.join(modelsDir, modelId);
            if (fs.existsSync(target)) {
              throw new DomainError(
                'CONFLICT',
                `Model folder ${target} already exists but no registered version owns it; artifacts are never overwritten. Remove or move it, then retry.`,
              );
            }
            input.prepare?.(modelId, target);
            fs.mkdirSync(modelsDir, { recursive: true });
            fs.renameSync(input.staged_path, target);
            finalPath = target;
            const now = clock().toISOString();
            db.prepare(
              `INSERT INTO model_versions (model_id, name, version, stage, created_at, created_by, operation_id, artifact_path, lineage, metrics, stage_changed_at)
               VALUES (?, ?, ?, 'candidate', ?, ?, ?, ?, ?, ?, ?)`,
            ).run(
              modelId,
              input.name,
              next,
              now,
              actor,
              input.operation_id,
              target,
              JSON.stringify(input.lineage),
              JSON.stringify(input.metrics),
              now,
            );
            return get(modelId);
          })
          .immediate();
        return model;
      } catch (err) {
        fs.rmSync(finalPath ?? input.staged_path, { recursive: true, force: true });
        throw err;
      }
    },

    promote(input: PromoteInput, actor: Actor): { model: ModelVersion; retired: ModelVersion | null; record: PromotionRecord } {
      return db
        .transaction(() => {
          const m = get(input.model_id);
          const allowed = STAGE_TRANSITIONS[m.stage];
          if (!allowed.includes(input.to_stage)) {
            throw new DomainError(
              'INVALID_TRANSITION',
              `${m.model_id} is ${m.stage}; it cannot move to ${input.to_stage}. Allowed from ${m.stage}: ${allowed.join(', ') || 'none (final stage)'}.`,
              { model_id: m.model_id, stage: m.stage, allowed },
            );
          }
          if (m.stage === 'candidate' && input.to_stage === 'production' && !input.skip_staging) {
            throw new DomainError(
              'INVALID_TRANSITION',
              `${m.model_id} is a candidate; promote it to staging first, or pass skip_staging (--skip-staging) to go straight to production.`,
              {
                model_id: m.model_id,
              },
            );
          }
          const gate = input.gate_result ?? null;
          if (gate && !gate.passed && !input.force) {
            const failing = gate.checks.filter((c) => !c.passed).map((c) => c.reason);
            throw new DomainError(
              'GATE_FAILED',
              `${m.model_id} failed the ${gate.gate} gate: ${failing.join('; ')}. Fix the model, or pass force with a reason to override (kept in history).`,
              {
                gate,
              },
            );
          }
          const retired = input.to_stage === 'production' ? retireProduction(m.name, m.model_id, actor, `replaced by ${m.model_id}`) : null;
          const record = changeStage(m, input.to_stage, 'promote', actor, input.reason, { gate, forced: Boolean(input.force) });
          return { model: get(m.model_id), retired, record };
        })
        .immediate();
    },

    /** Puts the previous production version back and retires the current one. */
    rollback(name: string, reason: string, actor: Actor): { model: ModelVersion; retired: ModelVersion; record: PromotionRecord } {
      return db
        .transaction(() => {
          const current = store.production(name);
          if (!current)
            throw new DomainError(
              'INVALID_TRANSITION',
              `No production version of "${name}" to roll back. See "trainyard models history ${name}".`,
              { name },
            );
          const prev = db
            .prepare(
              `SELECT model_id FROM promotion_history WHERE name = ? AND from_stage = 'production' AND model_id != ?
               ORDER BY id DESC LIMIT 1`,
            )
            .get(name, current.model_id) as { model_id: string } | undefined;
          const candidate = prev ? get(prev.model_id) : undefined;
          if (!candidate || candidate.stage === 'archived' || candidate.stage === 'production') {
            throw new DomainError(
              'INVALID_TRANSITION',
              `"${name}" has no earlier production version to roll back to (current: ${current.model_id}).`,
              { name },
            );
          }
          changeStage(current, 'retired', 'rollback', actor, `rolled back: ${reason}`);
          const record = changeStage(candidate, 'production', 'rollback', actor, reason);
          return { model: get(candidate.model_id), retired: get(current.model_id), record };
        })
        .immediate();
    },

    history(nameOrModelId: string): PromotionRecord[] {
      const col = nameOrModelId.includes('@') ? 'model_id' : 'name';
      return (db.prepare(`SELECT * FROM promotion_history WHERE ${col} = ? ORDER BY id`).all(nameOrModelId) as Row[]).map(parseRecord);
    },

    setMetrics(modelId: string, key: 'backtest' | 'production', value: Record<string, unknown>): ModelVersion {
      const m = get(modelId);
      db.prepare('UPDATE model_versions SET metrics = ? WHERE model_id = ?').run(JSON.stringify({ ...m.metrics, [key]: value }), modelId);
      return get(modelId);
    },

    /**
     * Archives versions beyond the newest `keep` of a name, sparing every version ever in
     * production and any current staging version. The row is marked archived first (committed),
     * then the folder removed: a crash in between leaves an orphan folder that the next start
     * removes, never a live row without its artifacts.
     */
    applyRetention(name: string, actor: Actor, keep = retention): string[] {
      const archived = db
        .transaction(() => {
          const rows = db
            .prepare(`SELECT * FROM model_versions WHERE name = ? AND stage != 'archived' ORDER BY version DESC`)
            .all(name) as Row[];
          const victims = rows
            .map(parseVersion)
            .slice(keep)
            .filter((m) => !m.ever_in_production && m.stage !== 'staging' && m.stage !== 'production');
          for (const m of victims) changeStage(m, 'archived', 'archive', actor, `retention: newest ${keep} kept`);
          return victims;
        })
        .immediate();
      for (const m of archived) fs.rmSync(m.artifact_path, { recursive: true, force: true });
      return archived.map((m) => m.model_id);
    },

    /** Folders under models/ that no live version owns: staging and temp leftovers, archived remains. */
    orphanFolders(): string[] {
      if (!fs.existsSync(modelsDir)) return [];
      const live = new Set(
        (db.prepare(`SELECT artifact_path FROM model_versions WHERE stage != 'archived'`).all() as { artifact_path: string }[]).map((r) =>
          path.resolve(r.artifact_path),
        ),
      );
      const out: string[] = [];
      for (const entry of fs.readdirSync(modelsDir, { withFileTypes: true })) {
        if (!entry.isDirectory()) continue;
        const full = path.resolve(modelsDir, entry.name);
        if (entry.name === '.staging') {
          for (const s of fs.readdirSync(full)) out.push(path.join(full, s));
        } else if (!live.has(full)) out.push(full);
      }
      return out;
    },
  };
  return store;
}

export type ModelStore = ReturnType<typeof createModelStore>;
