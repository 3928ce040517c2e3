import type * as tf from '@tensorflow/tfjs';
import { DomainError } from '../domain/errors.js';
import { labelHorizon, type Strategy } from '../domain/strategy.js';
import type { FeatureSpec } from '../pipeline/artifacts/store.js';
import type { Bars } from '../pipeline/data/types.js';
import { assembleSamples, type SampleSet } from '../pipeline/dataset/assemble.js';
import { applyScaler } from '../pipeline/dataset/scaler.js';
import { buildFeaturesMulti, buildLabels } from '../pipeline/features/index.js';
import { argmaxRows, predictProba } from '../pipeline/model/predict.js';
import type { NewPrediction, Outcome, PredictionRow } from '../registry/predictions.js';
import { positionsFromProbabilities } from './backtest/signals.js';

/** A loaded production model and the stored bars it scores (with history before the new bars). */
export interface ScoringInput {
  modelId: string;
  model: tf.LayersModel;
  strategy: Strategy;
  features: FeatureSpec;
  series: Bars[];
}

/** Every bar with all features defined, with its label (-1 while unknown). */
export function samplesOf(input: Pick<ScoringInput, 'strategy' | 'series'>, labelled: boolean): SampleSet {
  const sets = buildFeaturesMulti(input.strategy, input.series);
  const labels = input.series.map((b) => (labelled ? buildLabels(input.strategy.labels, b) : new Int8Array(b.time.length)));
  return assembleSamples(input.series, sets, labels);
}

/** Scaled float32 rows of a sample set, as the model was trained on them. */
export function scaledRows(features: FeatureSpec, set: SampleSet, rows: readonly number[]): Float32Array {
  const x = new Float64Array(rows.length * set.cols);
  rows.forEach((r, i) => x.set(set.x.subarray(r * set.cols, (r + 1) * set.cols), i * set.cols));
  return applyScaler(features.scaler, x, rows.length, set.cols);
}

/**
 * Predictions for the bars not scored yet: bars after `afterMs` (the end of the training data,
 * so no in-sample bar is judged) with every feature defined, using the history before them.
 * Class probabilities, the argmax class and the position the strategy's decisions take.
 */
export async function scoreNewBars(
  input: ScoringInput,
  afterMs: number,
  scored: (symbol: string) => Set<number>,
  scoredAt: string,
): Promise<NewPrediction[]> {
  const set = samplesOf(input, false);
  if (set.cols !== input.features.names.length || set.names.some((n, j) => n !== input.features.names[j])) {
    throw new DomainError(
      'ARTIFACT_INVALID',
      `${input.modelId}: the features rebuilt from its strategy do not match features.json. Retrain the model.`,
    );
  }
  const done = input.series.map((b) => scored(b.symbol));
  const rows: number[] = [];
  for (let r = 0; r < set.rows; r++) if (set.time[r]! > afterMs && !done[set.symbol[r]!]!.has(set.time[r]!)) rows.push(r);
  if (rows.length === 0) return [];
  const probs = await predictProba(input.model, scaledRows(input.features, set, rows), rows.length, set.cols);
  const positions = positionsFromProbabilities(probs, input.strategy.decisions);
  const classes = argmaxRows(probs);
  return rows.map((r, i) => ({
    model_id: input.modelId,
    symbol: input.series[set.symbol[r]!]!.symbol,
    time: set.time[r]!,
    p_down: probs[i * 3]!,
    p_flat: probs[i * 3 + 1]!,
    p_up: probs[i * 3 + 2]!,
    predicted: classes[i]!,
    position: positions[i]!,
    scored_at: scoredAt,
  }));
}

/**
 * Outcomes of scored bars whose label horizon has passed, with the backtests' execution
 * assumption (backtest/engine.ts): a position decided at bar t's close is entered at bar t+1's
 * open. The label with the training definition; the position's simple return from bar t+1's open
 * to bar t+1+h's open (held over the label horizon); and over one bar, from bar t+1's open to bar
 * t+2's open (held until the next decision executes), before costs. Bars whose exit open has not
 * printed yet stay unresolved.
 */
export function resolveOutcomes(strategy: Strategy, series: Bars[], pending: readonly PredictionRow[]): Outcome[] {
  const h = labelHorizon(strategy.labels);
  const bySymbol = new Map(series.map((b) => [b.symbol, { bars: b, labels: buildLabels(strategy.labels, b), index: indexOf(b.time) }]));
  const out: Outcome[] = [];
  for (const p of pending) {
    const s = bySymbol.get(p.symbol);
    const t = s?.index.get(p.time);
    if (!s || t === undefined) continue;
    const label = s.labels[t]!;
    const o = s.bars.open;
    if (label < 0 || t + Math.max(h, 1) + 1 >= o.length) continue;
    out.push({
      model_id: p.model_id,
      symbol: p.symbol,
      time: p.time,
      realised_label: label,
      realised_return: p.position * (o[t + 1 + h]! / o[t + 1]! - 1),
      bar_return: p.position * (o[t + 2]! / o[t + 1]! - 1),
    });
  }
  return out;
}

function indexOf(time: Float64Array): Map<number, number> {
  const m = new Map<number, number>();
  time.forEach((t, i) => m.set(t, i));
  return m;
}
