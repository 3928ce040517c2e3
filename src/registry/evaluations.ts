import { z } from 'zod';
import { gateResultSchema, type GateResult } from '../domain/model-version.js';
import type { Db } from './db.js';
import { fromJson } from './json-columns.js';
import type { Actor } from './types.js';

/** Where a stored gate result came from. */
export const gateContexts = ['registration', 'evaluation', 'promotion', 'research', 'trigger', 'tuning'] as const;
export type GateContext = (typeof gateContexts)[number];

export const storedGateSchema = z.object({
  id: z.number().int(),
  model_id: z.string(),
  context: z.enum(gateContexts),
  actor: z.string(),
  at: z.string(),
  thresholds: z.record(z.string(), z.unknown()),
  result: gateResultSchema,
});
export type StoredGate = z.infer<typeof storedGateSchema>;

export const approvalSchema = z.object({
  id: z.number().int(),
  model_id: z.string(),
  approved_by: z.string(),
  reason: z.string(),
  at: z.string(),
});
export type Approval = z.infer<typeof approvalSchema>;

export const storedDriftSchema = z.object({
  id: z.number().int(),
  model_id: z.string(),
  data: z.string(),
  at: z.string(),
  actor: z.string(),
  action_required: z.boolean(),
  report: z.record(z.string(), z.unknown()),
});
export type StoredDrift = z.infer<typeof storedDriftSchema>;

type Row = Record<string, unknown>;

/**
 * What was measured about each model version after it was registered: every gate result (with the
 * thresholds used and why it was evaluated), human approvals for production, and drift reports.
 * All three are append-only; the newest row of each kind is the current one.
 */
export function createEvaluationStore(db: Db, clock: () => Date) {
  const insertGate = db.prepare(
    'INSERT INTO gate_results (model_id, gate, passed, result, thresholds, context, actor, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const gatesOf = db.prepare('SELECT * FROM gate_results WHERE model_id = ? ORDER BY id DESC LIMIT ?');
  const latestGates = db.prepare(
    'SELECT * FROM gate_results WHERE id IN (SELECT MAX(id) FROM gate_results WHERE model_id = ? GROUP BY gate) ORDER BY gate',
  );
  const insertApproval = db.prepare('INSERT INTO approvals (model_id, approved_by, reason, at) VALUES (?, ?, ?, ?)');
  const latestApproval = db.prepare('SELECT * FROM approvals WHERE model_id = ? ORDER BY id DESC LIMIT 1');
  const insertDrift = db.prepare(
    'INSERT INTO drift_reports (model_id, data, at, actor, action_required, report) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const driftOf = db.prepare('SELECT * FROM drift_reports WHERE model_id = ? ORDER BY id DESC LIMIT ?');

  const gateRow = (r: Row): StoredGate =>
    storedGateSchema.parse({ ...r, thresholds: fromJson(r['thresholds']) ?? {}, result: fromJson(r['result']) });
  const driftRow = (r: Row): StoredDrift =>
    storedDriftSchema.parse({ ...r, action_required: r['action_required'] === 1, report: fromJson(r['report']) ?? {} });

  return {
    recordGate(
      modelId: string,
      result: GateResult,
      o: { thresholds: Record<string, unknown>; context: GateContext; actor: Actor },
    ): StoredGate {
      const info = insertGate.run(
        modelId,
        result.gate,
        result.passed ? 1 : 0,
        JSON.stringify(result),
        JSON.stringify(o.thresholds),
        o.context,
        o.actor,
        clock().toISOString(),
      );
      return gateRow(db.prepare('SELECT * FROM gate_results WHERE id = ?').get(info.lastInsertRowid) as Row);
    },
    /** The newest result of each gate for a model version. */
    latestGates: (modelId: string): StoredGate[] => (latestGates.all(modelId) as Row[]).map(gateRow),
    gateHistory: (modelId: string, limit = 50): StoredGate[] => (gatesOf.all(modelId, limit) as Row[]).map(gateRow),

    approve(modelId: string, approvedBy: Actor, reason: string): Approval {
      const info = insertApproval.run(modelId, approvedBy, reason, clock().toISOString());
      return approvalSchema.parse(db.prepare('SELECT * FROM approvals WHERE id = ?').get(info.lastInsertRowid));
    },
    approval: (modelId: string): Approval | null => {
      const row = latestApproval.get(modelId) as Row | undefined;
      return row ? approvalSchema.parse(row) : null;
    },

    recordDrift(modelId: string, data: string, report: { action_required: boolean } & Record<string, unknown>, actor: Actor): StoredDrift {
      const info = insertDrift.run(modelId, data, clock().toISOString(), actor, report.action_required ? 1 : 0, JSON.stringify(report));
      return driftRow(db.prepare('SELECT * FROM drift_reports WHERE id = ?').get(info.lastInsertRowid) as Row);
    },
    driftReports: (modelId: string, limit = 20): StoredDrift[] => (driftOf.all(modelId, limit) as Row[]).map(driftRow),
  };
}

export type EvaluationStore = ReturnType<typeof createEvaluationStore>;
