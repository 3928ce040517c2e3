// Reading an operation's status from the main thread while a training job runs in a worker thread:
// one read every 5 ms for 12 s of the training phase (a canonical-size MLP, 64 -> 32, batch 32, on
// 20,000 synthetic bars), then the job is cancelled. Target: read p99 <= 10 ms.
import fs from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { benchServices, percentiles, STRATEGY } from './_services.js';
import { emit } from './_shared.js';

const TRAIN_MS = 12_000;
const { services } = benchServices();
const strategy = fs
  .readFileSync(STRATEGY, 'utf8')
  .replace(/hidden_layers: \[[^\]]*\]/, 'hidden_layers: [64, 32]')
  .replace(/batch_size: \d+/, 'batch_size: 32')
  .replace(/early_stopping_patience: \d+/, 'early_stopping_patience: 0');
const op = services.training.start(
  { strategy, data: 'synthetic:seed=1,bars=20000,signal=0.2', overrides: { epochs: 1000 } },
  { actor: 'bench' },
);
let state = services.registry.operations.get(op.id);
while (state.status === 'pending' || state.phase !== 'model_training') {
  if (state.status !== 'pending' && state.status !== 'running') throw new Error(`job ended early: ${state.status} ${state.message}`);
  await new Promise((r) => setTimeout(r, 5));
  state = services.registry.operations.get(op.id);
}

const reads: number[] = [];
const lag: number[] = [];
const delay = monitorEventLoopDelay({ resolution: 1 });
delay.enable();
const until = performance.now() + TRAIN_MS;
while (performance.now() < until) {
  const t0 = performance.now();
  state = services.registry.operations.get(op.id);
  reads.push(performance.now() - t0);
  if (state.status !== 'running') throw new Error(`job ended early: ${state.status} ${state.message}`);
  const due = performance.now() + 5;
  await new Promise((r) => setTimeout(r, 5));
  lag.push(Math.max(0, performance.now() - due));
}
delay.disable();
services.training.cancel(op.id, 'bench done', 'bench');
const end = await services.jobs.waitFor(op.id);
emit({
  bench: 'responsiveness',
  reads: reads.length,
  ...percentiles(reads),
  training_s: TRAIN_MS / 1000,
  epoch_reached: state.metrics?.['epoch'] ?? null,
  timer_lag: percentiles(lag),
  event_loop_delay_p99_ms: +(delay.percentile(99) / 1e6).toFixed(3),
  final_status: end.status,
});
await services.close();
