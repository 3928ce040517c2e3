import fs from 'node:fs';
import path from 'node:path';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { JobEvent } from '../../../src/jobs/runner.js';
import { harness, spec } from '../../fixtures/jobs/harness.js';

// Runner behaviour against a fake worker (test/fixtures/jobs/fake-worker.ts) on a real SQLite store.
describe('job runner (fake worker)', () => {
  it('returns pending at once, serves the high lane first, then first in first out, one job at a time', async () => {
    const { runner, completed, leftovers } = harness();
    const started: string[] = [];
    runner.on((e) => {
      if (e.type === 'status' && e.operation.status === 'running') started.push(e.operation.id);
    });
    const a = runner.submit(spec('fake:ok,ms=30'), { params: { n: 'a' } });
    const b = runner.submit(spec('fake:ok'));
    const c = runner.submit(spec('fake:ok'), { priority: 'high', parent_id: null });
    expect([a, b, c].map((o) => o.status)).toEqual(['pending', 'pending', 'pending']);
    expect(a.params).toEqual({ n: 'a' });
    expect(runner.stats()).toEqual({ running: [], queued: [c.id, a.id, b.id], warm: 0 });
    expect(runner.queuePosition(b.id)).toBe(3);
    const done = await Promise.all([a, b, c].map((o) => runner.waitFor(o.id)));
    expect(started).toEqual([c.id, a.id, b.id]);
    expect(done.map((o) => o.status)).toEqual(['completed', 'completed', 'completed']);
    const [da, db, dc] = done;
    expect(dc!.finished_at! <= da!.started_at! && da!.finished_at! <= db!.started_at!).toBe(true);
    // onCompleted saw the staged folder; its return value is the result; the last progress is kept.
    expect(completed.map((x) => x.files)).toEqual([['model.json'], ['model.json'], ['model.json']]);
    expect(da).toMatchObject({ progress_pct: 100, message: 'completed', result: { model_id: a.id, registered: true } });
    expect(da!.metrics).toMatchObject({ val_loss: 0.02, loss: 0.01 });
    expect(Object.keys(da!.metrics!['phases'] as object)).toEqual(['data_preparation', 'model_training', 'deployment_decision']);
    expect(leftovers()).toEqual([]);
    expect(runner.stats()).toEqual({ running: [], queued: [], warm: 0 });
  });

  it('runs up to `workers` jobs at once', async () => {
    const { runner } = harness({ workers: 2 });
    const ops = [1, 2, 3].map(() => runner.submit(spec('fake:ok,ms=300')));
    await new Promise((r) => setTimeout(r, 100));
    expect(runner.stats().running.sort()).toEqual([ops[0]!.id, ops[1]!.id].sort());
    expect(runner.stats().queued).toEqual([ops[2]!.id]);
    await Promise.all(ops.map((o) => runner.waitFor(o.id)));
  });

  it('throttles progress rows, emits every progress event, and streams to subscribers', async () => {
    const { runner, operations } = harness({ progressThrottleMs: 100 });
    const op = runner.submit(spec('fake:slow,ms=400'));
    const events: JobEvent[] = [];
    const other: JobEvent[] = [];
    const off = runner.subscribe(op.id, (e) => events.push(e));
    runner.subscribe('op_other', (e) => other.push(e));
    let writes = 0;
    const update = operations.update;
    operations.update = (id, patch) => {
      if (patch.phase === 'model_training') writes++;
      return update(id, patch);
    };
    const end = await runner.waitFor(op.id);
    off();
    const progress = events.filter((e) => e.type === 'progress');
    expect(progress.length).toBeGreaterThan(40);
    expect(writes).toBeGreaterThanOrEqual(3);
    expect(writes).toBeLessThan(10);
    expect(events.filter((e) => e.type === 'status').map((e) => e.type === 'status' && e.operation.status)).toEqual([
      'running',
      'completed',
    ]);
    expect(end.metrics).toMatchObject({ val_loss: 0.02 });
    expect(other).toEqual([]);
  });

  it('cancels a queued job at once and a running one at its next batch, leaving no folder', async () => {
    const { runner, leftovers } = harness();
    const running = runner.submit(spec('fake:slow,ms=20000'));
    const queued = runner.submit(spec('fake:ok'));
    await new Promise<void>((resolve) => runner.subscribe(running.id, (e) => e.type === 'progress' && e.progress.batch === 3 && resolve()));
    const q = runner.cancel(queued.id, 'not needed');
    expect(q).toMatchObject({ status: 'cancelled', message: 'cancelled before it started: not needed', error: { code: 'CANCELLED' } });
    const t0 = performance.now();
    expect(runner.cancel(running.id, 'user asked')).toMatchObject({ status: 'running', message: 'cancelling: user asked' });
    const end = await runner.waitFor(running.id);
    expect(performance.now() - t0).toBeLessThan(100);
    expect(end).toMatchObject({
      status: 'cancelled',
      message: 'cancelled: user asked',
      error: { code: 'CANCELLED', message: 'user asked' },
    });
    expect(leftovers()).toEqual([]);
    expect(() => runner.cancel(running.id, 'again')).toThrow(/already ended as cancelled; there is nothing to cancel/);
    expect(() => runner.cancel('op_20260101000000_000000', 'x')).toThrow(/No operation/);
  });

  it('terminates a worker that ignores the cancel after the grace period; a late result is discarded', async () => {
    const { runner, leftovers, completed } = harness({ cancelGraceMs: 300 });
    const hung = runner.submit(spec('fake:hang'));
    await new Promise((r) => setTimeout(r, 400)); // worker started and spinning
    const t0 = performance.now();
    runner.cancel(hung.id, 'stop');
    const end = await runner.waitFor(hung.id);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(290);
    expect(end).toMatchObject({ status: 'cancelled', error: { code: 'CANCELLED', message: 'stop' } });
    expect(end.message).toMatch(/did not stop within 300 ms and was terminated/);
    expect(leftovers()).toEqual([]);

    const late = runner.submit(spec('fake:late-result,ms=20000'));
    await new Promise<void>((resolve) => runner.subscribe(late.id, (e) => e.type === 'progress' && e.progress.batch === 2 && resolve()));
    runner.cancel(late.id, 'changed my mind');
    expect((await runner.waitFor(late.id)).status).toBe('cancelled');
    expect(completed).toEqual([]);
    expect(leftovers()).toEqual([]);
  });

  it('marks crashes failed with the reason and carries on with the next job', async () => {
    const { runner } = harness({ resourceLimits: { maxOldGenerationSizeMb: 48 } });
    const jobs = [
      'fake:exit,code=3',
      'fake:throw-async',
      'fake:error,code=DATA_NOT_FOUND,message=no such file x.csv',
      'fake:oom',
      'fake:ok',
    ];
    const ops = jobs.map((d) => runner.submit(spec(d)));
    const [exit, thrown, domain, oom, ok] = await Promise.all(ops.map((o) => runner.waitFor(o.id)));
    expect(exit).toMatchObject({
      status: 'failed',
      error: { code: 'WORKER_CRASHED', message: 'the training worker exited unexpectedly (exit code 3)' },
    });
    expect(thrown).toMatchObject({ status: 'failed', error: { code: 'WORKER_CRASHED' } });
    expect(thrown!.message).toMatch(/crashed: boom from a timer inside the worker/);
    expect(domain).toMatchObject({ status: 'failed', error: { code: 'DATA_NOT_FOUND', message: 'no such file x.csv' } });
    expect(oom).toMatchObject({
      status: 'failed',
      error: { code: 'OUT_OF_MEMORY', message: 'the training worker ran out of memory (resourceLimits.maxOldGenerationSizeMb=48)' },
    });
    expect(ok!.status).toBe('completed');
  });

  it('fails the job and removes the staged folder when registration throws', async () => {
    const { runner, leftovers } = harness({
      onCompleted: () => {
        throw new Error('registry is read-only');
      },
    });
    const op = runner.submit(spec('fake:ok'));
    expect(await runner.waitFor(op.id)).toMatchObject({
      status: 'failed',
      error: { code: 'REGISTRATION_FAILED', message: 'registry is read-only' },
    });
    expect(leftovers()).toEqual([]);
  });

  it('keeps the heartbeat fresh while a job runs, and waitFor returns the current row on timeout or abort', async () => {
    const { runner, operations } = harness({ heartbeatMs: 50, progressThrottleMs: 60_000 });
    const op = runner.submit(spec('fake:hang,after=10'));
    const mid = await runner.waitFor(op.id, { timeoutMs: 400 });
    expect(mid.status).toBe('running');
    const beat = operations.get(op.id).heartbeat_at!;
    await new Promise((r) => setTimeout(r, 150));
    expect(operations.get(op.id).heartbeat_at! > beat).toBe(true);
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 20);
    expect((await runner.waitFor(op.id, { signal: ac.signal })).status).toBe('running');
    runner.cancel(op.id, 'done');
    expect((await runner.waitFor(op.id)).status).toBe('cancelled');
  });

  it('routes a worker stdout line to the log (stdout is the MCP stdio channel)', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'info' }, { write: (s: string) => void lines.push(s) });
    const { runner } = harness({ logger });
    const op = runner.submit(spec('fake:stdout'));
    expect((await runner.waitFor(op.id)).status).toBe('completed');
    await new Promise((r) => setTimeout(r, 50)); // the stream's last chunk
    expect(lines.join('')).toMatch(/"stdout":"a stray line a library printed".*training worker wrote to stdout/);
  });

  it('recover() marks rows of a dead process interrupted and removes leftovers of jobs that no longer run', () => {
    const { runner, operations, db, stagingDir, home } = harness();
    const dead = operations.create({ type: 'training', params: {} });
    const live = operations.create({ type: 'training', params: {} });
    db.prepare('UPDATE operations SET owner_pid = ?, status = ? WHERE id = ?').run(999_999, 'running', dead.id);
    db.prepare('UPDATE operations SET owner_pid = ?, status = ? WHERE id = ?').run(424_242, 'running', live.id);
    for (const f of [dead.id, `.tmp-${dead.id}-0badf00d`, live.id, 'op_20200101000000_abcdef'])
      fs.mkdirSync(path.join(stagingDir, f), { recursive: true });
    const orphan = path.join(home, 'models', 'orphan@1');
    fs.mkdirSync(orphan);
    const report = runner.recover({ isAlive: (pid) => pid === 424_242, folders: () => [orphan] });
    expect(report.interrupted).toEqual([dead.id]);
    expect(report.removed.map((f) => path.basename(f)).sort()).toEqual(
      [`.tmp-${dead.id}-0badf00d`, dead.id, 'op_20200101000000_abcdef', 'orphan@1'].sort(),
    );
    expect(fs.readdirSync(stagingDir)).toEqual([live.id]);
    expect(operations.get(dead.id)).toMatchObject({ status: 'interrupted', error: { code: 'INTERRUPTED' } });
    expect(operations.get(live.id).status).toBe('running');
    expect(runner.recover({ isAlive: () => true })).toEqual({ interrupted: [], removed: [] });
  });

  it('shutdown(cancel) cancels queued and running jobs, refuses new ones, and is idempotent', async () => {
    const { runner, operations, leftovers } = harness();
    const a = runner.submit(spec('fake:slow,ms=20000'));
    const b = runner.submit(spec('fake:ok'));
    await new Promise<void>((resolve) => runner.subscribe(a.id, (e) => e.type === 'progress' && resolve()));
    const first = runner.shutdown({ mode: 'cancel', timeoutMs: 5000 });
    expect(runner.shutdown({ mode: 'finish' })).toBe(first);
    await first;
    expect(() => runner.submit(spec('fake:ok'))).toThrow(/shutting down \(the server is stopping\)/);
    expect(operations.get(a.id)).toMatchObject({ status: 'cancelled', error: { message: 'shutdown' } });
    expect(operations.get(b.id)).toMatchObject({ status: 'cancelled', message: 'cancelled: trainyard shut down' });
    expect(leftovers()).toEqual([]);
  });

  it('shutdown(finish) lets the running job complete, and terminates one that outlasts the timeout', async () => {
    const { runner, operations } = harness();
    const a = runner.submit(spec('fake:ok,ms=300'));
    const b = runner.submit(spec('fake:ok'));
    await new Promise<void>((resolve) => runner.subscribe(a.id, (e) => e.type === 'progress' && resolve()));
    await runner.shutdown({ mode: 'finish', timeoutMs: 10_000 });
    expect(operations.get(a.id)).toMatchObject({ status: 'completed', result: { registered: true } });
    expect(operations.get(b.id).status).toBe('cancelled');

    const h = harness();
    const hung = h.runner.submit(spec('fake:hang'));
    await new Promise((r) => setTimeout(r, 300));
    await h.runner.shutdown({ mode: 'finish', timeoutMs: 100 });
    expect(h.operations.get(hung.id)).toMatchObject({ status: 'cancelled', error: { message: 'shutdown' } });
    expect(h.operations.get(hung.id).message).toMatch(/did not end within 100 ms of shutdown/);
    expect(h.leftovers()).toEqual([]);
  });

  it('fails a job that runs past its wall-time limit with TIME_LIMIT and leaves nothing staged', async () => {
    const { runner, completed, leftovers } = harness({ timeLimit: { ms: 2000, key: 'limits.job_wall_seconds' } });
    const hung = runner.submit(spec('fake:hang'));
    const quick = runner.submit(spec('fake:ok,ms=20'));
    const end = await runner.waitFor(hung.id);
    expect(end).toMatchObject({ status: 'failed', error: { code: 'TIME_LIMIT' } });
    expect(end.error!.message).toMatch(/wall-time limit of 2 s \(config limits\.job_wall_seconds\).*nothing was registered/);
    expect(leftovers()).toEqual([]);
    // The next job runs as usual, and its own clock starts when it starts.
    expect((await runner.waitFor(quick.id)).status).toBe('completed');
    expect(completed.map((c) => c.id)).toEqual([quick.id]);
  });
});
