import { LABEL_CLASSES } from '../../domain/strategy.js';

/** Frozen at training time so a later drift check is reproducible and needs no training data. */
export interface ReferenceDistributions {
  /** Quantile bin edges per feature (inner edges; bins are (-inf, e0], (e0, e1], ..., (e_last, inf)). */
  features: { name: string; edges: number[]; proportions: number[]; mean: number; std: number }[];
  /** Sorted sample of P(up) - P(down) on the validation part, for a KS test on predictions. */
  prediction_scores: number[];
  /** Share of each predicted class on the validation part. */
  predicted_class_share: Record<(typeof LABEL_CLASSES)[number], number>;
  validation: {
    accuracy: number;
    loss: number;
    samples: number;
    /**
     * Effective sample size of the per-sample correctness on the validation part (Newey-West,
     * bandwidth >= label horizon - 1, per symbol): what the reference accuracy is worth in a test.
     * Absent in models trained before it was recorded (drift then deflates `samples` by the horizon).
     */
    n_eff?: number | undefined;
    /** Effective sample size of the validation prediction scores in time order (their autocorrelation). */
    scores_n_eff?: number | undefined;
    /** Label horizon in bars the model was trained with. */
    label_horizon?: number | undefined;
  };
  bins: number;
}

function quantile(sorted: Float64Array, q: number): number {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

/** Index of the bin holding v for inner edges `edges` (upper edges inclusive). */
export function binIndex(edges: readonly number[], v: number): number {
  let lo = 0;
  let hi = edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (v <= edges[mid]!) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

export function featureReference(name: string, column: Float64Array, bins: number): ReferenceDistributions['features'][number] {
  const sorted = Float64Array.from(column).sort();
  // Duplicate edges (a feature that sits at 0 half the time) collapse into one bin.
  const edges = [...new Set(Array.from({ length: bins - 1 }, (_, i) => quantile(sorted, (i + 1) / bins)))];
  const counts = new Array<number>(edges.length + 1).fill(0);
  let sum = 0;
  for (const v of column) {
    counts[binIndex(edges, v)]! += 1;
    sum += v;
  }
  const n = Math.max(1, column.length);
  const mean = sum / n;
  let ss = 0;
  for (const v of column) ss += (v - mean) ** 2;
  return { name, edges, proportions: counts.map((c) => c / n), mean, std: Math.sqrt(ss / n) };
}

export function predictionScores(probs: Float32Array, maxSamples = 2000): number[] {
  const rows = probs.length / 3;
  const scores = new Float64Array(rows);
  for (let r = 0; r < rows; r++) scores[r] = probs[r * 3 + 2]! - probs[r * 3]!;
  scores.sort();
  if (rows <= maxSamples) return Array.from(scores);
  return Array.from({ length: maxSamples }, (_, i) => scores[Math.floor((i * (rows - 1)) / (maxSamples - 1))]!);
}

export function columnOf(x: Float64Array, rows: number, cols: number, j: number): Float64Array {
  const out = new Float64Array(rows);
  for (let r = 0; r < rows; r++) out[r] = x[r * cols + j]!;
  return out;
}
