import { z } from 'zod';
import { stageSchema } from '../domain/model-version.js';
import { READ_ONLY, defineTool } from './define-tool.js';
import { summarizeModel } from './model-summary.js';
import { modelSummarySchema } from './schemas.js';

export const listModels = defineTool({
  name: 'list_models',
  title: 'List model versions',
  description: 'Registered model versions, newest first, with stage and test accuracy vs the baseline; get_model for the full card.',
  input: z.object({
    name: z.string().optional(),
    stage: stageSchema.optional(),
    limit: z.number().int().min(1).max(500).default(50),
  }),
  output: z.object({ models: z.array(modelSummarySchema) }),
  annotations: READ_ONLY,
  handler: (input, services) => ({ models: services.registry.models.list(input).map(summarizeModel) }),
  render: (o) =>
    o.models
      .map((m) => `${m.model_id} ${m.stage} acc ${m.test_accuracy?.toFixed(3) ?? '-'} (baseline ${m.baseline_accuracy?.toFixed(3) ?? '-'})`)
      .join('\n') || 'No model versions yet.',
});
