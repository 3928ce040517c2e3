// The main thread under load: get_status over Streamable HTTP (loopback, one session) and the
// event-loop delay (perf_hooks.monitorEventLoopDelay) while a training job runs in its worker AND
// a 1M-bar ingest (4 symbols x 250k bars) runs through services.ingest (plan in the task worker,
// writes in 1,000-bar transactions). Target: both p99 <= 10 ms. BENCH_INGEST_BARS changes the size
// per symbol.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { percentiles, STRATEGY } from './_services.js';
import { httpWithTraining } from './_mcp-http.js';
import { emit } from './_shared.js';

const require = createRequire(import.meta.url);
const perSymbol = Number(process.env['BENCH_INGEST_BARS'] ?? 250_000);
// No early stopping: the job trains through the whole measurement.
const env = await httpWithTraining({
  strategy: fs.readFileSync(STRATEGY, 'utf8').replace(/early_stopping_patience: \d+/, 'early_stopping_patience: 0'),
});
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

// Another writer of the same database (as a CLI beside the server would be), in its own thread:
// a small write transaction every 50 ms; the longest it waited for the write lock is reported.
const probe = new Worker(
  `const { parentPort, workerData } = require('node:worker_threads');
   const Database = require(workerData.sqlite);
   const db = new Database(workerData.file, { timeout: 5000 });
   db.exec('CREATE TABLE IF NOT EXISTS bench_probe (at REAL)');
   const insert = db.prepare('INSERT INTO bench_probe (at) VALUES (?)');
   let longest = 0, writes = 0, failures = 0, stop = false;
   parentPort.on('message', () => { stop = true; });
   const tick = () => {
     if (stop) { db.close(); parentPort.postMessage({ longest, writes, failures }); return; }
     const t = performance.now();
     try { db.transaction(() => insert.run(t)).immediate(); writes++; } catch { failures++; }
     longest = Math.max(longest, performance.now() - t);
     setTimeout(tick, 50);
   };
   tick();`,
  { eval: true, workerData: { file: env.services.registry.file, sqlite: require.resolve('better-sqlite3') } },
);

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
const other = await new Promise<{ longest: number; writes: number; failures: number }>((resolve) => {
  probe.once('message', resolve);
  probe.postMessage('stop');
});
await probe.terminate();
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
  other_writer: { writes: other.writes, failures: other.failures, longest_wait_ms: +other.longest.toFixed(1) },
  control_training_only: {
    get_status: percentiles(controlSamples),
    event_loop_delay_p99_ms: +(control.percentile(99) / 1e6).toFixed(3),
  },
  load_average: os.loadavg()[0],
  cores: os.availableParallelism(),
});
await client.close();
await env.close();
