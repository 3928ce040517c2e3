import type * as TF from '@tensorflow/tfjs';
import { tf } from '../backend/tf.js';
import type { Strategy } from '../../domain/strategy.js';
import { NUM_CLASSES, type DenseWeights } from './build.js';
import { forwardLogits } from './forward.js';
import { clipByGlobalNorm, createOptimizer } from './optimizer.js';

/** One optimisation step of the MLP; the training loop holds one for the run. */
export interface TrainStep {
  /**
   * Trains on `size` rows: x row-major (size x cols), targets row-major (size x 3, the class
   * weight at the label, 0 elsewhere), dropout masks seeded from `dropoutSeed` (+ layer index).
   * Updates the model's variables in place and returns the batch's training objective: the mean
   * of w_y·CE over the rows, plus l2·ΣW² over the kernels.
   */
  step(x: Float32Array, targets: Float32Array, size: number, dropoutSeed: number): number;
  /**
   * The same step with nothing read back to the host: the objective is returned as a scalar on the
   * device (the caller disposes it) and clipping is decided there. For backends that cannot read
   * synchronously (webgpu) and to keep a GPU from waiting on the host at every batch.
   */
  stepOnDevice(x: Float32Array, targets: Float32Array, size: number, dropoutSeed: number): TF.Scalar;
  dispose(): void;
}

/**
 * The reference step: autodiff (tf.variableGrads) over forwardLogits, gradients clipped to the
 * global norm, a tf.train optimizer. The analytic step (fast-step.ts) is tested against it.
 */
export function createTapeStep(weights: DenseWeights[], spec: Strategy['model'], cfg: Strategy['training']): TrainStep {
  const vars = weights.flatMap((w) => [w.kernel, w.bias]);
  const kernels = weights.map((w) => w.kernel);
  const cols = weights[0]!.kernel.shape[0]!;
  const optimizer = createOptimizer(cfg);
  const train = (x: Float32Array, targets: Float32Array, size: number, seed: number, onDevice: boolean): TF.Scalar =>
    tf.tidy(() => {
      const xb = tf.tensor2d(x.subarray(0, size * cols), [size, cols]);
      const tb = tf.tensor2d(targets.subarray(0, size * NUM_CLASSES), [size, NUM_CLASSES]);
      const { value, grads } = tf.variableGrads(() => {
        const logits = forwardLogits(xb, weights, spec, seed);
        // Mean over the batch of w_y * CE (Keras's sample-weight convention). Written out rather
        // than tf.losses.softmaxCrossEntropy, whose gradient assumes label rows sum to 1.
        let loss = tf.div(tf.sum(tf.mul(tb, tf.logSoftmax(logits))), -size) as TF.Scalar;
        if (spec.l2 > 0) loss = tf.add(loss, tf.mul(spec.l2, tf.addN(kernels.map((k) => tf.sum(tf.square(k)))))) as TF.Scalar;
        return loss;
      }, vars);
      optimizer.applyGradients(clipByGlobalNorm(grads, cfg.gradient_clip, onDevice));
      return value;
    });
  return {
    step: (x, targets, size, seed) => {
      const value = train(x, targets, size, seed, false);
      const loss = value.dataSync()[0]!;
      value.dispose();
      return loss;
    },
    stepOnDevice: (x, targets, size, seed) => train(x, targets, size, seed, true),
    dispose: () => optimizer.dispose(),
  };
}
