// Profiling aid (not a listed bench): µs per training step of the canonical MLP for the tape step
// (tf.variableGrads + tf.train), the analytic step composed from stock kernels and the analytic
// step with the fused kernels, interleaved in one process (best of REPS rounds, so a shared
// machine's noise hurts all three alike), and the kernels each runs per step.
// Env: BATCHES (default "32,64,256"), REPS (default 8), ACTIVATION, OPTIMIZER, DROPOUT.
// Run: TRAINYARD_BACKEND=wasm node --import tsx bench/_step-profile.ts
import * as tf from '@tensorflow/tfjs';
import { strategySchema } from '../src/domain/strategy.js';
import { buildModel, denseWeights } from '../src/pipeline/model/build.js';
import { createFastStep } from '../src/pipeline/model/fast-step.js';
import { createTapeStep, type TrainStep } from '../src/pipeline/model/tape-step.js';
import { backend, emit, randomMatrix } from './_shared.js';

const info = await backend(1);
const data = randomMatrix(16_000, 40, 1);
const targets = new Float32Array(data.rows * 3);
data.y.forEach((c, r) => (targets[r * 3 + c] = 1));
const reps = Number(process.env['REPS'] ?? 8);

for (const batch of (process.env['BATCHES'] ?? '32,64,256').split(',').map(Number)) {
  const s = strategySchema.parse({
    name: 'profile',
    indicators: [{ id: 'r', type: 'rsi' }],
    features: { lagged_returns: [1] },
    labels: { type: 'forward_return' },
    model: { hidden_layers: [64, 32], activation: process.env['ACTIVATION'] ?? 'relu', dropout: Number(process.env['DROPOUT'] ?? 0.2) },
    training: { optimizer: process.env['OPTIMIZER'] ?? 'adam', learning_rate: 0.001, batch_size: batch },
  });
  const makers: Record<string, (w: ReturnType<typeof denseWeights>) => TrainStep> = {
    tape: (w) => createTapeStep(w, s.model, s.training),
    composed: (w) => createFastStep(w, s.model, s.training, { fusedKernels: false }),
    fused: (w) => createFastStep(w, s.model, s.training),
  };
  const steps = Object.entries(makers).map(([name, make]) => {
    const model = buildModel(s.model, 40, 1);
    const trainer = make(denseWeights(model));
    let k = 0;
    const run = () => {
      const off = (k * batch) % (data.rows - batch);
      trainer.step(data.x.subarray(off * 40), targets.subarray(off * 3), batch, k++);
    };
    return { name, run, dispose: () => (trainer.dispose(), model.dispose()) };
  });
  const n = Math.max(20, Math.round(16_000 / batch / 2));
  for (const st of steps) for (let i = 0; i < 100; i++) st.run();
  const best: Record<string, number> = {};
  for (let r = 0; r < reps; r++) {
    for (const st of steps) {
      const t0 = performance.now();
      for (let i = 0; i < n; i++) st.run();
      best[st.name] = Math.min(best[st.name] ?? Infinity, ((performance.now() - t0) / n) * 1000);
    }
  }
  for (const st of steps) {
    const profile = await tf.profile(() => st.run());
    emit({
      bench: 'step_profile',
      backend: info.name,
      batch,
      step: st.name,
      us_per_step: Math.round(best[st.name]!),
      kernels_per_step: profile.kernels.length,
    });
    st.dispose();
  }
}
