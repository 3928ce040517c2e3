import { z } from 'zod';
import { modelIdSchema } from '../domain/model-version.js';
import { performanceReportSchema } from '../monitoring/performance-report.js';
import { chartsFlag } from './schemas.js';
import { READ_ONLY, defineTool } from './define-tool.js';
import { listing } from './json-schema.js';
import { nextStep } from './next-steps.js';

export const getPerformance = defineTool({
  name: 'get_performance',
  title: 'Live performance',
  description:
    'Production models on ingested bars: accuracy (7 d), win rate (30 d), Sharpe (30 d) and feature-importance stability, each healthy, degraded or insufficient_data; degraded_since, and retraining_recommended when two or more are degraded.',
  input: z.object({
    model_id: modelIdSchema.optional().describe('One model version (any stage)'),
    name: z.string().min(1).optional().describe("A model name: its production version's report"),
    charts: chartsFlag,
  }),
  output: z.object({
    models: z.array(
      listing(
        performanceReportSchema.extend({
          metrics: performanceReportSchema.shape.metrics.describe(
            'prediction_accuracy_7d, signal_win_rate_30d, sharpe_30d, feature_importance_stability: each value, threshold, status, samples',
          ),
        }),
        { brief: ['metrics'], omit: ['name', 'stage', 'scored_bars', 'resolved_bars', 'evaluated_at', 'degraded_days'] },
      ),
    ),
  }),
  annotations: READ_ONLY,
  handler: (input, services) => ({ models: services.performance.report(input) }),
  charts: (_input, o) => o.models.map((m) => ({ model_id: m.model_id, name: 'performance' })),
  next: (o) =>
    o.models.length === 0
      ? [nextStep('list_models', { stage: 'staging' }, 'no production model: promote one with promote_model')]
      : o.models
          .filter((m) => m.retraining_recommended)
          .map((m) => nextStep('start_training', { strategy: m.model_id.split('@')[0], data: 'store:' }, 'retraining is recommended')),
  render: (o) =>
    o.models.length === 0
      ? 'No production model.'
      : o.models
          .map(
            (m) =>
              `${m.model_id}: ${m.retraining_recommended ? 'RETRAIN' : m.degraded_metrics.length ? 'degraded' : 'ok'} · ${m.recommendation}`,
          )
          .join('\n'),
});
