import { createRng } from '../../src/pipeline/random.js';
import type { LabeledMatrix } from '../../src/pipeline/model/dataset.js';

/**
 * A labelled matrix whose class is a function of the first two columns (learnable), or random
 * labels independent of the features (nothing to learn) when `learnable` is false.
 */
export function makeMatrix(rows: number, cols: number, seed: number, learnable = true): LabeledMatrix {
  const rng = createRng(seed);
  const x = new Float32Array(rows * cols);
  const y = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < cols; j++) x[r * cols + j] = rng.normal();
    const s = x[r * cols]! + 0.5 * x[r * cols + 1]!;
    y[r] = learnable ? (s < -0.5 ? 0 : s > 0.5 ? 2 : 1) : Math.floor(rng.next() * 3);
  }
  return { rows, cols, x, y };
}
