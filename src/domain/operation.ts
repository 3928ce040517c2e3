import { z } from 'zod';

export const operationTypes = ['training', 'backtest', 'research', 'drift_check', 'retraining', 'tuning', 'trial'] as const;
export const operationStatuses = ['pending', 'running', 'completed', 'failed', 'cancelled', 'interrupted'] as const;
export const TERMINAL_STATUSES = new Set<OperationStatus>(['completed', 'failed', 'cancelled', 'interrupted']);

export const operationTypeSchema = z.enum(operationTypes);
export const operationStatusSchema = z.enum(operationStatuses);
export type OperationType = z.infer<typeof operationTypeSchema>;
export type OperationStatus = z.infer<typeof operationStatusSchema>;

export const operationSchema = z.object({
  id: z.string().describe('Operation id, e.g. "op_20261122_ab12cd"'),
  type: operationTypeSchema,
  parent_id: z.string().nullable(),
  status: operationStatusSchema,
  phase: z.string().nullable(),
  progress_pct: z.number().min(0).max(100),
  message: z.string().nullable(),
  params: z.record(z.string(), z.unknown()),
  result: z.record(z.string(), z.unknown()).nullable(),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
  priority: z.enum(['normal', 'high']),
  created_at: z.string(),
  started_at: z.string().nullable(),
  finished_at: z.string().nullable(),
  heartbeat_at: z.string().nullable(),
  owner_pid: z.number().int().nullable(),
  /** Latest training metrics (epoch, loss, val_loss, val_accuracy). */
  metrics: z.record(z.string(), z.unknown()).nullable(),
});
export type Operation = z.infer<typeof operationSchema>;
