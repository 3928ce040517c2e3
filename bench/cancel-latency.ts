// Time from a cancel request to trainModel rejecting, across batch sizes. The request is a timer
// due at a known instant (as a signal or a cancel call would arrive); latency counts from when it
// was due, so time the event loop spent blocked before the timer could fire counts too.
// Target: <= 50 ms.
import { buildModel } from '../src/pipeline/model/build.js';
import { trainModel } from '../src/pipeline/model/train.js';
import { backend, canonicalStrategy, emit, median, randomMatrix } from './_shared.js';

const info = await backend();
const train = randomMatrix(16_000, 40, 1);
const val = randomMatrix(4_000, 40, 2);

for (const batch of [32, 256, 2048]) {
  const s = canonicalStrategy(batch, 1000);
  const latencies: number[] = [];
  for (let i = 0; i < 7; i++) {
    const model = buildModel(s.model, 40, 1);
    const controller = new AbortController();
    const delay = 200 + i * 37;
    const due = performance.now() + delay;
    setTimeout(() => controller.abort('bench'), delay);
    await trainModel(model, train, val, { model: s.model, training: s.training, signal: controller.signal }).catch(() => undefined);
    latencies.push(performance.now() - due);
    model.dispose();
  }
  emit({
    bench: 'cancel_latency',
    backend: info.name,
    batch,
    p50_ms: +median(latencies).toFixed(2),
    max_ms: +Math.max(...latencies).toFixed(2),
    runs: latencies.length,
  });
}
