import { z } from 'zod';
import { modelIdSchema, promotionRecordSchema } from '../domain/model-version.js';
import { defineTool } from './define-tool.js';
import { summarizeModel } from './model-summary.js';
import { modelSummarySchema } from './schemas.js';

export const promoteModel = defineTool({
  name: 'promote_model',
  title: 'Promote a model version',
  description:
    'Move a model version to staging or production. The training gate runs first for staging; for production the promotion gate runs ' +
    '(backtest gate, non-inferiority against production, deflated Sharpe over every trial, no feature drift on the most recent data, and ' +
    'a human approval recorded with "trainyard models approve" when config requires one). A failure refuses the promotion and lists the failing checks, ' +
    'unless force is set (recorded in the promotion history with the reason). The gate result is stored with the model. ' +
    'candidate -> production needs skip_staging. Promoting to production retires the current production version of the same name in the same transaction.',
  input: z.object({
    model_id: modelIdSchema,
    to_stage: z.enum(['staging', 'production']),
    reason: z.string().min(3).describe('Why; kept in the promotion history'),
    force: z.boolean().default(false).describe('Promote despite a failed gate (the reason is recorded as the override reason)'),
    skip_staging: z.boolean().default(false).describe('Allow candidate -> production directly'),
  }),
  output: z.object({ model: modelSummarySchema, retired: modelSummarySchema.nullable(), record: promotionRecordSchema }),
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  handler: async (input, services, ctx) => {
    const out = await services.gates.promote(input, ctx.actor);
    services.mirror.touch();
    return { model: summarizeModel(out.model), retired: out.retired ? summarizeModel(out.retired) : null, record: out.record };
  },
  render: (o) =>
    `${o.model.model_id} is now ${o.model.stage}${o.retired ? `; ${o.retired.model_id} retired` : ''}${o.record.forced ? ' (forced past a failed gate)' : ''}.`,
});
