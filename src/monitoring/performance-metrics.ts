import { z } from 'zod';

const DAY_MS = 86_400_000;

export const metricStatusSchema = z.enum(['healthy', 'degraded', 'insufficient_data']);
export type MetricStatus = z.infer<typeof metricStatusSchema>;

export const metricValueSchema = z.object({
  value: z.number().nullable().describe('null while there is too little data'),
  threshold: z.number().describe('Degraded below this'),
  status: metricStatusSchema,
  samples: z.number().int().describe('Observations in the window'),
  min_samples: z.number().int().describe('Observations needed before the metric is judged'),
});
export type MetricValue = z.infer<typeof metricValueSchema>;

/** What the rolling metrics read of a scored bar. */
export interface ScoredBar {
  symbol: string;
  time: number;
  predicted: number;
  position: number;
  realised_label: number | null;
  realised_return: number | null;
  bar_return: number | null;
}

export interface MetricRule {
  days: number;
  threshold: number;
  min_samples: number;
}

/** healthy at or above the threshold, degraded below, insufficient_data with fewer than `min` samples. */
export function judge(value: number, samples: number, rule: Pick<MetricRule, 'threshold' | 'min_samples'>): MetricValue {
  const enough = samples >= rule.min_samples && Number.isFinite(value);
  return {
    value: enough ? +value.toFixed(6) : null,
    threshold: rule.threshold,
    status: !enough ? 'insufficient_data' : value < rule.threshold ? 'degraded' : 'healthy',
    samples,
    min_samples: rule.min_samples,
  };
}

function inWindow(rows: readonly ScoredBar[], endMs: number, days: number): ScoredBar[] {
  const start = endMs - days * DAY_MS;
  return rows.filter((r) => r.time > start && r.time <= endMs);
}

/** Share of resolved bars in (end - days, end] whose predicted class equals the realised label. */
export function predictionAccuracy(rows: readonly ScoredBar[], endMs: number, rule: MetricRule): MetricValue {
  const resolved = inWindow(rows, endMs, rule.days).filter((r) => r.realised_label !== null);
  const hits = resolved.filter((r) => r.predicted === r.realised_label).length;
  return judge(resolved.length ? hits / resolved.length : Number.NaN, resolved.length, rule);
}

/** Share of resolved signals (bars with a position) in the window whose position made money over the label horizon. */
export function signalWinRate(rows: readonly ScoredBar[], endMs: number, rule: MetricRule): MetricValue {
  const signals = inWindow(rows, endMs, rule.days).filter((r) => r.position !== 0 && r.realised_return !== null);
  const wins = signals.filter((r) => r.realised_return! > 0).length;
  return judge(signals.length ? wins / signals.length : Number.NaN, signals.length, rule);
}

/**
 * Annualised Sharpe of holding each bar's position for one bar: per instant the mean of
 * bar_return over the symbols scored then (equal weight; flat bars count as 0), then
 * mean / sample standard deviation x sqrt(periodsPerYear). Zero when the returns never vary.
 */
export function rollingSharpe(rows: readonly ScoredBar[], endMs: number, periodsPerYear: number, rule: MetricRule): MetricValue {
  const byTime = new Map<number, { sum: number; n: number }>();
  for (const r of inWindow(rows, endMs, rule.days)) {
    if (r.bar_return === null) continue;
    const e = byTime.get(r.time) ?? { sum: 0, n: 0 };
    e.sum += r.bar_return;
    e.n += 1;
    byTime.set(r.time, e);
  }
  const returns = [...byTime.values()].map((e) => e.sum / e.n);
  const n = returns.length;
  if (n < 2) return judge(Number.NaN, n, rule);
  const mean = returns.reduce((s, x) => s + x, 0) / n;
  const variance = returns.reduce((s, x) => s + (x - mean) ** 2, 0) / (n - 1);
  const sd = Math.sqrt(variance);
  return judge(sd > 0 ? (mean / sd) * Math.sqrt(periodsPerYear) : 0, n, rule);
}

/** Ranks 1..n with ties sharing their average rank. */
export function ranks(values: readonly number[]): number[] {
  const order = values.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]);
  const out = new Array<number>(values.length);
  for (let i = 0; i < order.length;) {
    let j = i;
    while (j + 1 < order.length && order[j + 1]![0] === order[i]![0]) j++;
    for (let k = i; k <= j; k++) out[order[k]![1]] = (i + j) / 2 + 1;
    i = j + 1;
  }
  return out;
}

export function pearson(a: readonly number[], b: readonly number[]): number {
  const n = a.length;
  if (n < 2 || b.length !== n) return Number.NaN;
  const ma = a.reduce((s, x) => s + x, 0) / n;
  const mb = b.reduce((s, x) => s + x, 0) / n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    sab += (a[i]! - ma) * (b[i]! - mb);
    saa += (a[i]! - ma) ** 2;
    sbb += (b[i]! - mb) ** 2;
  }
  return saa > 0 && sbb > 0 ? sab / Math.sqrt(saa * sbb) : Number.NaN;
}

/** Spearman rank correlation: Pearson over average ranks. */
export function spearman(a: readonly number[], b: readonly number[]): number {
  return pearson(ranks(a), ranks(b));
}
