import type * as tf from '@tensorflow/tfjs';
import { createRng } from '../random.js';
import { argmaxRows, predictProba } from '../model/predict.js';
import { accuracyOf, crossEntropy } from './metrics.js';

export interface FeatureImportance {
  feature: string;
  /** Mean increase in test cross-entropy when the feature's column is shuffled. */
  loss_increase: number;
  /** Mean drop in test accuracy when the feature's column is shuffled. */
  accuracy_drop: number;
}

/**
 * Permutation feature importance (Breiman 2001): shuffle one column of the test matrix at a time,
 * seeded, and measure how much worse the model does. Sorted most important first.
 */
export async function permutationImportance(
  model: tf.LayersModel,
  x: Float32Array,
  y: Int32Array,
  names: string[],
  seed: number,
  repeats = 3,
): Promise<FeatureImportance[]> {
  const rows = y.length;
  const cols = names.length;
  if (rows === 0) return names.map((feature) => ({ feature, loss_increase: 0, accuracy_drop: 0 }));
  const baseProbs = await predictProba(model, x, rows, cols);
  const baseLoss = crossEntropy(baseProbs, y);
  const baseAcc = accuracyOf(argmaxRows(baseProbs), y);
  const rng = createRng(seed);
  const work = new Float32Array(x);
  const out: FeatureImportance[] = [];
  for (let j = 0; j < cols; j++) {
    let lossInc = 0;
    let accDrop = 0;
    for (let r = 0; r < repeats; r++) {
      // Fisher-Yates over column j only; other columns stay as they are.
      for (let i = rows - 1; i > 0; i--) {
        const k = Math.floor(rng.next() * (i + 1));
        const a = i * cols + j;
        const b = k * cols + j;
        const t = work[a]!;
        work[a] = work[b]!;
        work[b] = t;
      }
      const probs = await predictProba(model, work, rows, cols);
      lossInc += crossEntropy(probs, y) - baseLoss;
      accDrop += baseAcc - accuracyOf(argmaxRows(probs), y);
    }
    for (let i = 0; i < rows; i++) work[i * cols + j] = x[i * cols + j]!;
    out.push({ feature: names[j]!, loss_increase: lossInc / repeats, accuracy_drop: accDrop / repeats });
  }
  return out.sort((a, b) => b.loss_increase - a.loss_increase);
}
