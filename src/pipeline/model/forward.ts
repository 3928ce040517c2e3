import type * as TF from '@tensorflow/tfjs';
import { tf } from '../backend/tf.js';
import type { Strategy } from '../../domain/strategy.js';
import type { DenseWeights } from './build.js';
import { maskTensor } from './dropout-mask.js';

type Activation = Strategy['model']['activation'];

/**
 * x·W + b with a hand-written gradient. On the wasm backend a matmul with a transposed operand
 * (what the stock gradient of matMul uses: xᵀ·dy and dy·Wᵀ) runs 5-10x slower than transposing
 * first and multiplying plainly, and those two products dominate a training step. `needInputGrad`
 * false (the first layer) skips dy·Wᵀ, which nothing uses.
 */
function linearOp(needInputGrad: boolean) {
  return tf.customGrad((...args: unknown[]) => {
    const [x, w, b, save] = args as [TF.Tensor2D, TF.Tensor2D, TF.Tensor1D, TF.GradSaveFunc];
    save([x, w]);
    return {
      value: tf.add(tf.matMul(x, w), b),
      gradFunc: (dy: TF.Tensor | TF.Tensor[], saved: TF.Tensor[]) => {
        const g = dy as TF.Tensor2D;
        const [sx, sw] = saved as [TF.Tensor2D, TF.Tensor2D];
        const dx = needInputGrad ? tf.matMul(g, tf.transpose(sw)) : tf.zerosLike(sx);
        return [dx, tf.matMul(tf.transpose(sx), g), tf.sum(g, 0)];
      },
    };
  });
}
// Built on first use, not at import: tf.customGrad would load TensorFlow.js (see backend/tf.ts).
let linears: { first: ReturnType<typeof linearOp>; inner: ReturnType<typeof linearOp> } | undefined;
const linear = () => (linears ??= { first: linearOp(false), inner: linearOp(true) });

function activate(z: TF.Tensor2D, activation: Activation): TF.Tensor2D {
  switch (activation) {
    case 'relu':
      return tf.relu(z);
    case 'tanh':
      return tf.tanh(z);
    case 'elu':
      return tf.elu(z);
    case 'sigmoid':
      return tf.sigmoid(z);
    case 'selu':
      return tf.selu(z);
  }
}

/**
 * The MLP's forward pass to logits, straight over the layers model's own variables. Equivalent to
 * `model.apply` (softmax aside) but without the layers machinery, which costs more than the
 * matmuls themselves at these sizes. `dropoutSeed` set = training mode: the seeded dropout masks of
 * dropout-mask.ts, the same ones the analytic step (fast-step.ts) applies.
 */
export function forwardLogits(x: TF.Tensor2D, weights: DenseWeights[], spec: Strategy['model'], dropoutSeed?: number): TF.Tensor2D {
  let h = x;
  const last = weights.length - 1;
  weights.forEach((w, i) => {
    const z = (i === 0 ? linear().first : linear().inner)(h, w.kernel, w.bias) as TF.Tensor2D;
    if (i === last) {
      h = z;
      return;
    }
    h = activate(z, spec.activation);
    if (dropoutSeed !== undefined && spec.dropout > 0) h = tf.mul(h, maskTensor(h.shape, spec.dropout, dropoutSeed + i));
  });
  return h;
}
