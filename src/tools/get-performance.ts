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
    'Live health of production models on ingested bars: accuracy (7 d), win rate (30 d), Sharpe (30 d), feature-importance stability, each healthy, degraded or insufficient_data; retraining_recommended when two or more are degraded.',
  input: z.object({
    model_id: modelIdSchema.optional().describe('Any stage, e.g. "rsi_mean_reversion@3"'),
    name: z.string().min(1).optional().describe('Its production version'),
    charts: chartsFlag,
  }),
  output: z.object({
    models: z.array(
      listing(
        performanceReportSchema.extend({
          metrics: performanceReportSchema.shape.metrics.describe('Per metric: value, threshold, status, samples'),
        }),
        { brief: ['metrics'], omit: ['name', 'stage', 'scored_bars', 'resolved_bars', 'evaluated_at', 'degraded_days', 'window_end'] },
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
