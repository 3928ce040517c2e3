/** How class probabilities become positions (strategy `decisions` section). */
export interface DecisionRule {
  /** The winning class must have at least this probability to act. */
  confidence_threshold: number;
  /** long_only: up -> long, else flat; long_short: up -> long, down -> short. */
  mode: 'long_only' | 'long_short';
}

/**
 * Desired position per row (+1 long, -1 short, 0 flat) from probabilities [down, flat, up] per row.
 * A position decided at a bar's close is executed by the backtester at the next bar's open.
 */
export function positionsFromProbabilities(probs: Float32Array | Float64Array, rule: DecisionRule): Int8Array {
  const rows = probs.length / 3;
  const out = new Int8Array(rows);
  for (let r = 0; r < rows; r++) {
    const down = probs[r * 3]!;
    const flat = probs[r * 3 + 1]!;
    const up = probs[r * 3 + 2]!;
    if (up >= down && up >= flat && up >= rule.confidence_threshold) out[r] = 1;
    else if (rule.mode === 'long_short' && down > up && down >= flat && down >= rule.confidence_threshold) out[r] = -1;
  }
  return out;
}
