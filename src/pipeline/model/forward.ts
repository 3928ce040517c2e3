import * as tf from '@tensorflow/tfjs';
import type { Strategy } from '../../domain/strategy.js';
import type { DenseWeights } from './build.js';

type Activation = Strategy['model']['activation'];
// Activations tf.fused.matMul applies inside the matmul kernel; the others are applied after it.
const FUSED: ReadonlySet<Activation> = new Set(['relu', 'elu', 'sigmoid']);

function dense(h: tf.Tensor2D, w: DenseWeights, activation: Activation | 'linear'): tf.Tensor2D {
  if (activation === 'linear' || FUSED.has(activation)) {
    return tf.fused.matMul({
      a: h,
      b: w.kernel as tf.Tensor2D,
      bias: w.bias,
      activation: activation as tf.fused.Activation,
    }) as tf.Tensor2D;
  }
  const z = tf.fused.matMul({ a: h, b: w.kernel as tf.Tensor2D, bias: w.bias });
  return (activation === 'tanh' ? tf.tanh(z) : tf.selu(z)) as tf.Tensor2D;
}

/**
 * The MLP's forward pass to logits, straight over the layers model's own variables. Equivalent to
 * `model.apply` (softmax aside) but without the layers machinery, which costs more than the
 * matmuls themselves at these sizes. `dropoutSeed` set = training mode.
 */
export function forwardLogits(x: tf.Tensor2D, weights: DenseWeights[], spec: Strategy['model'], dropoutSeed?: number): tf.Tensor2D {
  let h = x;
  const last = weights.length - 1;
  weights.forEach((w, i) => {
    if (i === last) {
      h = dense(h, w, 'linear');
      return;
    }
    h = dense(h, w, spec.activation);
    if (dropoutSeed !== undefined && spec.dropout > 0) h = tf.dropout(h, spec.dropout, undefined, dropoutSeed + i) as tf.Tensor2D;
  });
  return h;
}
