// Jobs per hour over the Redis queue with 1, 2 and 4 `trainyard worker` processes (one job at a
// time each), and the coordinator's CPU per job (progress events, artifact unpacking, registration).
// Needs redis-server and a build (npm run build). `npx tsx bench/queue.ts [jobs]`; env WORKERS
// (worker counts, "1,2,4"), BARS (synthetic bars per job, 1500), EPOCHS (3).
// On a 2-core machine the workers share 2 cores: past 2 workers the jobs per hour stop rising
// (training is CPU-bound), so the 4-worker row measures contention, not a cluster.
// Measured on 16 cores (NVIDIA H200 machine's CPUs), 20 jobs: 1/2/4/8/16 workers 6536 / 11792 /
// 22618 / 35446 / 43291 jobs/h; with BARS=12000, 1/4/8/16 workers 4682 / 16984 / 23142 / 28524;
// coordinator CPU 17-47 ms/job. (20 jobs a row: the per-client limit on queued jobs.)
// Measured on 2 cores, 8 jobs: 1 worker 2657 jobs/h, 2 workers 5184, 4 workers 6809 (those tiny
// jobs are mostly thread and backend start-up, which overlaps); coordinator CPU 44-74 ms per job.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../src/config/load.js';
import { createLogger } from '../src/config/logger.js';
import { createServices } from '../src/services/index.js';
import { spawnWorker, startRedis } from '../test/helpers/redis.js';

const JOBS = Number(process.argv[2] ?? 8);
const MOMENTUM = path.resolve(import.meta.dirname, '..', 'test', 'fixtures', 'momentum-test.yaml');
const redis = await startRedis();
const BARS = Number(process.env['BARS'] ?? 1500);
const EPOCHS = Number(process.env['EPOCHS'] ?? 3);
console.log(`cores ${os.availableParallelism()}, ${JOBS} training jobs (synthetic ${BARS} bars, ${EPOCHS} epochs) per row`);
for (const count of (process.env['WORKERS'] ?? '1,2,4').split(',').map(Number)) {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'trainyard-bench-queue-'));
  const queue = { url: redis.url, name: `bench${count}` };
  const configFile = path.join(root, 'worker.json');
  fs.writeFileSync(configFile, JSON.stringify({ queue, wasm_threads: 1 }));
  const workers = Array.from({ length: count }, (_, i) => spawnWorker(path.join(root, `w${i}`), configFile));
  while (!workers.every((w) => w.stderr().includes('trainyard worker ready'))) await new Promise((r) => setTimeout(r, 50));
  const config = loadConfig({ argv: { home: path.join(root, 'home'), log_level: 'silent', wasm_threads: 1, queue }, env: {} });
  const services = createServices(config, { logger: createLogger('silent') });
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const ops = Array.from({ length: JOBS }, (_, i) =>
    services.training.start(
      { strategy: MOMENTUM, data: `synthetic:seed=${i + 1},bars=${BARS},signal=0.3`, overrides: { epochs: EPOCHS } },
      { actor: 'bench' },
    ),
  );
  const ends = await Promise.all(ops.map((op) => services.jobs.waitFor(op.id)));
  const wall = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const failed = ends.filter((e) => e.status !== 'completed').length;
  console.log(
    `${count} worker(s): ${((JOBS / wall) * 3600).toFixed(0)} jobs/h (${wall.toFixed(1)} s for ${JOBS}${failed ? `, ${failed} failed` : ''}), ` +
      `coordinator CPU ${((cpu.user + cpu.system) / 1000 / JOBS).toFixed(0)} ms/job`,
  );
  await services.close();
  for (const w of workers) w.child.kill('SIGTERM');
}
redis.stop();
