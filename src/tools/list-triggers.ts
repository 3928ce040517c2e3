import { z } from 'zod';
import type { GateResult } from '../domain/model-version.js';
import {
  postponedSchema,
  requestedRunSchema,
  triggerReasonSchema,
  triggerStatusSchema,
  triggerTypeSchema,
  type TriggerRecord,
} from '../domain/trigger.js';
import { READ_ONLY, defineTool } from './define-tool.js';
import { listing } from './json-schema.js';
import { nextStep } from './next-steps.js';

const gateSummarySchema = z
  .object({ passed: z.boolean(), failed_checks: z.array(z.string()).describe('Reasons of the failing checks, with value and threshold') })
  .nullable();

const triggerSummarySchema = z.object({
  trigger_id: z.string(),
  trigger_type: triggerTypeSchema,
  timestamp: z.string(),
  reason: triggerReasonSchema,
  requested_run: requestedRunSchema,
  name: z.string().describe('Registered model name'),
  model_id: z.string().nullable().describe('Production version watched when it fired'),
  data: z.string().describe('Data spec the retrain ran on'),
  postponed: z.array(postponedSchema).describe('Other conditions met at the same time, covered by this trigger'),
  status: triggerStatusSchema.describe('pending, training (operation running), completed (outcome linked), failed'),
  operation_id: z.string().nullable().describe('Training operation it started (get_status)'),
  outcome: z
    .object({
      operation_status: z.string().nullable(),
      new_model_id: z.string().nullable(),
      training_gate: gateSummarySchema,
      backtest_gate: gateSummarySchema,
      promoted: z.boolean(),
      promoted_to: z.string().nullable(),
      message: z.string(),
      finished_at: z.string(),
    })
    .nullable(),
});

const gate = (g: GateResult | null) =>
  g ? { passed: g.passed, failed_checks: g.checks.filter((c) => !c.passed).map((c) => c.reason) } : null;

function summarize(t: TriggerRecord): z.infer<typeof triggerSummarySchema> {
  return {
    ...t,
    outcome: t.outcome
      ? { ...t.outcome, training_gate: gate(t.outcome.training_gate), backtest_gate: gate(t.outcome.backtest_gate) }
      : null,
  };
}

export const listTriggers = defineTool({
  name: 'list_triggers',
  title: 'List retraining triggers',
  description: 'Retraining triggers the scheduler recorded, newest first: why each fired, the training it started and its outcome.',
  input: z.object({
    name: z.string().min(1).optional().describe('Model name'),
    type: triggerTypeSchema.optional(),
    limit: z.number().int().min(1).max(200).default(20),
  }),
  output: z.object({
    triggers: z.array(
      listing(
        triggerSummarySchema.extend({
          reason: triggerReasonSchema.describe('metric, current_value, threshold, message'),
          outcome: triggerSummarySchema.shape.outcome.describe(
            'new_model_id, training_gate, backtest_gate (passed, failed_checks), promoted_to, message',
          ),
        }),
        { brief: ['reason', 'outcome'], omit: ['trigger_id', 'requested_run', 'postponed', 'timestamp', 'data', 'model_id'] },
      ),
    ),
  }),
  annotations: READ_ONLY,
  handler: (input, services) => ({
    triggers: services.registry.triggers.list({ name: input.name, type: input.type, limit: input.limit }).map(summarize),
  }),
  next: (o) => {
    const fresh = o.triggers.find((t) => t.outcome?.new_model_id && t.outcome.promoted_to !== 'production');
    const id = fresh?.outcome?.new_model_id;
    if (!id) return [];
    return [
      nextStep('get_model', { model_id: id }, 'the retrained version and its gates'),
      nextStep('evaluate_gate', { gate: 'promotion', model_id: id }, 'before promote_model to production'),
    ];
  },
  render: (o) =>
    o.triggers
      .map(
        (t) =>
          `${t.trigger_id} ${t.name} ${t.trigger_type} ${t.status}${t.operation_id ? ` ${t.operation_id}` : ''}: ${t.reason.message}${t.outcome ? ` -> ${t.outcome.message}` : ''}`,
      )
      .join('\n') || 'No triggers recorded.',
});
