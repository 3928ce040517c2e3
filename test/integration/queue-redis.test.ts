import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { createLogger } from '../../src/config/logger.js';
import type { Operation } from '../../src/domain/operation.js';
import { createServices, type Services } from '../../src/services/index.js';
import { MOMENTUM, modelFolders } from '../helpers/services.js';
import { redisSkipReason, spawnWorker, startRedis, type WorkerProcess } from '../helpers/redis.js';

// Real redis-server, real `trainyard worker` processes (dist/), services as the coordinator.
const skip = redisSkipReason();
if (skip) console.log(`redis queue tests ${skip}`);

const SMALL = 'synthetic:seed=1,bars=1500,signal=0.3';
/** Long enough (several seconds) to kill or cancel a worker mid-training. */
const LONG = 'synthetic:seed=2,bars=30000,signal=0.3';

describe.skipIf(skip !== null)('jobs on BullMQ workers over Redis', () => {
  let redis: { url: string; stop: () => void };
  const workers: WorkerProcess[] = [];
  const open: Services[] = [];
  let n = 0;

  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(() => redis?.stop());
  afterEach(async () => {
    for (const w of workers.splice(0)) w.child.kill('SIGKILL');
    await Promise.all(open.splice(0).map((s) => s.close()));
  });

  /** A coordinator home, a queue of its own, and a config file the workers share. */
  function setup() {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'trainyard-queue-'));
    const queue = { url: redis.url, name: `q${++n}_${process.pid}`, lock_duration_ms: 1500, stalled_interval_ms: 1000 };
    const configFile = path.join(root, 'worker.json');
    fs.writeFileSync(configFile, JSON.stringify({ queue, wasm_threads: 1 }));
    const home = path.join(root, 'coordinator');
    const services = () => {
      const s = createServices(loadConfig({ argv: { home, log_level: 'silent', wasm_threads: 1, queue }, env: {} }), {
        logger: createLogger('silent'),
      });
      open.push(s);
      return s;
    };
    const worker = (name: string) => {
      const w = spawnWorker(path.join(root, name), configFile);
      workers.push(w);
      return w;
    };
    return { home, services, worker };
  }

  const ready = async (w: WorkerProcess) => {
    for (let i = 0; i < 200 && !w.stderr().includes('trainyard worker ready'); i++) await new Promise((r) => setTimeout(r, 50));
  };
  const until = async (what: () => boolean, ms = 60_000) => {
    const end = Date.now() + ms;
    while (!what()) {
      if (Date.now() > end) throw new Error('timed out');
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  const modelCount = (s: Services, id: string) => s.registry.models.list({ limit: 1000 }).filter((m) => m.operation_id === id).length;
  const train = (s: Services, data: string, epochs: number): Operation =>
    s.training.start({ strategy: MOMENTUM, data, overrides: { epochs } }, { actor: 'test' });

  it('spreads jobs over two workers and registers every model on the coordinator', async () => {
    const { home, services, worker } = setup();
    const s = services();
    const a = worker('a');
    const b = worker('b');
    await Promise.all([ready(a), ready(b)]);
    const ops = [1, 2, 3, 4].map(() => train(s, SMALL, 3));
    const ends = await Promise.all(ops.map((op) => s.jobs.waitFor(op.id)));
    expect(ends.map((e) => e.status)).toEqual(['completed', 'completed', 'completed', 'completed']);
    expect(modelFolders(home)).toHaveLength(4);
    expect(a.started().length).toBeGreaterThan(0);
    expect(b.started().length).toBeGreaterThan(0);
    expect(new Set([...a.started(), ...b.started()])).toEqual(new Set(ops.map((o) => o.id)));
    // Progress flowed worker -> row.
    expect(ends[0]!.metrics).toMatchObject({ epoch: expect.any(Number) });
  });

  it('finishes a job on another worker after kill -9 of the first, with exactly one model', async () => {
    const { home, services, worker } = setup();
    const s = services();
    const a = worker('a');
    await ready(a);
    const op = train(s, LONG, 20);
    await until(() => s.registry.operations.get(op.id).phase === 'model_training');
    const b = worker('b');
    await ready(b);
    a.child.kill('SIGKILL');
    const end = await s.jobs.waitFor(op.id);
    expect(end.status).toBe('completed');
    expect(b.started()).toContain(op.id);
    expect(modelCount(s, op.id)).toBe(1);
    expect(modelFolders(home)).toHaveLength(1);
  });

  it('cancels a job while it trains on a remote worker', async () => {
    const { home, services, worker } = setup();
    const s = services();
    await ready(worker('a'));
    const op = train(s, LONG, 50);
    await until(() => s.registry.operations.get(op.id).phase === 'model_training');
    const t0 = Date.now();
    s.training.cancel(op.id, 'changed my mind', 'test');
    const end = await s.jobs.waitFor(op.id);
    expect(end.status).toBe('cancelled');
    expect(end.error).toMatchObject({ code: 'CANCELLED', message: 'changed my mind' });
    expect(Date.now() - t0).toBeLessThan(10_000);
    expect(modelFolders(home)).toHaveLength(0);
  });

  it('registers a result that finished while the coordinator was down', async () => {
    const { home, services, worker } = setup();
    const first = services();
    const op = train(first, SMALL, 3);
    await first.close();
    const w = worker('a');
    await until(() => w.stderr().includes('"job completed"')).catch((e: unknown) => {
      console.log('WORKER STDERR', w.stderr().slice(-3000));
      throw e;
    });
    const second = services();
    const end = await second.jobs.waitFor(op.id);
    expect(end.status).toBe('completed');
    expect(modelCount(second, op.id)).toBe(1);
    expect(modelFolders(home)).toHaveLength(1);
  });
});
