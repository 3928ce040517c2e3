import type { ModelVersion } from '../domain/model-version.js';
import type { z } from 'zod';
import type { modelSummarySchema } from './schemas.js';

const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null);

export function summarizeModel(m: ModelVersion): z.infer<typeof modelSummarySchema> {
  return {
    model_id: m.model_id,
    name: m.name,
    version: m.version,
    stage: m.stage,
    created_at: m.created_at,
    test_accuracy: num(m.metrics.test['accuracy']),
    baseline_accuracy: num(m.metrics.test['baseline_accuracy']),
    test_loss: num(m.metrics.test['loss']),
  };
}
