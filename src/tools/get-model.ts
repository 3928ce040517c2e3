import { z } from 'zod';
import { modelIdSchema, modelVersionSchema, promotionRecordSchema } from '../domain/model-version.js';
import { trainingGate } from '../monitoring/gates.js';
import { READ_ONLY, defineTool } from './define-tool.js';
import { gateResultSchema } from './schemas.js';

export const getModel = defineTool({
  name: 'get_model',
  title: 'Get a model card',
  description:
    'One model version: stage, lineage (strategy, data, code version, seed, backend), metrics, training gate and the full promotion history of its name.',
  input: z.object({ model_id: modelIdSchema }),
  output: modelVersionSchema
    .pick({
      model_id: true,
      stage: true,
      created_at: true,
      created_by: true,
      operation_id: true,
      artifact_path: true,
      lineage: true,
      metrics: true,
    })
    .extend({ training_gate: gateResultSchema, history: z.array(promotionRecordSchema) }),
  annotations: READ_ONLY,
  handler: (input, services) => {
    const m = services.registry.models.get(input.model_id);
    return {
      model_id: m.model_id,
      stage: m.stage,
      created_at: m.created_at,
      created_by: m.created_by,
      operation_id: m.operation_id,
      artifact_path: m.artifact_path,
      lineage: m.lineage,
      metrics: m.metrics,
      training_gate: trainingGate(m, services.config.gates.training, services.clock()),
      history: services.registry.models.history(m.name),
    };
  },
  render: (o) =>
    `${o.model_id} (${o.stage}) · training gate ${o.training_gate.passed ? 'passed' : 'failed'} · ${o.history.length} stage changes for this name`,
});
