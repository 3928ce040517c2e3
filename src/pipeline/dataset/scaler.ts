/** Per-feature standardisation fitted on the training part only (no look at validation/test). */
export interface Scaler {
  mean: number[];
  std: number[];
}

export function fitScaler(x: Float64Array, rows: number, cols: number): Scaler {
  const mean = new Array<number>(cols).fill(0);
  const m2 = new Array<number>(cols).fill(0);
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < cols; j++) mean[j]! += x[r * cols + j]!;
  }
  for (let j = 0; j < cols; j++) mean[j] = rows > 0 ? mean[j]! / rows : 0;
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < cols; j++) {
      const d = x[r * cols + j]! - mean[j]!;
      m2[j]! += d * d;
    }
  }
  // A constant column gets std 1 so it scales to 0 rather than to NaN.
  const std = m2.map((v) => {
    const s = rows > 1 ? Math.sqrt(v / rows) : 0;
    return s > 1e-12 ? s : 1;
  });
  return { mean, std };
}

export function applyScaler(s: Scaler, x: Float64Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < cols; j++) out[r * cols + j] = (x[r * cols + j]! - s.mean[j]!) / s.std[j]!;
  }
  return out;
}
