import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { strategySchema } from '../../../../src/domain/strategy.js';
import { buildModel } from '../../../../src/pipeline/model/build.js';
import { predictProba } from '../../../../src/pipeline/model/predict.js';
import { testBackend } from '../../../helpers/backend.js';
import { makeMatrix } from '../../../helpers/matrix.js';

describe('predictProba', () => {
  beforeAll(async () => {
    await testBackend();
  });

  it('gives the layers model’s own probabilities bit for bit, across chunk boundaries', async () => {
    const { model: spec } = strategySchema.parse({
      name: 'p',
      indicators: [{ id: 'r', type: 'rsi' }],
      features: { lagged_returns: [1] },
      labels: { type: 'forward_return' },
      model: { hidden_layers: [16, 8], dropout: 0.2, activation: 'tanh' },
    });
    const m = makeMatrix(20_000, 6, 3);
    const model = buildModel(spec, m.cols, 5);
    try {
      // The reference: model.predict with its default batch of 32 rows, as predictProba once did.
      const expected = tf.tidy(() => (model.predict(tf.tensor2d(m.x, [m.rows, m.cols])) as tf.Tensor).dataSync());
      const got = await predictProba(model, m.x, m.rows, m.cols);
      expect(got.length).toBe(m.rows * 3);
      expect(Buffer.from(got.buffer).equals(Buffer.from(expected.buffer, expected.byteOffset, expected.byteLength))).toBe(true);
    } finally {
      model.dispose();
    }
  });
});
