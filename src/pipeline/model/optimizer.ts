import * as tf from '@tensorflow/tfjs';
import type { Strategy } from '../../domain/strategy.js';

export function createOptimizer(t: Strategy['training']): tf.Optimizer {
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

/** Scales every gradient by min(1, maxNorm / global L2 norm), as torch's clip_grad_norm_ does. */
export function clipByGlobalNorm(grads: tf.NamedTensorMap, maxNorm: number): tf.NamedTensorMap {
  return tf.tidy(() => {
    const names = Object.keys(grads);
    const sq = names.map((n) => tf.sum(tf.square(grads[n]!)));
    const norm = tf.sqrt(tf.addN(sq));
    const scale = tf.minimum(tf.scalar(1), tf.div(tf.scalar(maxNorm), tf.add(norm, 1e-6)));
    const out: tf.NamedTensorMap = {};
    for (const n of names) out[n] = tf.mul(grads[n]!, scale);
    return out;
  });
}
