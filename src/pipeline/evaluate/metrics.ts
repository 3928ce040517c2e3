import { LABEL_CLASSES } from '../../domain/strategy.js';
import { maxOf } from '../array-stats.js';

export interface ClassMetrics {
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

export interface ClassificationMetrics {
  samples: number;
  loss: number;
  accuracy: number;
  /** Accuracy of always predicting the most common class of the training labels. */
  baseline_accuracy: number;
  baseline_class: (typeof LABEL_CLASSES)[number];
  per_class: Record<(typeof LABEL_CLASSES)[number], ClassMetrics>;
  macro_f1: number;
  /** confusion_matrix[actual][predicted], classes in LABEL_CLASSES order. */
  confusion_matrix: number[][];
  /** Effective sample size, one-sided tests and intervals of the edge and the log-loss improvement (training jobs). */
  significance?: Record<string, unknown>;
}

const K = LABEL_CLASSES.length;
const EPS = 1e-7;

/** Mean cross-entropy of the true class, probabilities clipped like Keras does. */
export function crossEntropy(probs: Float32Array, y: Int32Array): number {
  if (y.length === 0) return Number.NaN;
  let sum = 0;
  for (let i = 0; i < y.length; i++) sum -= Math.log(Math.min(1 - EPS, Math.max(EPS, probs[i * K + y[i]!]!)));
  return sum / y.length;
}

export function accuracyOf(pred: Int32Array, y: Int32Array): number {
  if (y.length === 0) return Number.NaN;
  let hits = 0;
  for (let i = 0; i < y.length; i++) if (pred[i] === y[i]) hits++;
  return hits / y.length;
}

export function majorityClass(y: Int32Array): number {
  const counts = new Array<number>(K).fill(0);
  for (const c of y) counts[c]! += 1;
  return counts.indexOf(maxOf(counts));
}

const ratio = (a: number, b: number) => (b === 0 ? 0 : a / b);

export function classificationMetrics(probs: Float32Array, pred: Int32Array, y: Int32Array, trainMajority: number): ClassificationMetrics {
  const cm = Array.from({ length: K }, () => new Array<number>(K).fill(0));
  for (let i = 0; i < y.length; i++) cm[y[i]!]![pred[i]!]! += 1;
  const perClass = {} as ClassificationMetrics['per_class'];
  let f1Sum = 0;
  LABEL_CLASSES.forEach((name, c) => {
    const tp = cm[c]![c]!;
    const predicted = cm.reduce((s, row) => s + row[c]!, 0);
    const support = cm[c]!.reduce((s, v) => s + v, 0);
    const precision = ratio(tp, predicted);
    const recall = ratio(tp, support);
    const f1 = ratio(2 * precision * recall, precision + recall);
    f1Sum += f1;
    perClass[name] = { precision, recall, f1, support };
  });
  let baselineHits = 0;
  for (const c of y) if (c === trainMajority) baselineHits++;
  return {
    samples: y.length,
    loss: crossEntropy(probs, y),
    accuracy: accuracyOf(pred, y),
    baseline_accuracy: ratio(baselineHits, y.length),
    baseline_class: LABEL_CLASSES[trainMajority]!,
    per_class: perClass,
    macro_f1: f1Sum / K,
    confusion_matrix: cm,
  };
}
