import * as tf from '@tensorflow/tfjs';
import { backend, canonicalStrategy, randomMatrix } from './_shared.js';
import { buildModel, denseWeights } from '../src/pipeline/model/build.js';
import { forwardLogits } from '../src/pipeline/model/forward.js';
await backend(1);
const B = 256;
const train = randomMatrix(16_000, 40, 1);
const s = canonicalStrategy(B, 1);
const model = buildModel(s.model, 40, 1);
const w = denseWeights(model);
const vars = w.flatMap((x) => [x.kernel, x.bias]);
const opt = tf.train.adam(1e-3);
const T = new Float32Array(train.rows * 3);
train.y.forEach((c, i) => (T[i * 3 + c] = 1));
const step = (i: number) =>
  tf.tidy(() => {
    const xb = tf.tensor2d(train.x.subarray(0, B * 40), [B, 40]);
    const tb = tf.tensor2d(T.subarray(0, B * 3), [B, 3]);
    opt.minimize(() => tf.div(tf.neg(tf.sum(tf.mul(tb, tf.logSoftmax(forwardLogits(xb, w, s.model, i))))), B) as tf.Scalar, false, vars);
  });
for (let i = 0; i < 20; i++) step(i);
const agg: Record<string, { n: number; ms: number }> = {};
for (let r = 0; r < 20; r++) {
  const p = await tf.profile(() => step(r));
  for (const k of p.kernels) {
    const a = (agg[k.name] ??= { n: 0, ms: 0 });
    a.n++;
    a.ms += Number(k.kernelTimeMs) || 0;
  }
}
const rows = Object.entries(agg).sort((a, b) => b[1].ms - a[1].ms);
for (const [k, v] of rows) console.log(k.padEnd(24), (v.n / 20).toFixed(0).padStart(4), 'per step', (v.ms / 20).toFixed(3), 'ms/step');
