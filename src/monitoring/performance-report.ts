import { z } from 'zod';
import type { ModelVersion } from '../domain/model-version.js';
import type { EvaluationRow } from '../registry/predictions.js';
import { METRIC_NAMES, performanceMetricsSchema, type PerformanceRules, type PerformanceMetrics } from './performance-evaluate.js';

const DAY_MS = 86_400_000;

export const performanceReportSchema = z.object({
  model_id: z.string(),
  name: z.string(),
  stage: z.string(),
  window_end: z.string().nullable().describe('Latest bar whose outcome is known (ISO); the metric windows end here'),
  metrics: performanceMetricsSchema,
  degraded_metrics: z.array(z.enum(METRIC_NAMES)),
  degraded_since: z.string().nullable().describe('window_end of the first evaluation in the current unbroken run with a degraded metric'),
  degraded_days: z.number().describe('Calendar days from degraded_since to window_end (0 when not degraded)'),
  retraining_recommended: z.boolean().describe('Two or more metrics degraded'),
  recommendation: z.string(),
  scored_bars: z.number().int(),
  resolved_bars: z.number().int(),
  evaluated_at: z.string().nullable(),
});
export type PerformanceReport = z.infer<typeof performanceReportSchema>;

const LABELS: Record<(typeof METRIC_NAMES)[number], string> = {
  prediction_accuracy_7d: 'prediction accuracy',
  signal_win_rate_30d: 'signal win rate',
  sharpe_30d: 'Sharpe',
  feature_importance_stability: 'feature-importance stability',
};

function emptyMetrics(rules: PerformanceRules): PerformanceMetrics {
  const m = (r: PerformanceRules[keyof PerformanceRules]) => ({
    value: null,
    threshold: r.threshold,
    status: 'insufficient_data' as const,
    samples: 0,
    min_samples: r.min_samples,
    window_days: r.days,
  });
  return {
    prediction_accuracy_7d: m(rules.prediction_accuracy),
    signal_win_rate_30d: m(rules.signal_win_rate),
    sharpe_30d: m(rules.sharpe),
    feature_importance_stability: m(rules.feature_importance_stability),
  };
}

/**
 * A model's performance report from its stored evaluations (newest first): the latest metrics, and
 * how long performance has been degraded without interruption (in bar time, at the granularity
 * of the evaluations, i.e. of the ingests).
 */
export function buildReport(
  model: ModelVersion,
  evaluations: readonly EvaluationRow[],
  counts: { scored: number; resolved: number },
  rules: PerformanceRules,
): PerformanceReport {
  const latest = evaluations[0];
  const base = {
    model_id: model.model_id,
    name: model.name,
    stage: model.stage,
    scored_bars: counts.scored,
    resolved_bars: counts.resolved,
  };
  if (!latest) {
    return {
      ...base,
      window_end: null,
      metrics: emptyMetrics(rules),
      degraded_metrics: [],
      degraded_since: null,
      degraded_days: 0,
      retraining_recommended: false,
      evaluated_at: null,
      recommendation:
        counts.scored === 0
          ? `No bars scored yet. Ingest bars newer than the training data for ${model.name}'s symbols (ingest_data).`
          : 'Bars are scored but none has reached its label horizon yet. Ingest later bars.',
    };
  }
  let since: number | null = null;
  for (const e of evaluations) {
    if (e.degraded_metrics.length === 0) break;
    since = e.window_end;
  }
  const metrics = performanceMetricsSchema.parse(latest.metrics);
  const degraded = latest.degraded_metrics as PerformanceReport['degraded_metrics'];
  const describe = (k: (typeof METRIC_NAMES)[number]) => `${LABELS[k]} ${metrics[k].value?.toFixed(3)} < ${metrics[k].threshold}`;
  const waiting = METRIC_NAMES.filter((k) => metrics[k].status === 'insufficient_data');
  const sinceIso = since === null ? null : new Date(since).toISOString();
  let recommendation: string;
  if (latest.retraining_recommended) {
    recommendation = `${degraded.map(describe).join('; ')}. Retrain ${model.name} on current data (start_training with data "store:") and promote only if it beats ${model.model_id}; or roll back.`;
  } else if (degraded.length === 1) {
    recommendation = `${describe(degraded[0]!)} since ${sinceIso?.slice(0, 10)}. Watch it: retraining is recommended once two metrics are degraded.`;
  } else if (waiting.length > 0) {
    recommendation = `No metric degraded; ${waiting.map((k) => `${LABELS[k]} needs ${metrics[k].min_samples} observations (has ${metrics[k].samples})`).join(', ')}.`;
  } else {
    recommendation = 'Every metric is within its threshold. No action needed.';
  }
  return {
    ...base,
    window_end: new Date(latest.window_end).toISOString(),
    metrics,
    degraded_metrics: degraded,
    degraded_since: sinceIso,
    degraded_days: since === null ? 0 : +((latest.window_end - since) / DAY_MS).toFixed(2),
    retraining_recommended: latest.retraining_recommended,
    recommendation,
    evaluated_at: latest.evaluated_at,
  };
}
