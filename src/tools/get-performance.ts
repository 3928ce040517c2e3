import { z } from 'zod';
import { modelIdSchema } from '../domain/model-version.js';
import { performanceReportSchema } from '../monitoring/performance-report.js';
import { READ_ONLY, defineTool } from './define-tool.js';

export const getPerformance = defineTool({
  name: 'get_performance',
  title: 'Get live performance of production models',
  description:
    'How production models do on ingested bars: rolling prediction accuracy (7 days), signal win rate (30 days), annualised Sharpe of the ' +
    'positions (30 days) and feature-importance stability (rank correlation with training), each healthy, degraded or insufficient_data ' +
    'against the configured thresholds; degraded_since, and retraining_recommended when two or more are degraded. Every production ' +
    'model by default. Figures are updated by ingest_data; next step when recommended: start_training with data "store:".',
  input: z.object({
    model_id: modelIdSchema.optional().describe('One model version (any stage)'),
    name: z.string().min(1).optional().describe("A model name: its production version's report"),
  }),
  output: z.object({ models: z.array(performanceReportSchema) }),
  annotations: READ_ONLY,
  handler: (input, services) => ({ models: services.performance.report(input) }),
  render: (o) =>
    o.models.length === 0
      ? 'No production model. Promote one with promote_model.'
      : o.models
          .map(
            (m) =>
              `${m.model_id}: ${m.retraining_recommended ? 'RETRAIN' : m.degraded_metrics.length ? 'degraded' : 'ok'} · ${m.recommendation}`,
          )
          .join('\n'),
});
