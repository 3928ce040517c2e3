// End to end: cancel call -> operation row `cancelled`, with training running in a worker thread.
// Target: <= 100 ms plus one batch; the measured batch time is reported alongside.
import fs from 'node:fs';
import { benchServices, percentiles, STRATEGY } from './_services.js';
import { emit } from './_shared.js';

const { services } = benchServices();
const yaml = fs.readFileSync(STRATEGY, 'utf8');
for (const batch of [32, 256]) {
  const strategy = yaml.replace(/batch_size: \d+/, `batch_size: ${batch}`).replace(/epochs: \d+/, 'epochs: 1000');
  const latencies: number[] = [];
  const batchTimes: number[] = [];
  for (let i = 0; i < 5; i++) {
    const op = services.training.start({ strategy, data: 'synthetic:seed=2,bars=20000' }, { actor: 'bench' });
    await new Promise<void>((resolve) => {
      let epochStart = 0;
      const off = services.jobs.subscribe(op.id, (e) => {
        if (e.type !== 'progress' || e.progress.phase !== 'model_training' || e.progress.val_accuracy === undefined) return;
        const now = performance.now();
        if (epochStart) batchTimes.push((now - epochStart) / (e.progress.batches ?? 1));
        epochStart = now;
        if ((e.progress.epoch ?? 0) >= 3) {
          off();
          resolve();
        }
      });
    });
    const t0 = performance.now();
    services.training.cancel(op.id, 'bench', 'bench');
    const end = await services.jobs.waitFor(op.id);
    latencies.push(performance.now() - t0);
    if (end.status !== 'cancelled') throw new Error(`expected cancelled, got ${end.status}`);
  }
  emit({ bench: 'job_cancel_latency', batch, runs: latencies.length, ...percentiles(latencies), batch_ms: percentiles(batchTimes).p50_ms });
}
await services.close();
