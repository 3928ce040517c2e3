import type * as TF from '@tensorflow/tfjs';
import { tf } from '../backend/tf.js';
import type { Strategy } from '../../domain/strategy.js';

export function createOptimizer(t: Strategy['training']): TF.Optimizer {
  switch (t.optimizer) {
    case 'adam':
      return tf.train.adam(t.learning_rate);
    case 'sgd':
      return tf.train.sgd(t.learning_rate);
    case 'momentum':
      return tf.train.momentum(t.learning_rate, 0.9);
    case 'rmsprop':
      return tf.train.rmsprop(t.learning_rate);
  }
}

/**
 * Scales every gradient by maxNorm / global L2 norm when the norm exceeds maxNorm, as torch's
 * clip_grad_norm_ does. The norm is read back (a cheap copy on CPU backends) so the common case,
 * no clipping needed, costs no extra tensor ops; `onDevice` decides on the device instead (nothing
 * read back: webgpu cannot read synchronously). Call inside a tidy.
 */
export function clipByGlobalNorm(grads: TF.NamedTensorMap, maxNorm: number, onDevice = false): TF.NamedTensorMap {
  const names = Object.keys(grads);
  const sumSq = tf.addN(names.map((n) => tf.sum(tf.square(grads[n]!))));
  if (onDevice) {
    const normT = tf.sqrt(sumSq);
    const factor = tf.where(tf.greater(normT, maxNorm), tf.div(maxNorm, tf.add(normT, 1e-6)), tf.onesLike(normT));
    return Object.fromEntries(names.map((n) => [n, tf.mul(grads[n]!, factor)]));
  }
  const norm = Math.sqrt(sumSq.dataSync()[0]!);
  if (!(norm > maxNorm)) return grads;
  const scale = maxNorm / (norm + 1e-6);
  const out: TF.NamedTensorMap = {};
  for (const n of names) out[n] = tf.mul(grads[n]!, scale);
  return out;
}
