// End to end: cancel call -> operation row `cancelled`, with training running in a worker thread.
// The cancel lands at a random point of the third epoch. Target: <= 100 ms plus one batch; the
// measured batch time is reported alongside.
import fs from 'node:fs';
import { benchServices, percentiles, STRATEGY } from './_services.js';
import { emit } from './_shared.js';
import { createRng } from '../src/pipeline/random.js';

const RUNS = 6;
const { services } = benchServices();
const rng = createRng(7);
const yaml = fs.readFileSync(STRATEGY, 'utf8').replace(/early_stopping_patience: \d+/, 'early_stopping_patience: 0');
for (const batch of [32, 256]) {
  const strategy = yaml.replace(/batch_size: \d+/, `batch_size: ${batch}`);
  const latencies: number[] = [];
  const batchTimes: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const op = services.training.start({ strategy, data: 'synthetic:seed=2,bars=20000', overrides: { epochs: 1000 } }, { actor: 'bench' });
    const epochMs = await new Promise<number>((resolve) => {
      let epochStart = 0;
      const off = services.jobs.subscribe(op.id, (e) => {
        if (e.type !== 'progress' || e.progress.phase !== 'model_training' || e.progress.val_accuracy === undefined) return;
        const now = performance.now();
        const ms = now - epochStart;
        if (epochStart) batchTimes.push(ms / (e.progress.batches ?? 1));
        epochStart = now;
        if ((e.progress.epoch ?? 0) >= 2) {
          off();
          resolve(ms);
        }
      });
    });
    await new Promise((r) => setTimeout(r, rng.next() * epochMs));
    const t0 = performance.now();
    services.training.cancel(op.id, 'bench', 'bench');
    const end = await services.jobs.waitFor(op.id);
    latencies.push(performance.now() - t0);
    if (end.status !== 'cancelled') throw new Error(`expected cancelled, got ${end.status}`);
  }
  const batchMs = percentiles(batchTimes).p50_ms;
  const p = percentiles(latencies);
  emit({ bench: 'job_cancel_latency', batch, runs: latencies.length, ...p, batch_ms: batchMs, within_target: p.max_ms <= 100 + batchMs });
}
await services.close();
