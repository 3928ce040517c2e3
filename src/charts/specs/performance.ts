import type { TopLevelSpec } from 'vega-lite';
import { day, num } from '../format.js';
import { CONFIG, PALETTE, WIDTH } from '../theme.js';
import type { ChartSpec } from '../types.js';

export interface PerformanceData {
  model_id: string;
  /** Stored evaluations, any order: the end of each metric window (ms) and each metric's value and threshold. */
  evaluations: readonly {
    window_end: number;
    metrics: Record<string, { value: number | null; threshold: number; status: string } | unknown>;
  }[];
}

const LABELS: Record<string, string> = {
  prediction_accuracy_7d: 'Prediction accuracy (7 days)',
  signal_win_rate_30d: 'Signal win rate (30 days)',
  sharpe_30d: 'Sharpe (30 days)',
  feature_importance_stability: 'Importance stability',
};
const STATUS = { healthy: PALETTE.green, degraded: PALETTE.vermillion, 'insufficient data': PALETTE.grey };
// A year of daily evaluations; older ones are dropped (the alt text counts what is shown).
const MAX_EVALUATIONS = 400;

interface MetricPoint {
  value: number | null;
  threshold: number;
  status: string;
}
const isMetric = (m: unknown): m is MetricPoint =>
  !!m && typeof m === 'object' && typeof (m as MetricPoint).threshold === 'number' && 'value' in (m as object);

/** Live performance of a model over time: each rolling metric against its threshold. */
export function performanceChart(d: PerformanceData): ChartSpec {
  const evals = [...d.evaluations].sort((a, b) => a.window_end - b.window_end).slice(-MAX_EVALUATIONS);
  const rows: { t: string; metric: string; order: number; value: number; threshold: number; status: string }[] = [];
  for (const e of evals) {
    Object.keys(LABELS).forEach((key, order) => {
      const m = e.metrics[key];
      if (isMetric(m) && typeof m.value === 'number' && Number.isFinite(m.value))
        rows.push({
          t: new Date(e.window_end).toISOString(),
          metric: LABELS[key]!,
          order,
          value: m.value,
          threshold: m.threshold,
          status: m.status.replace('_', ' '),
        });
    });
  }
  const latest = evals[evals.length - 1];
  const title = `Live performance · ${d.model_id}`;
  const parts = latest
    ? Object.keys(LABELS).map((key) => {
        const m = latest.metrics[key];
        return isMetric(m)
          ? `${LABELS[key]!.toLowerCase()} ${num(m.value, 3)} (threshold ${m.threshold}, ${m.status.replace('_', ' ')})`
          : null;
      })
    : [];
  const alt = latest
    ? `Live performance of ${d.model_id} over ${evals.length} evaluations to ${day(new Date(latest.window_end).toISOString())}: ${parts.filter(Boolean).join('; ')}.`
    : `No live performance evaluation of ${d.model_id} yet.`;
  const spec = {
    title: { text: title, subtitle: 'rolling metrics at each evaluation · dashed: threshold (degraded below it)' },
    data: { values: rows },
    facet: {
      row: {
        field: 'metric',
        type: 'nominal',
        title: null,
        sort: { field: 'order', op: 'min' },
        header: { labelAngle: 0, labelAlign: 'left', labelAnchor: 'start', labelOrient: 'top' },
      },
    },
    spec: {
      width: WIDTH,
      height: 90,
      layer: [
        {
          mark: { type: 'line', color: PALETTE.blue, strokeWidth: 1.5 },
          encoding: {
            x: { field: 't', type: 'temporal', title: null },
            y: { field: 'value', type: 'quantitative', title: null, scale: { zero: false } },
          },
        },
        {
          mark: { type: 'point', filled: true, size: 25, opacity: 1 },
          encoding: {
            x: { field: 't', type: 'temporal' },
            y: { field: 'value', type: 'quantitative' },
            color: {
              field: 'status',
              type: 'nominal',
              title: 'Status',
              scale: { domain: Object.keys(STATUS), range: Object.values(STATUS) },
            },
          },
        },
        {
          mark: { type: 'rule', strokeDash: [4, 3], color: PALETTE.grey },
          encoding: { y: { field: 'threshold', type: 'quantitative', aggregate: 'max' } },
        },
      ],
    },
    resolve: { scale: { y: 'independent' } },
    config: CONFIG,
  } as TopLevelSpec;
  return { name: 'performance', title, alt, spec };
}
