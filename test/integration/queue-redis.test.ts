import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Queue } from 'bullmq';
import { loadConfig } from '../../src/config/load.js';
import { createLogger } from '../../src/config/logger.js';
import type { Operation } from '../../src/domain/operation.js';
import { timeLimitMessage } from '../../src/jobs/outcome.js';
import { redisConnection } from '../../src/jobs/redis/connection.js';
import { answerReports, createVerdictWaiter } from '../../src/jobs/redis/pruning.js';
import { queueSchema } from '../../src/config/schema.js';
import { pino } from 'pino';
import { createServices, type Services } from '../../src/services/index.js';
import { MOMENTUM, MOMENTUM_ALL_EPOCHS, modelFolders, tempServices } from '../helpers/services.js';
import { redisSkipReason, spawnWorker, startRedis, type WorkerProcess } from '../helpers/redis.js';

// Real redis-server, real `trainyard worker` processes (dist/), services as the coordinator.
const skip = redisSkipReason();
if (skip) console.log(`redis queue tests ${skip}`);

const SMALL = 'synthetic:seed=1,bars=1500,signal=0.3';
const SEARCH = {
  'training.learning_rate': { low: 1e-4, high: 3e-2, log: true },
  'model.hidden_layers': { choices: [[8], [16, 8], [32, 16]] },
};
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

  /** A coordinator home, a queue of its own, and a config file the workers share; `extra` goes into the coordinator's config. */
  function setup(o: { queue?: Record<string, unknown>; extra?: Record<string, unknown> } = {}) {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'trainyard-queue-'));
    const queue = { url: redis.url, name: `q${++n}_${process.pid}`, lock_duration_ms: 1500, stalled_interval_ms: 1000, ...o.queue };
    const configFile = path.join(root, 'worker.json');
    fs.writeFileSync(configFile, JSON.stringify({ queue, wasm_threads: 1 }));
    const home = path.join(root, 'coordinator');
    const services = () => {
      const s = createServices(loadConfig({ argv: { home, log_level: 'silent', wasm_threads: 1, queue, ...o.extra }, env: {} }), {
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
    return { home, services, worker, queue };
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

  it("prunes remote tuning trials: epoch reports reach the coordinator's pruner and its verdicts stop them", async () => {
    const { services, worker } = setup();
    const s = services();
    const w = worker('a');
    await ready(w);
    const study = {
      strategy: MOMENTUM,
      search: SEARCH,
      data: SMALL,
      trials: 6,
      seed: 5,
      overrides: { epochs: 6 },
      pruner: 'hyperband' as const,
    };
    const op = s.tuning.start({ ...study, retrain: false }, 'test');
    const done = await s.tuning.waitFor(op.id);
    expect(done.status, done.message ?? '').toBe('completed');
    const trials = s.registry.tuning.list(op.id);
    expect(trials).toHaveLength(6);
    // Every trial ran on the worker, and reported every epoch it trained.
    expect(new Set(w.started())).toEqual(new Set(trials.map((t) => t.operation_id)));
    const pruned = trials.filter((t) => t.state === 'pruned');
    expect(pruned.length).toBeGreaterThan(0);
    for (const t of pruned) {
      expect(t.intermediate.length).toBeLessThan(6);
      // A pruned trial's job ends as a local one does: completed, its outcome says pruned.
      expect(s.registry.operations.get(t.operation_id!)).toMatchObject({
        status: 'completed',
        result: { state: 'pruned', epochs_run: t.intermediate.length },
      });
    }
    expect(w.stderr()).not.toContain('goes on unpruned');
    // The same study on local worker threads proposes, prunes and scores the same trials.
    const local = tempServices().services;
    open.push(local);
    const here = await local.tuning.waitFor(local.tuning.start({ ...study, retrain: false }, 'test').id);
    const shape = (t: (typeof trials)[number]) => [t.params, t.state, t.value, t.intermediate];
    expect(local.registry.tuning.list(here.id).map(shape)).toEqual(trials.map(shape));
  });

  it("sends a store: job's bars with it to a remote worker, within queue.data_max_mb", async () => {
    const { home, services, worker } = setup();
    const s = services();
    await s.ingest.ingest({ data: SMALL }, 'test');
    const w = worker('a');
    await ready(w);
    const op = train(s, 'store:', 3);
    const end = await s.jobs.waitFor(op.id);
    expect(end.status, end.message ?? '').toBe('completed');
    expect(w.started()).toEqual([op.id]);
    expect(w.stderr()).toContain('"store_bars":true');
    expect(modelCount(s, op.id)).toBe(1);
    expect(modelFolders(home)).toHaveLength(1);
    // The model's lineage names the bars it trained on: the same as the ingested data's.
    const model = s.registry.models.list({ limit: 10 }).find((m) => m.operation_id === op.id)!;
    const local = await s.data.describe({ data: 'store:' });
    expect(model.lineage.data_hash).toBe(local.hash);

    // Too many bars for one job: the row fails at once with what to change; no worker is bothered.
    const small = setup({ queue: { data_max_mb: 1 } });
    const t = small.services();
    await t.ingest.ingest({ data: LONG }, 'test');
    const big = await t.jobs.waitFor(train(t, 'store:', 3).id);
    expect(big).toMatchObject({ status: 'failed', error: { code: 'LIMIT_EXCEEDED' } });
    expect(big.error!.message).toMatch(/more than queue\.data_max_mb \(1\.0 MB\).*raise queue\.data_max_mb/);
  });

  it('stops a remote job past limits.job_wall_seconds and fails its row as the local runner does', async () => {
    const { home, services, worker } = setup({ extra: { limits: { job_wall_seconds: 2 } } });
    const s = services();
    const w = worker('a');
    await ready(w);
    const op = s.training.start({ strategy: MOMENTUM_ALL_EPOCHS, data: LONG, overrides: { epochs: 200 } }, { actor: 'test' });
    const end = await s.jobs.waitFor(op.id);
    const message = timeLimitMessage({ ms: 2000, key: 'limits.job_wall_seconds' });
    expect(end).toMatchObject({ status: 'failed', message, error: { code: 'TIME_LIMIT', message } });
    expect(Date.parse(end.finished_at!) - Date.parse(end.started_at!)).toBeLessThan(2000 + 5000);
    // The worker was told to stop (and did: its job failed in Redis), and nothing was registered.
    await until(() => w.stderr().includes('"job failed"'), 10_000);
    expect(w.stderr()).toContain('cancel received');
    expect(modelFolders(home)).toHaveLength(0);
  });

  it('fails a job with the reason once its workers died more often than queue.max_stalled_count allows', async () => {
    const { services, worker } = setup({ queue: { max_stalled_count: 1 } });
    const s = services();
    const op = train(s, LONG, 50);
    for (const name of ['a', 'b']) {
      const w = worker(name);
      await until(() => w.started().includes(op.id));
      w.child.kill('SIGKILL');
    }
    const c = worker('c');
    const end = await s.jobs.waitFor(op.id);
    expect(end).toMatchObject({ status: 'failed', error: { code: 'WORKER_LOST' } });
    expect(end.error!.message).toMatch(
      /stopped mid-job 2 time\(s\).*more than queue\.max_stalled_count \(1\) allows; workers took it 3 time\(s\)/,
    );
    expect(c.started()).not.toContain(op.id);
    expect(modelCount(s, op.id)).toBe(0);
  });

  it('ends a cancelled job cancelled when its worker dies before it stops, and no later worker runs it', async () => {
    const { services, worker, queue } = setup();
    const s = services();
    const a = worker('a');
    await ready(a);
    const op = train(s, LONG, 50);
    await until(() => s.registry.operations.get(op.id).phase === 'model_training');
    a.child.kill('SIGKILL');
    s.training.cancel(op.id, 'stop it', 'test');
    // No worker confirms: the row ends after the grace period all the same.
    const end = await s.jobs.waitFor(op.id);
    expect(end).toMatchObject({ status: 'cancelled', error: { code: 'CANCELLED', message: 'stop it' } });
    // The next worker's stalled check hands it the job: it sees the cancel key and runs nothing;
    // the coordinator then drops the job from Redis.
    const b = worker('b');
    await until(() => b.stderr().includes('"job failed"'), 20_000);
    expect(b.started()).not.toContain(op.id);
    const q = new Queue(queue.name, { connection: { url: redis.url } });
    try {
      for (let i = 0; i < 100 && (await q.getJob(op.id)); i++) await new Promise((r) => setTimeout(r, 50));
      expect(await q.getJob(op.id)).toBeUndefined();
    } finally {
      await q.close();
    }
    expect(modelCount(s, op.id)).toBe(0);
  });

  it('a worker waits for a pruning verdict at most queue.verdict_timeout_ms, then lets the trial go on', async () => {
    const q = queueSchema.parse({ url: redis.url, name: `q${++n}_${process.pid}`, verdict_timeout_ms: 300 });
    const lines: string[] = [];
    const logger = pino({ level: 'warn' }, { write: (l: string) => void lines.push(l) });
    const [commands, listener, coordinator, subscriber] = [0, 1, 2, 3].map(() => redisConnection(q.url));
    try {
      const waiter = createVerdictWaiter({ commands: commands!, queue: q, logger });
      // No coordinator listens: "go on" at once, and the job's later reports are not sent.
      expect(await waiter.ask('op_a', 1, 0.5)).toBe(false);
      expect(lines.join('')).toContain('no coordinator listens');
      // A coordinator that answers: its verdict comes back (NaN survives the trip).
      const heard: number[] = [];
      const answering = answerReports({
        subscriber: subscriber!,
        commands: coordinator!,
        queue: q,
        logger,
        verdict: (id, step, value) => (id === 'op_b' ? (heard.push(value), step >= 2) : undefined),
      });
      await answering;
      await listener!.subscribe(`${q.name}:verdict`);
      listener!.on('message', (_c: string, text: string) => waiter.answer(text));
      expect(await waiter.ask('op_b', 1, Number.NaN)).toBe(false);
      expect(await waiter.ask('op_b', 2, 0.25)).toBe(true);
      expect(heard).toEqual([Number.NaN, 0.25]);
      // A listener that never answers (a job no coordinator here owns): bounded wait, then "go on".
      const t0 = Date.now();
      expect(await waiter.ask('op_c', 1, 0.5)).toBe(false);
      expect(Date.now() - t0).toBeGreaterThanOrEqual(290);
      expect(lines.join('')).toContain('no pruning verdict within 300 ms (queue.verdict_timeout_ms)');
      const t1 = Date.now();
      expect(await waiter.ask('op_c', 2, 0.4)).toBe(false);
      expect(Date.now() - t1).toBeLessThan(100);
    } finally {
      for (const c of [commands, listener, coordinator, subscriber]) c!.disconnect();
    }
  });
});
