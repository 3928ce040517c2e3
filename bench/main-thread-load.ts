// The main thread under load: get_status over Streamable HTTP (loopback, one session) and the
// event-loop delay (perf_hooks.monitorEventLoopDelay) while a training job runs in its worker AND
// a 1M-bar ingest (4 symbols x 250k bars) runs through services.ingest (plan in the task worker,
// writes in 1,000-bar transactions). Target: both p99 <= 10 ms. BENCH_INGEST_BARS changes the size
// per symbol.
import os from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { percentiles } from './_services.js';
import { httpWithTraining } from './_mcp-http.js';
import { emit } from './_shared.js';

const perSymbol = Number(process.env['BENCH_INGEST_BARS'] ?? 250_000);
const env = await httpWithTraining();
const client = await env.connect();
for (let i = 0; i < 20; i++) await client.callTool({ name: 'get_status', arguments: { operation_id: env.op.id } });

// Control: the same measures for 3 s with only the training job running (on a loaded machine the
// event-loop delay includes the time the main thread waits for a core).
const control = monitorEventLoopDelay({ resolution: 1 });
const controlSamples: number[] = [];
control.enable();
for (const until = performance.now() + 3000; performance.now() < until;) {
  const s = performance.now();
  await client.callTool({ name: 'get_status', arguments: { operation_id: env.op.id } });
  controlSamples.push(performance.now() - s);
}
control.disable();

const delay = monitorEventLoopDelay({ resolution: 1 });
delay.enable();
const t0 = performance.now();
let done = false;
const ingest = env.services.ingest.ingest({ data: `synthetic:seed=5,bars=${perSymbol},symbols=4` }, 'bench').finally(() => {
  done = true;
});
const samples: number[] = [];
while (!done) {
  const s = performance.now();
  await client.callTool({ name: 'get_status', arguments: { operation_id: env.op.id } });
  samples.push(performance.now() - s);
}
const summary = await ingest;
const ingestS = (performance.now() - t0) / 1000;
delay.disable();
emit({
  bench: 'main_thread_load',
  transport: 'streamable-http',
  while_training: env.services.registry.operations.get(env.op.id).status === 'running',
  ingest_bars: summary.received,
  ingest_added: summary.added,
  ingest_s: +ingestS.toFixed(2),
  get_status_calls: samples.length,
  get_status: percentiles(samples),
  event_loop_delay_p99_ms: +(delay.percentile(99) / 1e6).toFixed(3),
  event_loop_delay_max_ms: +(delay.max / 1e6).toFixed(3),
  control_training_only: {
    get_status: percentiles(controlSamples),
    event_loop_delay_p99_ms: +(control.percentile(99) / 1e6).toFixed(3),
  },
  load_average: os.loadavg()[0],
  cores: os.availableParallelism(),
});
await client.close();
await env.close();
