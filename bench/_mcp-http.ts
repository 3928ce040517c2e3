import { fork } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { startHttpServer } from '../src/server/http.js';
import { benchServices, STRATEGY } from './_services.js';

/** An HTTP MCP server on loopback with a long training job running in its worker. */
export async function httpWithTraining(o: { strategy?: string } = {}) {
  const { services } = benchServices();
  const server = await startHttpServer(services, { host: '127.0.0.1', port: 0, token: 'bench' });
  const op = services.training.start(
    { strategy: o.strategy ?? STRATEGY, data: 'synthetic:seed=1,bars=40000,signal=0.2', overrides: { epochs: 500 } },
    { actor: 'bench' },
  );
  while (services.registry.operations.get(op.id).phase !== 'model_training') await new Promise((r) => setTimeout(r, 50));
  // Control run: BENCH_NO_TRAINING=1 measures the same calls with the worker idle.
  if (process.env['BENCH_NO_TRAINING']) {
    services.jobs.cancel(op.id, 'control run');
    await services.jobs.waitFor(op.id);
  }
  const connect = async () => {
    const client = new Client({ name: 'bench', version: '1' });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(server.url), { requestInit: { headers: { authorization: 'Bearer bench' } } }),
    );
    return client;
  };
  return {
    op,
    services,
    url: server.url,
    token: 'bench',
    connect,
    async close() {
      const status = services.registry.operations.get(op.id).status;
      if (status === 'pending' || status === 'running') services.jobs.cancel(op.id, 'bench over');
      await services.jobs.waitFor(op.id);
      await server.close();
      await services.close();
    },
  };
}

/**
 * get_status over HTTP from a separate process (bench/_status-poller.ts) until `stop()`; returns
 * each call's wall time (ms since the epoch, performance.timeOrigin-based) and latency.
 */
export async function pollStatus(url: string, token: string, operationId: string, hz = 0) {
  const child = fork(path.join(path.dirname(fileURLToPath(import.meta.url)), '_status-poller.ts'), [url, token, operationId, String(hz)], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  await new Promise<void>((resolve, reject) => {
    child.once('message', () => resolve());
    child.once('exit', (code) => reject(new Error(`status poller exited with ${code}`)));
  });
  return {
    async stop(): Promise<{ at: number[]; ms: number[] }> {
      const done = new Promise<{ at: number[]; ms: number[] }>((resolve) => child.once('message', (m) => resolve(m as never)));
      child.send('stop');
      return done;
    },
  };
}
