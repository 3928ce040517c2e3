import { createRequire } from 'node:module';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { describe, expect, it } from 'vitest';
import { startHttpServer } from '../../src/server/http.js';
import { allTools } from '../../src/tools/index.js';
import { CLI, runCli } from '../helpers/cli.js';
import { MOMENTUM, tempServices } from '../helpers/services.js';

const require = createRequire(import.meta.url);
const DATA = 'synthetic:seed=3,bars=1200,signal=0.3';

describe('MCP transports', () => {
  it('the built CLI serves MCP over stdio: nothing but protocol on stdout, a training run end to end', async () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'trainyard-stdio-'));
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [CLI, 'serve', '--home', home],
      env: { PATH: process.env['PATH'] ?? '', TRAINYARD_WASM_THREADS: '1' },
      stderr: 'pipe',
    });
    const client = new Client({ name: 'stdio-test', version: '1.0.0' });
    await client.connect(transport);
    const { tools } = await client.listTools();
    expect(tools.length).toBe(allTools.length);
    const r = (await client.callTool(
      { name: 'start_training', arguments: { strategy: MOMENTUM, data: DATA, overrides: { epochs: 2 }, wait_seconds: 120 } },
      undefined,
      { timeout: 120_000 },
    )) as CallToolResult;
    expect(r.structuredContent).toMatchObject({ status: 'completed', result: { model_id: 'momentum_test@1' } });
    await client.close();
    expect(fs.existsSync(path.join(home, 'models', 'momentum_test@1', 'model.json'))).toBe(true);
  });

  it('Streamable HTTP: 401 without the token, 403 for a foreign Host, then train -> status -> gate -> promote', async () => {
    const { services } = tempServices();
    const server = await startHttpServer(services, { host: '127.0.0.1', port: 0, token: 's3cret' });
    try {
      const init = {
        jsonrpc: '2.0',
        id: 1,
        method: 'initialize',
        params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'curl', version: '1' } },
      };
      const headers = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
      const noToken = await fetch(server.url, { method: 'POST', headers, body: JSON.stringify(init) });
      expect(noToken.status).toBe(401);
      expect(noToken.headers.get('www-authenticate')).toMatch(/Bearer/);
      const wrongToken = await fetch(server.url, {
        method: 'POST',
        headers: { ...headers, authorization: 'Bearer nope' },
        body: JSON.stringify(init),
      });
      expect(wrongToken.status).toBe(401);
      const url = new URL(server.url);
      const foreign = await new Promise<number>((resolve, reject) => {
        const req = require('node:http').request(
          {
            host: url.hostname,
            port: url.port,
            path: '/mcp',
            method: 'POST',
            headers: { ...headers, host: 'evil.example:80', authorization: 'Bearer s3cret' },
          },
          (res: { statusCode: number; resume: () => void }) => {
            res.resume();
            resolve(res.statusCode);
          },
        );
        req.on('error', reject);
        req.end(JSON.stringify(init));
      });
      expect(foreign).toBe(403);
      const badOrigin = await fetch(server.url, {
        method: 'POST',
        headers: { ...headers, authorization: 'Bearer s3cret', origin: 'http://evil.example' },
        body: JSON.stringify(init),
      });
      expect(badOrigin.status).toBe(403);
      const tooBig = await fetch(server.url, {
        method: 'POST',
        headers: { ...headers, authorization: 'Bearer s3cret' },
        body: 'x'.repeat(2 * 1024 * 1024),
      });
      expect(tooBig.status).toBe(413);
      const health = await fetch(server.url.replace('/mcp', '/'));
      expect(await health.json()).toMatchObject({ status: 'ok', name: 'trainyard' });

      const client = new Client({ name: 'http-test', version: '1.0.0' });
      await client.connect(
        new StreamableHTTPClientTransport(new URL(server.url), { requestInit: { headers: { authorization: 'Bearer s3cret' } } }),
      );
      const progress: number[] = [];
      const started = (await client.callTool(
        { name: 'start_training', arguments: { strategy: MOMENTUM, data: DATA, overrides: { epochs: 2 }, wait_seconds: 120 } },
        undefined,
        {
          timeout: 120_000,
          onprogress: (p) => progress.push(p.progress),
        },
      )) as CallToolResult;
      const op = started.structuredContent as { operation_id: string; result: { model_id: string } };
      expect(progress.length).toBeGreaterThan(1);
      const status = (await client.callTool({ name: 'get_status', arguments: { operation_id: op.operation_id } })) as CallToolResult;
      expect(status.structuredContent).toMatchObject({ operation: { status: 'completed' } });
      const gate = (await client.callTool({
        name: 'evaluate_gate',
        arguments: { gate: 'training', model_id: op.result.model_id, thresholds: { max_test_loss: 10 } },
      })) as CallToolResult;
      const g = gate.structuredContent as { gate: string; passed: boolean; checks: { name: string; passed: boolean; threshold: number }[] };
      // A threshold of the model_trainer_spec preset switches its check on.
      expect(g.checks.map((c) => c.name)).toEqual(['edge_over_baseline', 'log_loss_improvement', 'test_loss']);
      expect(g.checks[2]).toMatchObject({ passed: true, threshold: 10 });
      const promoted = (await client.callTool({
        name: 'promote_model',
        arguments: { model_id: op.result.model_id, to_stage: 'staging', reason: 'http flow', force: true },
      })) as CallToolResult;
      expect(promoted.structuredContent).toMatchObject({ model: { stage: 'staging' } });
      await client.close();
    } finally {
      await server.close();
      await services.close();
    }
  });

  it('refuses to bind beyond loopback without a token', async () => {
    const { services } = tempServices();
    await expect(startHttpServer(services, { host: '0.0.0.0', port: 0 })).rejects.toThrow(/set a token/);
    await services.close();
  });

  it('trainyard serve --http stops cleanly on SIGTERM', async () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'trainyard-http-'));
    let url = '';
    const run = runCli(['serve', '--http', '--port', '0', '--home', home], {
      onStderr: (chunk, child) => {
        const m = /listening on (\S+)/.exec(chunk);
        if (m && !url) {
          url = m[1]!;
          void fetch(url.replace('/mcp', '/'))
            .then((r) => r.json())
            .then(() => child.kill('SIGTERM'));
        }
      },
    });
    const r = await run;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/mcp$/);
    expect(r.code).toBe(0);
  });

  it('with triggers.run_in_serve the retraining scheduler checks beside the server, and stops with it', async () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'trainyard-serve-sched-'));
    const config = path.join(home, 'config.yaml');
    fs.writeFileSync(config, 'triggers:\n  run_in_serve: true\n  interval_seconds: 3600\n');
    const r = await runCli(['serve', '--http', '--port', '0', '--home', home, '--config', config, '--log-level', 'debug'], {
      onStderr: (chunk, child) => {
        if (chunk.includes('"msg":"trigger check"')) child.kill('SIGTERM');
      },
    });
    expect(r.stderr).toContain('"component":"scheduler"');
    expect(r.code).toBe(0);
  });
});
