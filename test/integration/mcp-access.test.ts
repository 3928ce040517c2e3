import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { createLogger } from '../../src/config/logger.js';
import { startHttpServer } from '../../src/server/http.js';
import { createServices, type Services } from '../../src/services/index.js';
import { CLI, runCli } from '../helpers/cli.js';
import { changedMarketCsv } from '../helpers/market-changes.js';
import { connectClient, text } from '../helpers/mcp.js';
import { MOMENTUM } from '../helpers/services.js';

// A server started in `work` (its only data root besides home and the bundled folders), files a
// client must not read in `outside`, and files inside the roots that are neither strategies nor CSV.
const base = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'trainyard-access-')));
const work = path.join(base, 'work');
const outside = path.join(base, 'work-outside'); // shares a prefix with `work`
const home = path.join(base, 'home');
const SECRET = 'sk-secret-123';
const PASSWD = 'root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n';
const SHADOW = 'root:$6$saltsalt$hashhashhash:19000:0:99999:7:::\ndaemon:*:19000:0:99999:7:::\n';
for (const d of [work, outside]) fs.mkdirSync(d, { recursive: true });
fs.writeFileSync(path.join(work, '.env'), `API_KEY=${SECRET}\nDB_PASSWORD=hunter2\n`);
fs.writeFileSync(path.join(work, 'passwd'), PASSWD);
fs.writeFileSync(path.join(work, 'shadow'), SHADOW);
fs.writeFileSync(path.join(work, 'secrets.yaml'), `api_key: ${SECRET}\npassword: hunter2\n`);
fs.copyFileSync(MOMENTUM, path.join(work, 'momentum.yaml'));
fs.copyFileSync(MOMENTUM, path.join(outside, 'momentum.yaml'));
const OUT_CSV = changedMarketCsv(outside, 'prices', { seed: 5, bars: 400, signal: 0.3 });
changedMarketCsv(work, 'prices', { seed: 5, bars: 400, signal: 0.3 });
fs.symlinkSync(path.join(outside, 'momentum.yaml'), path.join(work, 'link.yaml'));
fs.symlinkSync(OUT_CSV, path.join(work, 'link.csv'));
fs.symlinkSync(outside, path.join(work, 'dir-link'));

/** Services as `trainyard serve` builds them when started in `work`. */
function servicesIn(extra: { data_roots?: string[] } = {}): Services {
  const file = path.join(base, `config-${Math.random().toString(36).slice(2)}.yaml`);
  fs.writeFileSync(file, JSON.stringify(extra));
  const config = loadConfig({ env: {}, cwd: work, file, argv: { home, log_level: 'silent', wasm_threads: 1 } });
  return createServices(config, { cwd: work, logger: createLogger('silent') });
}

/** Neither the secret, nor any line of the files, nor their field names come back. */
function expectNoLeak(r: CallToolResult | string): void {
  const all = typeof r === 'string' ? r : `${text(r)}\n${JSON.stringify(r.structuredContent ?? {})}`;
  for (const s of [SECRET, 'hunter2', 'API_KEY', 'root:', 'daemon', '/bin/bash', 'saltsalt', '19000']) expect(all).not.toContain(s);
}

afterAll(() => fs.rmSync(base, { recursive: true, force: true }));

describe('file access over MCP', () => {
  const services = servicesIn();
  let mcp: Awaited<ReturnType<typeof connectClient>>;
  let modelId = '';
  const ops = () => services.registry.operations.list({ limit: 1000 }).length;

  beforeAll(async () => {
    mcp = await connectClient(services);
    // A person's command reads what it is given: a strategy and a CSV outside the MCP roots.
    const trained = await services.training.train({
      strategy: path.join(outside, 'momentum.yaml'),
      data: `csv:${OUT_CSV}`,
      overrides: { epochs: 1 },
    });
    modelId = trained.model_id;
  }, 120_000);
  afterAll(async () => {
    await mcp.close();
    await services.close();
  });

  const escapes = [
    path.join(outside, 'momentum.yaml'),
    '../work-outside/momentum.yaml',
    '../../../../../../etc/shadow',
    '/etc/passwd',
    'link.yaml',
    'dir-link/momentum.yaml',
  ];

  it('validate_strategy and start_training refuse strategy paths outside the roots, naming the roots and data_roots', async () => {
    const before = ops();
    for (const ref of escapes) {
      for (const tool of ['validate_strategy', 'start_training']) {
        const r = await mcp.call(tool, { strategy: ref, data: 'synthetic:seed=1,bars=600' });
        expect(r.isError, `${tool} ${ref}: ${text(r)}`).toBe(true);
        expect(text(r)).toMatch(/^ACCESS_DENIED: Cannot read strategy file/);
        expect(text(r)).toContain(work);
        expect(text(r)).toContain('data_roots');
        if (ref.includes('link')) expect(text(r)).not.toContain(outside); // a symlink's target is not revealed
      }
    }
    expect(ops()).toBe(before);
    // Inside the roots: by path, and by name from the bundled strategies.
    expect((await mcp.call('validate_strategy', { strategy: 'momentum.yaml' })).structuredContent).toMatchObject({ valid: true });
    expect((await mcp.call('validate_strategy', { strategy: 'rsi_mean_reversion' })).structuredContent).toMatchObject({ valid: true });
  });

  it('data specs outside the roots are refused by start_training, ingest_data, check_drift, run_backtest and start_research', async () => {
    const before = ops();
    const specs = [
      `csv:${OUT_CSV}`,
      'csv:../work-outside/prices.csv',
      'csv:link.csv',
      'csv:dir-link/prices.csv',
      'csv:/etc/passwd',
      OUT_CSV,
    ];
    for (const data of specs) {
      const calls: [string, Record<string, unknown>][] = [
        ['start_training', { strategy: 'momentum.yaml', data }],
        ['ingest_data', { data }],
        ['check_drift', { model_id: modelId, data }],
        ['run_backtest', { model_id: modelId, data }],
        ['run_backtest', { model_id: modelId, mode: 'walk_forward', data }],
        ['start_research', { goal: 'x', designer: 'offline', data }],
      ];
      for (const [tool, args] of calls) {
        const r = await mcp.call(tool, args);
        expect(r.isError, `${tool} ${data}: ${text(r)}`).toBe(true);
        expect(text(r)).toMatch(/^ACCESS_DENIED: Cannot read data file/);
        expect(text(r)).toContain('data_roots');
      }
    }
    // A strategy that names its own data source is held to the same rule.
    const yaml = `${fs.readFileSync(MOMENTUM, 'utf8')}\ndata:\n  source: csv:${OUT_CSV}\n`;
    const own = await mcp.call('start_training', { strategy: yaml });
    expect(text(own)).toMatch(/^ACCESS_DENIED/);
    expect(ops()).toBe(before);
  });

  it('clients cannot name a database file: store:db= is refused', async () => {
    const db = path.join(home, 'trainyard.db');
    for (const [tool, args] of [
      ['start_training', { strategy: 'momentum.yaml', data: `store:db=${db}` }],
      ['check_drift', { model_id: modelId, data: `store:SYN,db=/etc/passwd` }],
      ['run_backtest', { model_id: modelId, data: `store:db=${db}` }],
    ] as const) {
      const r = await mcp.call(tool, args);
      expect(r.isError, text(r)).toBe(true);
      expect(text(r)).toMatch(/ACCESS_DENIED: store: specs from MCP clients .* db=<file> is not accepted/);
    }
  });

  it('files inside the roots that are not strategies are described, never quoted', async () => {
    for (const ref of ['.env', 'passwd', 'shadow', 'secrets.yaml', path.join(work, '.env')]) {
      const r = await mcp.call('validate_strategy', { strategy: ref });
      expect(r.isError, text(r)).toBeFalsy();
      expect(r.structuredContent).toMatchObject({ valid: false });
      expectNoLeak(r);
      const t = await mcp.call('start_training', { strategy: ref });
      expect(text(t)).toMatch(/^INVALID_STRATEGY/);
      expectNoLeak(t);
    }
    const shadow = (await mcp.call('validate_strategy', { strategy: 'shadow' })).structuredContent as { problems: string[] };
    expect(shadow.problems).toEqual(['(root): not a strategy: a mapping of 2 fields, none of them name, indicators, labels']);
    const env = (await mcp.call('validate_strategy', { strategy: '.env' })).structuredContent as { problems: string[] };
    expect(env.problems[0]).toMatch(/expected a mapping .* found one block of text \(\d+ characters\)/);
  });

  it('files inside the roots that are not CSV are described, never quoted, also in stored operations', async () => {
    for (const data of ['csv:.env', 'csv:passwd', 'csv:shadow', 'csv:secrets.yaml']) {
      const r = await mcp.call('ingest_data', { data });
      expect(r.isError).toBe(true);
      expect(text(r)).toMatch(/INVALID_DATA: .* line 1: missing columns time, open, high, low, close; line 1 has 1 field \(/);
      expectNoLeak(r);
      const d = await mcp.call('check_drift', { model_id: modelId, data });
      expect(d.isError).toBe(true);
      expectNoLeak(d);
    }
    // Loaded in the worker: the failure is stored on the operation that get_status and list_operations show.
    const started = await mcp.call(
      'start_training',
      { strategy: 'momentum.yaml', data: 'csv:.env', wait_seconds: 60 },
      { timeout: 60_000 },
    );
    expect(started.structuredContent).toMatchObject({ status: 'failed' });
    expectNoLeak(started);
    const id = (started.structuredContent as { operation_id: string }).operation_id;
    const status = await mcp.call('get_status', { operation_id: id });
    expect(text(status)).toMatch(/missing columns/);
    expectNoLeak(status);
    expectNoLeak(await mcp.call('list_operations', {}));
  }, 90_000);

  it('a CSV inside the roots is read; the strategy resource serves listed names only', async () => {
    const r = await mcp.call('check_drift', { model_id: modelId, data: 'csv:prices.csv' });
    expect(r.isError, text(r)).toBeFalsy();
    await expect(mcp.client.readResource({ uri: 'trainyard://strategies/.env' })).rejects.toThrow(/No strategy/);
    const listed = await mcp.client.readResource({ uri: 'trainyard://strategies/macd_trend' });
    expect((listed.contents[0] as { text: string }).text).toMatch(/name: macd_trend/);
  });

  it('the CLI path (no MCP access) still reads files outside the roots', async () => {
    const r = await services.ingest.ingest({ data: `csv:${OUT_CSV}` }, 'cli');
    expect(r.added).toBe(400);
    expect(services.strategies.resolve(path.join(outside, 'momentum.yaml')).strategy.name).toBe('momentum_test');
  });
});

describe('the built CLI', () => {
  it('reads a file outside the MCP roots: a person runs it on their own files', async () => {
    const r = await runCli(['ingest', '--data', `csv:${OUT_CSV}`, '--home', path.join(base, 'cli-home'), '--json'], { cwd: work });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ added: 400 });
  }, 60_000);
});

describe('file access over stdio', () => {
  it('the built server started in a folder refuses paths outside it', async () => {
    const client = new Client({ name: 'stdio-access', version: '1.0.0' });
    await client.connect(
      new StdioClientTransport({
        command: process.execPath,
        args: [CLI, 'serve', '--home', path.join(base, 'stdio-home')],
        cwd: work,
        env: { PATH: process.env['PATH'] ?? '', TRAINYARD_WASM_THREADS: '1' },
        stderr: 'pipe',
      }),
    );
    try {
      const denied = (await client.callTool({ name: 'ingest_data', arguments: { data: `csv:${OUT_CSV}` } })) as CallToolResult;
      expect(text(denied)).toMatch(/^ACCESS_DENIED: .*data_roots/);
      const env = (await client.callTool({ name: 'validate_strategy', arguments: { strategy: '.env' } })) as CallToolResult;
      expect(env.structuredContent).toMatchObject({ valid: false });
      expectNoLeak(env);
    } finally {
      await client.close();
    }
  }, 60_000);
});

describe('data_roots', () => {
  it('adds a folder MCP clients may read', async () => {
    const services = servicesIn({ data_roots: ['.', outside] });
    const mcp = await connectClient(services);
    try {
      const r = await mcp.call('validate_strategy', { strategy: path.join(outside, 'momentum.yaml') });
      expect(r.structuredContent).toMatchObject({ valid: true });
      expect(text(await mcp.call('validate_strategy', { strategy: '/etc/passwd' }))).toMatch(/^ACCESS_DENIED: .*work-outside/);
    } finally {
      await mcp.close();
      await services.close();
    }
  });
});

describe('file access over Streamable HTTP', () => {
  it('refuses paths outside the roots, and the health answer comes after the Host check', async () => {
    const services = servicesIn();
    const server = await startHttpServer(services, { host: '127.0.0.1', port: 0 });
    const client = new Client({ name: 'http-access', version: '1.0.0' });
    try {
      const url = new URL(server.url);
      const get = (host: string) =>
        new Promise<{ status: number; body: string }>((resolve, reject) => {
          const req = http.request({ host: url.hostname, port: url.port, path: '/', headers: { host } }, (res) => {
            let body = '';
            res.on('data', (c: Buffer) => (body += c.toString()));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
          });
          req.on('error', reject);
          req.end();
        });
      const foreign = await get('evil.example:80');
      expect(foreign.status).toBe(403);
      expect(foreign.body).not.toContain('trainyard');
      expect((await get(url.host)).status).toBe(200);

      await client.connect(new StreamableHTTPClientTransport(url));
      for (const [tool, args] of [
        ['validate_strategy', { strategy: '../../../../../../etc/shadow' }],
        ['ingest_data', { data: 'csv:/etc/passwd' }],
      ] as const) {
        const r = (await client.callTool({ name: tool, arguments: args })) as CallToolResult;
        expect(r.isError).toBe(true);
        expect(text(r)).toMatch(/^ACCESS_DENIED/);
      }
      const env = (await client.callTool({ name: 'ingest_data', arguments: { data: 'csv:.env' } })) as CallToolResult;
      expect(env.isError).toBe(true);
      expectNoLeak(env);
    } finally {
      await client.close();
      await server.close();
      await services.close();
    }
  });
});
