import { describe, expect, it } from 'vitest';
import type { FromWorker, ToWorker } from '../../../src/jobs/protocol.js';
import { startWorker, trainingWorkerEntry } from '../../../src/jobs/worker-script.js';
import { FAKE_WORKER, spec } from '../../fixtures/jobs/harness.js';

describe('worker startup', () => {
  it('picks training-worker.js beside a built module and training-worker.ts beside a source module', () => {
    expect(trainingWorkerEntry('file:///app/dist/jobs/runner.js').href).toBe('file:///app/dist/jobs/training-worker.js');
    expect(trainingWorkerEntry('file:///app/src/jobs/worker-script.ts').href).toBe('file:///app/src/jobs/training-worker.ts');
    expect(trainingWorkerEntry().pathname).toMatch(/src\/jobs\/training-worker\.ts$/);
  });

  it('runs a .ts worker through tsx and a plain .js one directly', async () => {
    const t0 = performance.now();
    const ts = startWorker(FAKE_WORKER);
    const start: ToWorker = {
      type: 'start',
      job: spec('fake:error,code=BAD_DATA,message=nope'),
      staging_dir: '/nonexistent',
      model_id: 'op_x',
    };
    ts.postMessage(start);
    const messages: FromWorker[] = [];
    await new Promise<void>((resolve) =>
      ts.on('message', (m: FromWorker) => {
        messages.push(m);
        if (m.type === 'error') resolve();
      }),
    );
    const tsMs = performance.now() - t0;
    await ts.terminate();
    expect(messages.at(-1)).toEqual({ type: 'error', error: { code: 'BAD_DATA', message: 'nope' } });

    const t1 = performance.now();
    const js = startWorker(
      new URL(`data:text/javascript,${encodeURIComponent("import('node:worker_threads').then((w) => w.parentPort.postMessage('hi'))")}`),
    );
    expect(await new Promise((resolve) => js.once('message', resolve))).toBe('hi');
    const jsMs = performance.now() - t1;
    await js.terminate();
    console.log(JSON.stringify({ worker_startup_ms: { ts_via_tsx: Math.round(tsMs), plain_js: Math.round(jsMs) } }));
  });
});
