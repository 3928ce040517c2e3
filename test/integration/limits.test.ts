import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { createLogger } from '../../src/config/logger.js';
import { startHttpServer } from '../../src/server/http.js';
import { createServices, type Services } from '../../src/services/index.js';
import { connectClient, text } from '../helpers/mcp.js';
import { MOMENTUM, MOMENTUM_ALL_EPOCHS, modelFolders, stagingLeftovers } from '../helpers/services.js';

const opened: Services[] = [];
function services(limits: Record<string, number>) {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'trainyard-limits-'));
  const config = loadConfig({ argv: { home, log_level: 'silent', wasm_threads: 1, limits }, env: {} });
  const s = createServices(config, { logger: createLogger('silent') });
  opened.push(s);
  return { s, home };
}
afterAll(async () => {
  await Promise.all(opened.map((s) => s.close()));
});

// Long enough to still be queued or running while the test looks at it.
// Without early stopping, so it runs all its epochs (minutes) whatever the training speed.
const LONG = {
  strategy: MOMENTUM_ALL_EPOCHS,
  data: 'synthetic:seed=1,bars=20000,signal=0.3',
  overrides: { epochs: 500 },
};

describe('limits through a real MCP client', () => {
  it('caps queued jobs per client (each connection is a client) and in total, before any row exists', async () => {
    const { s } = services({ queued_jobs_per_client: 2, queued_jobs_total: 3 });
    const [a, b] = [await connectClient(s), await connectClient(s)];
    const first = await Promise.all([a.call('start_training', LONG), a.call('start_training', LONG)]);
    expect(first.map((r) => r.isError ?? false)).toEqual([false, false]);
    const third = await a.call('start_training', LONG);
    expect(third.isError).toBe(true);
    expect(text(third)).toMatch(
      /^LIMIT_EXCEEDED: Client "mcp-[0-9a-f]{8}" has 2 jobs pending or running; one more makes: 3 asked, at most 2 allowed \(config limits\.queued_jobs_per_client\)/,
    );
    // Another connection has its own allowance, until the total is reached.
    expect((await b.call('start_training', LONG)).isError ?? false).toBe(false);
    const total = await b.call('run_backtest', { model_id: 'none@1' });
    expect(text(total)).toMatch(/MODEL_NOT_FOUND/); // validated first: an unknown model is named as such
    const over = await b.call('start_training', LONG);
    expect(text(over)).toMatch(
      /3 jobs are pending or running in all; one more makes: 4 asked, at most 3 allowed \(config limits\.queued_jobs_total\)/,
    );
    const rows = s.registry.operations.list({ type: 'training' });
    expect(rows).toHaveLength(3);
    for (const op of rows) s.training.cancel(op.id, 'test over', 't');
    await Promise.all(rows.map((op) => s.jobs.waitFor(op.id)));
    await Promise.all([a.close(), b.close()]);
  });

  it('refuses an oversized network (8 x 4096) and batch 1 up front: nothing is queued', async () => {
    const { s } = services({});
    const mcp = await connectClient(s);
    const yaml = fs.readFileSync(MOMENTUM, 'utf8');
    const big = await mcp.call('start_training', {
      strategy: yaml.replace('hidden_layers: [16, 8]', `hidden_layers: [${Array(8).fill(4096).join(', ')}]`),
    });
    expect(big.isError).toBe(true);
    expect(text(big)).toMatch(
      /LIMIT_EXCEEDED: The network 9 -> 4096 .* has too many parameters: 117,\d+,\d+ asked, at most 2,000,000 allowed \(config limits\.model_parameters\)/,
    );
    const tiny = await mcp.call('start_training', { strategy: yaml.replace('batch_size: 64', 'batch_size: 1') });
    expect(text(tiny)).toMatch(/batch_size 1 is below the smallest allowed, 8 \(config limits\.min_batch_size\)/);
    const synthetic = await mcp.call('start_training', { strategy: MOMENTUM, data: 'synthetic:bars=5000000,symbols=100' });
    expect(text(synthetic)).toMatch(/500,000,000 asked, at most 5,000,000 allowed \(config limits\.synthetic_bars\)/);
    expect(s.registry.operations.list({})).toEqual([]);
    await mcp.close();
  });

  it('bounds a wait by the request time limit: the call returns the status, the job goes on', async () => {
    const { s } = services({ request_seconds: 2 });
    const mcp = await connectClient(s);
    const t0 = performance.now();
    const r = await mcp.call('start_training', { ...LONG, wait_seconds: 600 });
    expect(performance.now() - t0).toBeLessThan(5000);
    expect(r.isError ?? false).toBe(false);
    const op = r.structuredContent as { operation_id: string; status: string };
    expect(['pending', 'running']).toContain(op.status);
    s.training.cancel(op.operation_id, 'test over', 't');
    await s.jobs.waitFor(op.operation_id);
    await mcp.close();
  });

  it('ends a job past its wall time failed with TIME_LIMIT and leaves no model folder', async () => {
    const { s, home } = services({ job_wall_seconds: 2 });
    const op = s.training.start(LONG, { actor: 't' });
    const end = await s.jobs.waitFor(op.id);
    expect(end).toMatchObject({ status: 'failed', error: { code: 'TIME_LIMIT' } });
    expect(end.error!.message).toMatch(/wall-time limit of 2 s \(config limits\.job_wall_seconds\)/);
    expect(modelFolders(home)).toEqual([]);
    expect(stagingLeftovers(home)).toEqual([]);
  });
});

describe('limits the worker checks once the data is known', () => {
  it('fails a job whose exact training budget (samples x epochs) is over the limit, before training', async () => {
    const { s, home } = services({ sample_epochs: 10_000 });
    const op = s.training.start({ strategy: MOMENTUM, data: 'sample:sp500', overrides: { epochs: 5 } }, { actor: 't' });
    const end = await s.jobs.waitFor(op.id);
    expect(end).toMatchObject({ status: 'failed', error: { code: 'LIMIT_EXCEEDED' } });
    expect(end.error!.message).toMatch(
      /5 epochs over [\d,]+ training samples is too much training .* at most 10,000 allowed \(config limits\.sample_epochs\)/,
    );
    expect(modelFolders(home)).toEqual([]);
  });
});

describe('limits over Streamable HTTP', () => {
  it('refuses sessions beyond limits.http_sessions with 503 and a JSON-RPC error, and admits again once one closes', async () => {
    const { s } = services({ http_sessions: 2 });
    const server = await startHttpServer(s, { host: '127.0.0.1', port: 0 });
    const connect = async () => {
      const transport = new StreamableHTTPClientTransport(new URL(server.url));
      const client = new Client({ name: 'limits-test', version: '1' });
      await client.connect(transport);
      return { client, transport };
    };
    const [one] = [await connect(), await connect()];
    const res = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'initialize',
        params: { protocolVersion: '2025-03-26', capabilities: {}, clientInfo: { name: 'x', version: '1' } },
      }),
    });
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('60');
    const body = (await res.json()) as { jsonrpc: string; error: { message: string } };
    expect(body.jsonrpc).toBe('2.0');
    expect(body.error.message).toMatch(/LIMIT_EXCEEDED: 2 MCP sessions are open, at most 2 allowed \(config limits\.http_sessions\)/);
    await one!.transport.terminateSession();
    const again = await connect();
    expect((await again.client.listTools()).tools.length).toBeGreaterThan(0);
    await server.close();
  });
});
