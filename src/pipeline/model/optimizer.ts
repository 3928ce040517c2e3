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
 * no clipping needed, costs no extra tensor ops. Call inside a tidy.
 */
export function clipByGlobalNorm(grads: TF.NamedTensorMap, maxNorm: number): TF.NamedTensorMap {
  const names = Object.keys(grads);
  const norm = Math.sqrt(tf.addN(names.map((n) => tf.sum(tf.square(grads[n]!)))).dataSync()[0]!);
  if (!(norm > maxNorm)) return grads;
  const scale = maxNorm / (norm + 1e-6);
  const out: TF.NamedTensorMap = {};
  for (const n of names) out[n] = tf.mul(grads[n]!, scale);
  return out;
}
