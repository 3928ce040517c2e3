import * as tf from '@tensorflow/tfjs';
import { NUM_CLASSES } from './build.js';

/** Class probabilities (rows x 3, row-major) from the layers model in inference mode. */
export function predictProba(model: tf.LayersModel, x: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(rows * NUM_CLASSES);
  const chunk = 8192;
  for (let start = 0; start < rows; start += chunk) {
    const end = Math.min(rows, start + chunk);
    const probs = tf.tidy(() => {
      const input = tf.tensor2d(x.subarray(start * cols, end * cols), [end - start, cols]);
      return (model.predict(input) as tf.Tensor).dataSync();
    });
    out.set(probs, start * NUM_CLASSES);
  }
  return out;
}

export function argmaxRows(probs: Float32Array, classes = NUM_CLASSES): Int32Array {
  const rows = probs.length / classes;
  const out = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    let best = 0;
    for (let c = 1; c < classes; c++) if (probs[r * classes + c]! > probs[r * classes + best]!) best = c;
    out[r] = best;
  }
  return out;
}
