import { z } from 'zod';
import { promotionRecordSchema } from '../domain/model-version.js';
import { defineTool } from './define-tool.js';
import { nextStep } from './next-steps.js';
import { summarizeModel } from './model-summary.js';
import { listing } from './json-schema.js';
import { stageChangeSchema } from './schemas.js';

export const rollbackModel = defineTool({
  name: 'rollback_model',
  title: 'Roll back production',
  description:
    'Put the previous production version of a name back into production and retire the current one, in one transaction (recorded).',
  input: z.object({ name: z.string().min(1).describe('Model name, e.g. "rsi_mean_reversion"'), reason: z.string().min(3) }),
  output: listing(
    z.object({
      model: stageChangeSchema,
      retired: stageChangeSchema,
      record: promotionRecordSchema.describe('History entry: from_stage, to_stage'),
    }),
    { brief: ['record'] },
  ),
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false },
  handler: (input, services, ctx) => {
    const out = services.registry.models.rollback(input.name, input.reason, ctx.actor);
    services.mirror.touch();
    return { model: summarizeModel(out.model), retired: summarizeModel(out.retired), record: out.record };
  },
  next: (o) => [nextStep('get_performance', { model_id: o.model.model_id }, 'performance of the restored version')],
  render: (o) => `${o.model.model_id} is production again; ${o.retired.model_id} retired.`,
});
