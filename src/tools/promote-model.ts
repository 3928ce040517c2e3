import { z } from 'zod';
import { modelIdSchema, promotionRecordSchema } from '../domain/model-version.js';
import { askForApproval } from './approval.js';
import { defineTool } from './define-tool.js';
import { nextStep } from './next-steps.js';
import { summarizeModel } from './model-summary.js';
import { listing } from './json-schema.js';
import { stageChangeSchema } from './schemas.js';

export const promoteModel = defineTool({
  name: 'promote_model',
  title: 'Promote a model',
  description:
    "Move a model to staging (training gate) or production (promotion gate: backtest gate, non-inferiority, deflated Sharpe, no drift, a person's approval if configured). A failed gate refuses unless force; the previous production version is retired.",
  input: z.object({
    model_id: modelIdSchema,
    to_stage: z.enum(['staging', 'production']),
    reason: z.string().min(3).describe('Why; kept in the promotion history'),
    force: z.boolean().default(false).describe('Promote despite a failed gate (recorded)'),
    skip_staging: z.boolean().default(false).describe('Allow candidate -> production'),
  }),
  output: listing(
    z.object({
      model: stageChangeSchema,
      retired: stageChangeSchema.nullable(),
      record: promotionRecordSchema.describe('History entry: from_stage, to_stage, gate_result, forced'),
    }),
    { brief: ['record'] },
  ),
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  handler: async (input, services, ctx) => {
    // Production may need a person's approval: asked at the client when it supports elicitation.
    await askForApproval(services, input, ctx);
    const out = await services.gates.promote(input, ctx.actor);
    services.mirror.touch();
    return { model: summarizeModel(out.model), retired: out.retired ? summarizeModel(out.retired) : null, record: out.record };
  },
  next: (o) =>
    o.model.stage === 'production'
      ? [nextStep('get_performance', { model_id: o.model.model_id }, 'live performance once bars are ingested (ingest_data)')]
      : [nextStep('evaluate_gate', { gate: 'promotion', model_id: o.model.model_id }, 'what promotion to production checks')],
  render: (o) =>
    `${o.model.model_id} is now ${o.model.stage}${o.retired ? `; ${o.retired.model_id} retired` : ''}${o.record.forced ? ' (forced past a failed gate)' : ''}.`,
});
