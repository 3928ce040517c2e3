/** A row-major float32 feature matrix with integer class labels (0 down, 1 flat, 2 up). */
export interface LabeledMatrix {
  rows: number;
  cols: number;
  x: Float32Array;
  y: Int32Array;
}

/** Balanced class weights n / (k * count_c), as scikit-learn computes them; absent classes get 0. */
export function balancedClassWeights(y: Int32Array, numClasses: number): number[] {
  const counts = new Array<number>(numClasses).fill(0);
  for (const c of y) counts[c]! += 1;
  const present = counts.filter((c) => c > 0).length;
  return counts.map((c) => (c === 0 ? 0 : y.length / (present * c)));
}

export function classCounts(y: Int32Array, numClasses: number): number[] {
  const counts = new Array<number>(numClasses).fill(0);
  for (const c of y) if (c >= 0 && c < numClasses) counts[c]! += 1;
  return counts;
}
