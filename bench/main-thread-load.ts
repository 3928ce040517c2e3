// The main thread under load: get_status over Streamable HTTP (loopback, one session, from a
// separate client process as a real client is) and the server's event-loop delay
// (perf_hooks.monitorEventLoopDelay) while a training job runs in its worker AND a 1M-bar ingest
// (4 symbols x 250k bars) runs through services.ingest (plan and chunked write in the task worker).
// Target: both p99 <= 10 ms. BENCH_INGEST_BARS changes the size per symbol.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { percentiles, STRATEGY } from './_services.js';
import { httpWithTraining, pollStatus } from './_mcp-http.js';
import { emit } from './_shared.js';

const require = createRequire(import.meta.url);
const perSymbol = Number(process.env['BENCH_INGEST_BARS'] ?? 250_000);
// No early stopping: the job trains through the whole measurement.
const env = await httpWithTraining({
  strategy: fs.readFileSync(STRATEGY, 'utf8').replace(/early_stopping_patience: \d+/, 'early_stopping_patience: 0'),
});
// BENCH_POLL_HZ: get_status calls per second (default 0: back to back, ~400/s here, which alone keeps
// the main thread ~40% busy; an agent polls about once a second).
const pollHz = Number(process.env['BENCH_POLL_HZ'] ?? 0);
const poller = await pollStatus(env.url, env.token, env.op.id, pollHz);
const windowOf = (r: { at: number[]; ms: number[] }, from: number, to: number) => r.ms.filter((_, i) => r.at[i]! >= from && r.at[i]! < to);
const now = () => performance.timeOrigin + performance.now();

// Control: the same measures for 3 s with only the training job running (on a loaded machine the
// event-loop delay includes the time the main thread waits for a core).
const control = monitorEventLoopDelay({ resolution: 1 });
const controlFrom = now();
const controlElu = performance.eventLoopUtilization();
control.enable();
await new Promise((r) => setTimeout(r, 3000));
control.disable();
const controlTo = now();
const controlBusy = performance.eventLoopUtilization(controlElu);

// Another writer of the same database (as a CLI beside the server would be), in its own thread:
// a small write transaction every 50 ms; the longest it waited for the write lock is reported.
const probe = new Worker(
  `const { parentPort, workerData } = require('node:worker_threads');
   const Database = require(workerData.sqlite);
   const db = new Database(workerData.file, { timeout: 5000 });
   db.exec('CREATE TABLE IF NOT EXISTS bench_probe (at REAL)');
   const insert = db.prepare('INSERT INTO bench_probe (at) VALUES (?)');
   let longest = 0, writes = 0, failures = 0, stop = false, error = null;
   parentPort.on('message', () => { stop = true; });
   const tick = () => {
     if (stop) { db.close(); parentPort.postMessage({ longest, writes, failures, error }); return; }
     const t = performance.now();
     try { db.transaction(() => insert.run(t)).immediate(); writes++; } catch (e) { failures++; error = e.code + ': ' + e.message; }
     longest = Math.max(longest, performance.now() - t);
     setTimeout(tick, 50);
   };
   tick();`,
  { eval: true, workerData: { file: env.services.registry.file, sqlite: require.resolve('better-sqlite3') } },
);

const delay = monitorEventLoopDelay({ resolution: 1 });
const ingestElu = performance.eventLoopUtilization();
delay.enable();
const t0 = performance.now();
let done = false;
const ingest = env.services.ingest.ingest({ data: `synthetic:seed=5,bars=${perSymbol},symbols=4` }, 'bench').finally(() => {
  done = true;
});
const ingestFrom = now();
while (!done) await new Promise((r) => setTimeout(r, 20));
const ingestTo = now();
const ingestBusy = performance.eventLoopUtilization(ingestElu);
const summary = await ingest;
const polled = await poller.stop();
const samples = windowOf(polled, ingestFrom, ingestTo);
const controlSamples = windowOf(polled, controlFrom, controlTo);
const other = await new Promise<{ longest: number; writes: number; failures: number; error: string | null }>((resolve) => {
  probe.once('message', resolve);
  probe.postMessage('stop');
});
await probe.terminate();
const ingestS = (performance.now() - t0) / 1000;
delay.disable();
emit({
  bench: 'main_thread_load',
  transport: 'streamable-http',
  client: 'separate process',
  poll_hz: pollHz || 'back to back',
  while_training: env.services.registry.operations.get(env.op.id).status === 'running',
  ingest_bars: summary.received,
  ingest_added: summary.added,
  ingest_s: +ingestS.toFixed(2),
  get_status_calls: samples.length,
  get_status: percentiles(samples),
  event_loop_delay_p99_ms: +(delay.percentile(99) / 1e6).toFixed(3),
  event_loop_delay_max_ms: +(delay.max / 1e6).toFixed(3),
  // The share of wall time the main thread was running (not waiting): independent of how long it
  // waited for a core, so comparable across loaded and idle machines.
  event_loop_utilization: +ingestBusy.utilization.toFixed(3),
  other_writer: { writes: other.writes, failures: other.failures, last_error: other.error, longest_wait_ms: +other.longest.toFixed(1) },
  control_training_only: {
    get_status: percentiles(controlSamples),
    event_loop_delay_p99_ms: +(control.percentile(99) / 1e6).toFixed(3),
    event_loop_utilization: +controlBusy.utilization.toFixed(3),
  },
  load_average: os.loadavg()[0],
  cores: os.availableParallelism(),
});
await env.close();
