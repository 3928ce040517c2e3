import type { ValidationStats, ValidationSamples } from '../pipeline/train-pipeline.js';
import { effectiveSampleSize } from './drift.js';
import { meanTest } from './validation/significance.js';

/**
 * How many independent samples the validation accuracy and prediction scores frozen into a drift
 * reference are worth: validation rows overlap by the label horizon and autocorrelate, so a later
 * drift check tests against the reference with an honest standard error on both sides. Plugged into
 * the training pipeline by the job runner (the pipeline knows nothing of monitoring statistics).
 */
export const validationStats: ValidationStats = (v: ValidationSamples) => {
  const rows = v.pred.length;
  if (rows === 0) return { n_eff: 0, scores_n_eff: 0 };
  const correct = new Float64Array(rows);
  const scores = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    correct[r] = v.pred[r] === v.y[r] ? 1 : 0;
    scores[r] = v.probs[r * 3 + 2]! - v.probs[r * 3]!;
  }
  return {
    // Newey-West with bandwidth >= horizon - 1, autocovariances within one symbol.
    n_eff: meanTest(correct, { horizon: v.horizon, segment: v.symbol }).n_eff,
    scores_n_eff: effectiveSampleSize(scores, rows, 1, 0),
  };
};
