import { z } from 'zod';
import { gateResultSchema, stageSchema } from '../domain/model-version.js';
import { operationStatusSchema, operationTypeSchema, type Operation } from '../domain/operation.js';

export const operationIdSchema = z.string().min(1).describe('Operation id as returned by start_training, e.g. "op_20261122164027_89d676"');

export const operationSummarySchema = z.object({
  operation_id: z.string(),
  type: operationTypeSchema,
  status: operationStatusSchema,
  phase: z.string().nullable().describe('data_preparation, feature_engineering, model_training, validation, saving, deployment_decision'),
  progress_pct: z.number(),
  message: z.string().nullable(),
  metrics: z.record(z.string(), z.unknown()).nullable().describe('Latest epoch, loss, val_loss, val_accuracy'),
  result: z
    .record(z.string(), z.unknown())
    .nullable()
    .describe(
      'When completed: training: model_id, model_path, stage, test_accuracy, baseline_accuracy; backtest: model_id, mode, strategy and buy_and_hold figures, report_path',
    ),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
  created_at: z.string(),
  started_at: z.string().nullable(),
  finished_at: z.string().nullable(),
  queue_position: z.number().nullable().describe('1 = next to run, 0 = running, null = not queued'),
  eta: z.string().nullable().describe('Estimated completion time (ISO) from progress so far'),
});
export type OperationSummary = z.infer<typeof operationSummarySchema>;

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

export const modelSummarySchema = z.object({
  model_id: z.string(),
  name: z.string(),
  version: z.number(),
  stage: stageSchema,
  created_at: z.string(),
  test_accuracy: z.number().nullable(),
  baseline_accuracy: z.number().nullable(),
  test_loss: z.number().nullable(),
});

export { gateResultSchema };
