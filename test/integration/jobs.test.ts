import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { createLogger } from '../../src/config/logger.js';
import { openDatabase } from '../../src/registry/db.js';
import { createServices, type Services } from '../../src/services/index.js';
import { MOMENTUM, MOMENTUM_ALL_EPOCHS, modelFolders, stagingLeftovers } from '../helpers/services.js';

const opened: Services[] = [];
function services(extra: Record<string, unknown> = {}, home = fs.mkdtempSync(path.join(os.tmpdir(), 'trainyard-jobs-'))) {
  const config = loadConfig({ argv: { home, log_level: 'silent', wasm_threads: 1, ...extra }, env: {} });
  const s = createServices(config, { logger: createLogger('silent') });
  opened.push(s);
  return { s, home };
}
afterAll(async () => {
  await Promise.all(opened.map((s) => s.close()));
});

const job = (seed: number, epochs = 2, bars = 1500) => ({
  strategy: MOMENTUM,
  data: `synthetic:seed=${seed},bars=${bars},signal=0.3`,
  overrides: { epochs },
});

describe('job runner', () => {
  it('returns a pending operation at once and keeps the main thread responsive while a job trains', async () => {
    const { s } = services();
    // The strategy parser (yaml) loads on first use since the fast-start change: a one-time cost of
    // ~60 ms (more on a loaded machine) that this timing is not about.
    s.strategies.resolve(MOMENTUM);
    const t0 = performance.now();
    // All 30 epochs (no early stopping): the job must still be training when the reads are done.
    const op = s.training.start({ ...job(1, 30, 4000), strategy: MOMENTUM_ALL_EPOCHS }, { actor: 'test' });
    expect(performance.now() - t0).toBeLessThan(100);
    expect(op.status).toBe('pending');
    const delay = monitorEventLoopDelay({ resolution: 1 });
    delay.enable();
    const reads: number[] = [];
    let running = false;
    while (!running || reads.length < 200) {
      const r0 = performance.now();
      const now = s.registry.operations.get(op.id);
      reads.push(performance.now() - r0);
      running ||= now.status === 'running' && now.phase === 'model_training';
      await new Promise((r) => setTimeout(r, 5));
    }
    delay.disable();
    // The training loop runs in a worker: status reads and timers are not held up by it.
    expect(Math.max(...reads)).toBeLessThan(50);
    expect(delay.percentile(99) / 1e6).toBeLessThan(50);
    s.jobs.cancel(op.id, 'test done');
    expect((await s.jobs.waitFor(op.id)).status).toBe('cancelled');
  });

  it('runs the high-priority lane first, then first in first out; one job at a time', async () => {
    const { s } = services();
    const a = s.training.start(job(1, 1, 800), { actor: 't' });
    const b = s.training.start(job(2, 1, 800), { actor: 't' });
    const c = s.training.start(job(3, 1, 800), { actor: 't', priority: 'high' });
    expect(s.jobs.queuePosition(c.id)).toBe(1);
    const done = await Promise.all([a, b, c].map((o) => s.jobs.waitFor(o.id)));
    expect(done.map((o) => o.status)).toEqual(['completed', 'completed', 'completed']);
    const [da, db, dc] = done;
    expect(dc!.started_at! <= da!.started_at!).toBe(true);
    expect(da!.started_at! <= db!.started_at!).toBe(true);
    expect(da!.finished_at! <= db!.started_at!).toBe(true);
  });

  it('cancels a running job within one batch of the call and a queued one at once, leaving nothing behind', async () => {
    const { s, home } = services();
    const running = s.training.start(job(4, 500, 3000), { actor: 't' });
    const queued = s.training.start(job(5), { actor: 't' });
    await new Promise<void>((resolve) => {
      const off = s.jobs.subscribe(running.id, (e) => {
        if (e.type === 'progress' && e.progress.phase === 'model_training' && (e.progress.epoch ?? 0) >= 2) {
          off();
          resolve();
        }
      });
    });
    expect(s.training.cancel(queued.id, 'not needed', 't').status).toBe('cancelled');
    const t0 = performance.now();
    s.training.cancel(running.id, 'user asked', 't');
    const end = await s.jobs.waitFor(running.id);
    expect(end.status).toBe('cancelled');
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(modelFolders(home)).toEqual([]);
    expect(stagingLeftovers(home)).toEqual([]);
    expect(() => s.training.cancel(running.id, 'again', 't')).toThrow(/already ended as cancelled/);
    expect(s.registry.audit.list({ action: 'cancel_training' }).map((a) => a.outcome)).toEqual(['error', 'ok', 'ok']);
  });

  // A worker that really runs out of V8 heap is tested with a fake worker (unit/jobs/runner.test.ts):
  // the pipeline keeps data in typed arrays, outside the heap, so a large data set now meets the
  // job's memory budget (counted from the loaded data in the worker) instead.
  it('fails a job with the reason (bad data, over its memory budget) and carries on with the next', async () => {
    const { s } = services({ worker_memory_mb: 64, limits: { job_memory_mb: 64 } });
    const bad = s.training.start({ strategy: MOMENTUM, data: 'csv:/no/such/file.csv' }, { actor: 't' });
    // A date filter leaves the size unknown until the worker has loaded the bars.
    const big = s.training.start(
      { strategy: MOMENTUM, data: 'synthetic:seed=1,bars=2000000', overrides: { epochs: 1, from: '2000-01-01' } },
      { actor: 't' },
    );
    const good = s.training.start(job(6, 1, 800), { actor: 't' });
    const [b, o, g] = await Promise.all([bad, big, good].map((op) => s.jobs.waitFor(op.id)));
    expect(b).toMatchObject({ status: 'failed', error: { code: 'DATA_NOT_FOUND' } });
    expect(b!.error!.message).toMatch(/\/no\/such\/file\.csv/);
    expect(o).toMatchObject({ status: 'failed', error: { code: 'LIMIT_EXCEEDED' } });
    expect(o!.error!.message).toMatch(/job_memory_mb/);
    expect(g!.status).toBe('completed');
  });

  it('on start marks rows of a dead process interrupted and removes orphan folders', async () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'trainyard-jobs-'));
    const first = services({}, home).s;
    const ghost = first.registry.operations.create({ type: 'training', params: {} });
    first.registry.db.prepare('UPDATE operations SET owner_pid = ?, status = ? WHERE id = ?').run(999_999, 'running', ghost.id);
    fs.mkdirSync(path.join(home, 'models', '.staging', ghost.id), { recursive: true });
    fs.mkdirSync(path.join(home, 'models', 'orphan@1'), { recursive: true });
    await first.close();
    const second = services({}, home).s;
    expect(second.registry.operations.get(ghost.id)).toMatchObject({ status: 'interrupted' });
    expect(stagingLeftovers(home)).toEqual([]);
    expect(modelFolders(home)).toEqual([]);
  });

  it('shutdown cancels queued and running jobs (mode cancel) and refuses new ones', async () => {
    const { s } = services();
    const a = s.training.start(job(7, 500, 3000), { actor: 't' });
    const b = s.training.start(job(8), { actor: 't' });
    await new Promise((r) => setTimeout(r, 300));
    await s.close('cancel');
    expect(() => s.training.start(job(9), { actor: 't' })).toThrow(/shutting down/);
    const db = openDatabase(s.registry.file);
    const rows = [a, b].map((o) => db.prepare('SELECT status FROM operations WHERE id = ?').get(o.id) as { status: string });
    db.close();
    expect(rows.map((r) => r.status)).toEqual(['cancelled', 'cancelled']);
  });

  it('shutdown in mode finish lets the running job complete', async () => {
    const { s } = services();
    const a = s.training.start(job(10, 2, 1000), { actor: 't' });
    await new Promise((r) => setTimeout(r, 100));
    await s.close('finish');
    const db = openDatabase(s.registry.file);
    const row = db.prepare('SELECT status FROM operations WHERE id = ?').get(a.id) as { status: string };
    db.close();
    expect(row.status).toBe('completed');
  });
});
