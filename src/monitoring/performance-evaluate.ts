import { z } from 'zod';
import { permutationImportance } from '../pipeline/evaluate/importance.js';
import type { PredictionRow } from '../registry/predictions.js';
import {
  judge,
  metricValueSchema,
  predictionAccuracy,
  rollingSharpe,
  signalWinRate,
  spearman,
  type MetricRule,
  type MetricValue,
} from './performance-metrics.js';
import { samplesOf, scaledRows, type ScoringInput } from './performance-score.js';

const DAY_MS = 86_400_000;

export interface PerformanceRules {
  prediction_accuracy: MetricRule;
  signal_win_rate: MetricRule;
  sharpe: MetricRule;
  feature_importance_stability: MetricRule;
}

/** The metric names of the model-trainer spec's performance_monitoring.json. */
export const METRIC_NAMES = ['prediction_accuracy_7d', 'signal_win_rate_30d', 'sharpe_30d', 'feature_importance_stability'] as const;
export type MetricName = (typeof METRIC_NAMES)[number];

const metricWithWindow = metricValueSchema.extend({ window_days: z.number().describe('Calendar days of bars the metric covers') });
export const performanceMetricsSchema = z.object({
  prediction_accuracy_7d: metricWithWindow.describe('Predicted class = realised label'),
  signal_win_rate_30d: metricWithWindow.describe('Share of positions that made money over the label horizon'),
  sharpe_30d: metricWithWindow.describe('Annualised Sharpe of the positions held one bar each'),
  feature_importance_stability: metricWithWindow.describe(
    'Spearman correlation of permutation importance on recent labelled bars with the training importance',
  ),
});
export type PerformanceMetrics = z.infer<typeof performanceMetricsSchema>;

export interface Evaluation {
  metrics: PerformanceMetrics;
  degraded_metrics: MetricName[];
  retraining_recommended: boolean;
}

/** The longest window any metric reads, in days (how far back rows are needed). */
export function longestWindow(rules: PerformanceRules): number {
  return Math.max(rules.prediction_accuracy.days, rules.signal_win_rate.days, rules.sharpe.days, rules.feature_importance_stability.days);
}

/**
 * The four metrics at `windowEnd` (the latest bar with a known outcome). Retraining is
 * recommended when two or more are degraded; insufficient data never counts as degraded.
 */
export function evaluatePerformance(
  rows: readonly PredictionRow[],
  windowEnd: number,
  periodsPerYear: number,
  rules: PerformanceRules,
  importance: () => MetricValue,
): Evaluation {
  const withDays = (m: MetricValue, rule: MetricRule) => ({ ...m, window_days: rule.days });
  const metrics: PerformanceMetrics = {
    prediction_accuracy_7d: withDays(predictionAccuracy(rows, windowEnd, rules.prediction_accuracy), rules.prediction_accuracy),
    signal_win_rate_30d: withDays(signalWinRate(rows, windowEnd, rules.signal_win_rate), rules.signal_win_rate),
    sharpe_30d: withDays(rollingSharpe(rows, windowEnd, periodsPerYear, rules.sharpe), rules.sharpe),
    feature_importance_stability: withDays(importance(), rules.feature_importance_stability),
  };
  const degraded = METRIC_NAMES.filter((k) => metrics[k].status === 'degraded');
  return { metrics, degraded_metrics: degraded, retraining_recommended: degraded.length >= 2 };
}

/**
 * Permutation importance (same procedure and seed as training) on the labelled bars of the
 * window, rank-correlated with the training importance stored in result.json.
 */
export async function importanceStability(
  input: ScoringInput,
  training: readonly { feature: string; loss_increase: number }[],
  windowEnd: number,
  afterMs: number,
  rule: MetricRule,
): Promise<MetricValue> {
  const set = samplesOf(input, true);
  const start = Math.max(afterMs, windowEnd - rule.days * DAY_MS);
  const rows: number[] = [];
  for (let r = 0; r < set.rows; r++) if (set.time[r]! > start && set.time[r]! <= windowEnd) rows.push(r);
  if (rows.length < rule.min_samples || training.length < 3) return judge(Number.NaN, rows.length, rule);
  const y = Int32Array.from(rows, (r) => set.y[r]!);
  const recent = await permutationImportance(
    input.model,
    scaledRows(input.features, set, rows),
    y,
    set.names,
    input.strategy.training.seed,
  );
  const now = new Map(recent.map((f) => [f.feature, f.loss_increase]));
  const common = training.filter((f) => now.has(f.feature));
  return judge(
    spearman(
      common.map((f) => f.loss_increase),
      common.map((f) => now.get(f.feature)!),
    ),
    rows.length,
    rule,
  );
}
