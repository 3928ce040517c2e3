import type * as TF from '@tensorflow/tfjs';
import { tf } from '../backend/tf.js';
import type { Strategy } from '../../domain/strategy.js';

export const NUM_CLASSES = 3;

/**
 * The strategy's MLP as a tf.layers model: Dense (+ Dropout) per hidden layer, softmax output.
 * Kernels use seeded Glorot-uniform initialisation (layer i gets seed + i) so the same seed gives
 * the same starting weights on the same backend.
 */
export function buildModel(spec: Strategy['model'], inputSize: number, seed: number): TF.Sequential {
  const model = tf.sequential({ name: 'trainyard_mlp' });
  spec.hidden_layers.forEach((units, i) => {
    model.add(
      tf.layers.dense({
        units,
        activation: spec.activation,
        kernelInitializer: tf.initializers.glorotUniform({ seed: seed + i }),
        biasInitializer: 'zeros',
        ...(i === 0 ? { inputShape: [inputSize] } : {}),
        name: `dense_${i}`,
      }),
    );
    if (spec.dropout > 0) model.add(tf.layers.dropout({ rate: spec.dropout, name: `dropout_${i}` }));
  });
  model.add(
    tf.layers.dense({
      units: NUM_CLASSES,
      activation: 'softmax',
      kernelInitializer: tf.initializers.glorotUniform({ seed: seed + spec.hidden_layers.length }),
      name: 'output',
    }),
  );
  return model;
}

/** The dense layers' kernel/bias variables in order, shared with the layers model. */
export interface DenseWeights {
  kernel: TF.Variable;
  bias: TF.Variable;
}

export function denseWeights(model: TF.LayersModel): DenseWeights[] {
  return model.layers
    .filter((l) => l.getClassName() === 'Dense')
    .map((l) => {
      const [kernel, bias] = l.trainableWeights.map((w) => w.read() as TF.Variable);
      if (!kernel || !bias) throw new Error(`layer ${l.name} has no kernel/bias`);
      return { kernel, bias };
    });
}

export function parameterCount(model: TF.LayersModel): number {
  return model.countParams();
}

export function architecture(spec: Strategy['model'], inputSize: number): string {
  const drop = spec.dropout > 0 ? ` (dropout ${spec.dropout})` : '';
  return [`${inputSize}`, ...spec.hidden_layers.map((u) => `${u} ${spec.activation}`), `${NUM_CLASSES} softmax`].join(' -> ') + drop;
}
