import { z } from 'zod';
import { listing } from './json-schema.js';
import { gateCheckSchema, gateResultSchema, stageSchema } from '../domain/model-version.js';
import { operationStatusSchema, operationTypeSchema, type Operation } from '../domain/operation.js';

/** Asks a tool for its result's charts as PNG images (and lists them with their resources). */
export const chartsFlag = z.boolean().default(false).describe('Also return PNG charts');

/** How long a start or status call may wait for the end (0: return at once); name and default say it. */
export const waitSecondsSchema = z.number().min(0).max(3600).default(0);

export const operationIdSchema = z.string().min(1).describe('e.g. "op_20261122164027_89d676"');

const fullOperationSummarySchema = z.object({
  operation_id: z.string(),
  type: operationTypeSchema,
  status: operationStatusSchema,
  phase: z.string().nullable(),
  progress_pct: z.number(),
  message: z.string().nullable(),
  metrics: z.record(z.string(), z.unknown()).nullable().describe('Latest epoch, loss, val_loss, val_accuracy'),
  result: z.record(z.string(), z.unknown()).nullable().describe('When completed: model_id, training_gate_passed; a backtest its figures'),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
  created_at: z.string(),
  started_at: z.string().nullable(),
  finished_at: z.string().nullable(),
  queue_position: z.number().nullable().describe('1 = next, 0 = running'),
  eta: z.string().nullable().describe('Estimated completion time (ISO) from progress so far'),
});
/**
 * As tools list it: what an agent branches on; timestamps, latest metrics and ETA ride along
 * unlisted. The status is listed by type: list_operations' status filter lists its values.
 */
export const operationSummarySchema = listing(fullOperationSummarySchema, {
  brief: ['status', 'result', 'error'],
  omit: ['type', 'phase', 'metrics', 'created_at', 'started_at', 'finished_at', 'eta'],
});
export type OperationSummary = z.infer<typeof operationSummarySchema>;
/** An operation in a list, as listed: its id, state and message; get_status lists its result. */
export const operationListItemSchema = listing(fullOperationSummarySchema, {
  brief: ['status'],
  omit: ['phase', 'metrics', 'created_at', 'started_at', 'finished_at', 'eta', 'result', 'error', 'queue_position'],
});
/** The operation a start or cancel call returns, as listed: its id and state; get_status lists the rest. */
export const operationHandleSchema = listing(fullOperationSummarySchema, {
  brief: ['status', 'result', 'error'],
  omit: ['type', 'phase', 'progress_pct', 'metrics', 'created_at', 'started_at', 'finished_at', 'eta', 'message', 'queue_position'],
});

export function summarizeOperation(op: Operation, queuePosition: number | null, now: Date): OperationSummary {
  const { phases: _phases, ...metrics } = op.metrics ?? {};
  let eta: string | null = null;
  if (op.status === 'running' && op.started_at && op.progress_pct > 0 && op.progress_pct < 100) {
    const elapsed = now.getTime() - Date.parse(op.started_at);
    eta = new Date(now.getTime() + (elapsed * (100 - op.progress_pct)) / op.progress_pct).toISOString();
  }
  return {
    operation_id: op.id,
    type: op.type,
    status: op.status,
    phase: op.phase,
    progress_pct: Math.round(op.progress_pct * 10) / 10,
    message: op.message,
    metrics: op.metrics ? metrics : null,
    result: op.result,
    error: op.error,
    created_at: op.created_at,
    started_at: op.started_at,
    finished_at: op.finished_at,
    queue_position: queuePosition,
    eta,
  };
}

/** As tools list it: name and version are in model_id; the stage by type (list_models' stage filter lists the values). */
export const modelSummarySchema = listing(
  z.object({
    model_id: z.string(),
    name: z.string(),
    version: z.number(),
    stage: stageSchema,
    created_at: z.string(),
    test_accuracy: z.number().nullable(),
    baseline_accuracy: z.number().nullable(),
    test_loss: z.number().nullable(),
  }),
  { brief: ['stage'], omit: ['name', 'version', 'created_at', 'test_loss'] },
);

/** A model whose stage a call changed, as listed: its id and new stage (its metrics are unchanged). */
export const stageChangeSchema = listing(modelSummarySchema, { omit: ['test_accuracy', 'baseline_accuracy'] });

/** A gate result as tools list it: each check's name, pass, value, threshold and reason; statistics ride along unlisted. */
export const listedGateResultSchema = listing(
  gateResultSchema.extend({
    checks: z.array(listing(gateCheckSchema, { omit: ['p_value', 'z', 'n_eff', 'ci_low', 'ci_high', 'name'] })),
  }),
  { omit: ['evaluated_at'] },
);

export { gateResultSchema };
