import { z } from 'zod';
import { gateResultSchema } from './model-version.js';
import { operationStatusSchema } from './operation.js';

export const triggerTypes = ['scheduled', 'performance', 'drift', 'new_data'] as const;
export const triggerTypeSchema = z.enum(triggerTypes);

/** pending: recorded, job not queued yet; training: job queued or running; completed / failed: outcome linked. */
export const triggerStatuses = ['pending', 'training', 'completed', 'failed'] as const;
export const triggerStatusSchema = z.enum(triggerStatuses);

export const triggerReasonSchema = z.object({
  metric: z.string().describe('e.g. max_feature_psi, new_bars, degraded_days, schedule'),
  current_value: z.union([z.number(), z.string()]),
  threshold: z.union([z.number(), z.string()]),
  message: z.string(),
});

export const requestedRunSchema = z.object({
  priority: z.enum(['normal', 'high']),
  fast_track: z.boolean(),
});

export const postponedSchema = z.object({ trigger_type: triggerTypeSchema, why: z.string() });

/** What the retraining run came to, linked when its operation ends. */
export const triggerOutcomeSchema = z.object({
  operation_status: operationStatusSchema.nullable(),
  new_model_id: z.string().nullable(),
  training_gate: gateResultSchema.nullable(),
  backtest_gate: gateResultSchema.nullable(),
  promoted: z.boolean(),
  promoted_to: z.enum(['staging']).nullable().describe('Automatic promotion goes to staging at most; production needs a person'),
  message: z.string(),
  finished_at: z.string(),
});
export type TriggerOutcome = z.infer<typeof triggerOutcomeSchema>;

/** A recorded trigger: the model-trainer spec's trigger format plus what it was for and what came of it. */
export const triggerRecordSchema = z.object({
  trigger_id: z.string(),
  trigger_type: triggerTypeSchema,
  timestamp: z.string(),
  reason: triggerReasonSchema,
  requested_run: requestedRunSchema,
  name: z.string().describe('Registered model name the retrain is for'),
  model_id: z.string().nullable().describe('The production version watched when the trigger fired'),
  data: z.string().describe('Data spec the retrain runs on'),
  postponed: z.array(postponedSchema).describe('Other conditions met at the same time, covered by this trigger'),
  status: triggerStatusSchema,
  operation_id: z.string().nullable().describe('The training operation it started'),
  outcome: triggerOutcomeSchema.nullable(),
});
export type TriggerRecord = z.infer<typeof triggerRecordSchema>;

/** Scheduler state per model name, so a restart neither re-fires nor forgets a missed slot. */
export const triggerStateSchema = z.object({
  name: z.string(),
  last_trigger_at: z.string().nullable(),
  last_scheduled_slot: z.string().nullable(),
  updated_at: z.string(),
});
export type TriggerStateRow = z.infer<typeof triggerStateSchema>;
