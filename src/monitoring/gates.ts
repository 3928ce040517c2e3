import type { GateResult } from '../domain/model-version.js';
import type { ModelVersion } from '../domain/model-version.js';

export interface TrainingGateThresholds {
  min_accuracy: number;
  max_test_loss: number;
  min_loss_decrease: number;
  /** Accuracy must beat the majority-class baseline by at least this much. */
  min_edge_over_baseline: number;
}

export const DEFAULT_TRAINING_GATE: TrainingGateThresholds = {
  min_accuracy: 0.45,
  max_test_loss: 0.8,
  min_loss_decrease: 0.2,
  min_edge_over_baseline: 0.02,
};

const pct = (v: number) => `${(v * 100).toFixed(0)}%`;

function check(
  name: string,
  value: number | undefined,
  threshold: number,
  ok: (v: number) => boolean,
  fmt: (v: number) => string,
  failCode: string,
  op: string,
) {
  if (value === undefined || !Number.isFinite(value)) {
    return { name, passed: false, value: null, threshold, reason: `${name}_missing (the model has no ${name} metric)` };
  }
  const passed = ok(value);
  return {
    name,
    passed,
    value,
    threshold,
    reason: passed
      ? `${name}_ok (${fmt(value)} ${op} ${fmt(threshold)})`
      : `${failCode} (${fmt(value)} ${op === '>=' ? '<' : '>='} ${fmt(threshold)})`,
  };
}

/**
 * The training gate: out-of-sample accuracy, final test loss, how much training reduced the loss,
 * and the edge over always predicting the most common class (a model that does just that must not
 * pass). Every check reports its measured value and threshold.
 */
export function trainingGate(model: ModelVersion, t: TrainingGateThresholds, now: Date): GateResult {
  const test = model.metrics.test as Record<string, number | undefined>;
  const training = model.metrics.training as Record<string, number | undefined>;
  const edge =
    test['accuracy'] !== undefined && test['baseline_accuracy'] !== undefined ? test['accuracy'] - test['baseline_accuracy'] : undefined;
  const checks = [
    check('accuracy', test['accuracy'], t.min_accuracy, (v) => v >= t.min_accuracy, pct, 'accuracy_below_threshold', '>='),
    check(
      'test_loss',
      test['loss'],
      t.max_test_loss,
      (v) => v < t.max_test_loss,
      (v) => v.toFixed(3),
      'test_loss_above_threshold',
      '<',
    ),
    check(
      'loss_decrease',
      training['loss_decrease'],
      t.min_loss_decrease,
      (v) => v >= t.min_loss_decrease,
      pct,
      'loss_decrease_below_threshold',
      '>=',
    ),
    check(
      'edge_over_baseline',
      edge,
      t.min_edge_over_baseline,
      (v) => v >= t.min_edge_over_baseline,
      (v) => `${(v * 100).toFixed(1)} pts`,
      'no_edge_over_majority_baseline',
      '>=',
    ),
  ];
  return { gate: 'training', passed: checks.every((c) => c.passed), checks, evaluated_at: now.toISOString() };
}
