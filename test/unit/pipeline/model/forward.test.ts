import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { forwardLogits } from '../../../../src/pipeline/model/forward.js';
import { testBackend } from '../../../helpers/backend.js';

describe('forwardLogits', () => {
  beforeAll(async () => {
    await testBackend();
  });

  it('has the same value and gradients as the plain matMul formula (the custom gradient is exact)', () => {
    const x = tf.randomNormal([8, 5], 0, 1, 'float32', 1) as tf.Tensor2D;
    const w = [
      { kernel: tf.variable(tf.randomNormal([5, 4], 0, 1, 'float32', 2)), bias: tf.variable(tf.randomNormal([4], 0, 1, 'float32', 3)) },
      { kernel: tf.variable(tf.randomNormal([4, 6], 0, 1, 'float32', 4)), bias: tf.variable(tf.randomNormal([6], 0, 1, 'float32', 5)) },
      { kernel: tf.variable(tf.randomNormal([6, 3], 0, 1, 'float32', 6)), bias: tf.variable(tf.randomNormal([3], 0, 1, 'float32', 7)) },
    ];
    const vars = w.flatMap((l) => [l.kernel, l.bias]);
    for (const activation of ['relu', 'tanh', 'elu'] as const) {
      const spec = { type: 'mlp' as const, hidden_layers: [4, 6], activation, dropout: 0, l2: 0 };
      const act = (t: tf.Tensor) => (activation === 'relu' ? tf.relu(t) : activation === 'tanh' ? tf.tanh(t) : tf.elu(t));
      const plain = () => {
        let h: tf.Tensor = x;
        w.forEach((l, i) => {
          h = tf.add(tf.matMul(h as tf.Tensor2D, l.kernel as tf.Tensor2D), l.bias);
          if (i < w.length - 1) h = act(h);
        });
        return tf.sum(tf.square(h)) as tf.Scalar;
      };
      const ours = tf.variableGrads(() => tf.sum(tf.square(forwardLogits(x, w, spec))) as tf.Scalar, vars);
      const ref = tf.variableGrads(plain, vars);
      expect(ours.value.dataSync()[0]).toBeCloseTo(ref.value.dataSync()[0]!, 4);
      for (const k of Object.keys(ref.grads)) {
        const diff = tf.max(tf.abs(tf.sub(ours.grads[k]!, ref.grads[k]!))).dataSync()[0]!;
        expect(diff).toBeLessThan(1e-4);
      }
    }
  });
});
