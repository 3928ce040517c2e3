// Reading an operation's status from the main thread while a training job runs in a worker thread:
// one read every 5 ms for the length of the training phase. Target: p99 <= 10 ms.
import { benchServices, percentiles, STRATEGY } from './_services.js';
import { emit } from './_shared.js';

const { services } = benchServices();
const op = services.training.start(
  { strategy: STRATEGY, data: 'synthetic:seed=1,bars=20000,signal=0.2', overrides: { epochs: 8 } },
  { actor: 'bench' },
);
const reads: number[] = [];
const lag: number[] = [];
let state = services.registry.operations.get(op.id);
while (state.status === 'pending' || state.status === 'running') {
  const t0 = performance.now();
  state = services.registry.operations.get(op.id);
  const t1 = performance.now();
  if (state.phase === 'model_training') reads.push(t1 - t0);
  const due = performance.now() + 5;
  await new Promise((r) => setTimeout(r, 5));
  if (state.phase === 'model_training') lag.push(Math.max(0, performance.now() - due));
}
emit({ bench: 'responsiveness', status: state.status, reads: reads.length, ...percentiles(reads), timer_lag: percentiles(lag) });
await services.close();
