// Which backend `auto` picks here, and the same small training on it (seed 7): bench/gpu.sh runs it
// under auto and under wasm and compares the losses (the same-answers check, on a real GPU).
// Env: TRAINYARD_BACKEND (auto).
import { buildModel } from '../src/pipeline/model/build.js';
import { trainModel } from '../src/pipeline/model/train.js';
import { backend, canonicalStrategy, emit, randomMatrix } from './_shared.js';

const info = await backend(1);
const s = canonicalStrategy(256, 3, [64, 32]);
const model = buildModel(s.model, 40, 7);
const out = await trainModel(model, randomMatrix(4096, 40, 7), randomMatrix(1024, 40, 8), {
  model: s.model,
  training: { ...s.training, seed: 7 },
});
emit({
  bench: 'backend_probe',
  preference: process.env['TRAINYARD_BACKEND'] ?? 'auto',
  backend: info.name,
  adapter: info.adapter ?? null,
  skipped: info.skipped,
  losses: out.history.map((h) => h.loss),
  val_losses: out.history.map((h) => h.val_loss),
});
