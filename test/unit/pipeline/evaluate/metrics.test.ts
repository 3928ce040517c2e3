import { describe, expect, it } from 'vitest';
import { classificationMetrics, crossEntropy, majorityClass } from '../../../../src/pipeline/evaluate/metrics.js';

describe('classificationMetrics', () => {
  it('matches a hand computation', () => {
    // actual:    down down flat up up up
    // predicted: down flat flat up up down
    const y = Int32Array.from([0, 0, 1, 2, 2, 2]);
    const pred = Int32Array.from([0, 1, 1, 2, 2, 0]);
    const probs = new Float32Array(18);
    pred.forEach((p, i) =>
      probs.set(
        [0.1, 0.1, 0.1].map((v, c) => (c === p ? 0.8 : v)),
        i * 3,
      ),
    );
    const m = classificationMetrics(probs, pred, y, majorityClass(y));
    expect(m.accuracy).toBeCloseTo(4 / 6);
    expect(m.baseline_class).toBe('up');
    expect(m.baseline_accuracy).toBeCloseTo(0.5);
    expect(m.confusion_matrix).toEqual([
      [1, 1, 0],
      [0, 1, 0],
      [1, 0, 2],
    ]);
    expect(m.per_class.down).toEqual({ precision: 0.5, recall: 0.5, f1: 0.5, support: 2 });
    expect(m.per_class.flat.precision).toBeCloseTo(0.5);
    expect(m.per_class.flat.recall).toBe(1);
    expect(m.per_class.up.precision).toBe(1);
    expect(m.per_class.up.recall).toBeCloseTo(2 / 3);
    // Loss: 4 rows give p(true)=0.8, 2 rows give 0.1.
    expect(m.loss).toBeCloseTo(-(4 * Math.log(0.8) + 2 * Math.log(0.1)) / 6, 5);
  });

  it('clips probabilities in the cross-entropy', () => {
    expect(Number.isFinite(crossEntropy(Float32Array.from([1, 0, 0]), Int32Array.from([2])))).toBe(true);
  });
});
