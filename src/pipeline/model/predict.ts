import type * as TF from '@tensorflow/tfjs';
import { tf } from '../backend/tf.js';
import { NUM_CLASSES } from './build.js';

/**
 * Class probabilities (rows x 3, row-major) from the layers model in inference mode. Asynchronous:
 * a GPU backend (webgpu) cannot read synchronously.
 */
export async function predictProba(model: TF.LayersModel, x: Float32Array, rows: number, cols: number): Promise<Float32Array> {
  const out = new Float32Array(rows * NUM_CLASSES);
  const chunk = 8192;
  for (let start = 0; start < rows; start += chunk) {
    const end = Math.min(rows, start + chunk);
    // batchSize: the layers default (32) split every chunk into 256 predicts and a concat, 40x
    // slower; rows are independent, so the probabilities are the same bit for bit. The data is read
    // outside tidy, which would otherwise walk the returned typed array element by element.
    const probs = tf.tidy(() => {
      const input = tf.tensor2d(x.subarray(start * cols, end * cols), [end - start, cols]);
      return model.predict(input, { batchSize: end - start }) as TF.Tensor;
    });
    out.set((await probs.data()) as Float32Array, start * NUM_CLASSES);
    probs.dispose();
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
