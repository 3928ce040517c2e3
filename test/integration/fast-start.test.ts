import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { allTools } from '../../src/tools/index.js';
import { CLI } from '../helpers/cli.js';
import { FIXTURES } from '../helpers/services.js';

/** Packages that cost most of a second to load: the stdio server must not load them to start (bench/startup.ts). */
const HEAVY = ['@tensorflow/tfjs', '@tensorflow/tfjs-backend-wasm', '@anthropic-ai/sdk', '@modelcontextprotocol/node', 'hono'];

describe('a fast start', () => {
  it('the stdio server answers initialize, tools/list and a read tool without loading TensorFlow.js, the Anthropic SDK or the HTTP stack', async () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'trainyard-fast-start-'));
    const child = spawn(process.execPath, ['--import', path.join(FIXTURES, 'loaded-packages.mjs'), CLI, 'serve', '--home', home], {
      env: { PATH: process.env['PATH'] ?? '', TRAINYARD_LOG_LEVEL: 'warn' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const t0 = performance.now();
    const answers = new Map<number, { result?: { tools?: unknown[]; isError?: boolean } }>();
    const at: Record<number, number> = {};
    let out = '';
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const send = (msg: unknown) => child.stdin.write(JSON.stringify(msg) + '\n');
    const done = new Promise<void>((resolve) => {
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        let nl: number;
        while ((nl = out.indexOf('\n')) >= 0) {
          const msg = JSON.parse(out.slice(0, nl)) as { id: number; result?: { tools?: unknown[]; isError?: boolean } };
          out = out.slice(nl + 1);
          answers.set(msg.id, msg);
          at[msg.id] = performance.now() - t0;
          if (msg.id === 1) {
            send({ jsonrpc: '2.0', method: 'notifications/initialized' });
            send({ jsonrpc: '2.0', id: 2, method: 'tools/list' });
            send({ jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'list_strategies', arguments: {} } });
          }
          if (msg.id === 3) resolve();
        }
      });
    });
    send({
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'fast-start', version: '1' } },
    });
    await done;
    child.stdin.end();
    await new Promise((resolve) => child.once('exit', resolve));
    expect(answers.get(2)?.result?.tools).toHaveLength(allTools.length);
    expect(answers.get(3)?.result?.isError).toBeFalsy();
    const loaded = JSON.parse(/loaded-packages: (.*)/.exec(err)![1]!) as string[];
    expect(loaded).toContain('@modelcontextprotocol/server');
    expect(loaded.filter((p) => HEAVY.includes(p))).toEqual([]);
    // Figures for the log only: timing depends on the machine's load (bench/startup.ts measures it).
    console.log(`fast start: initialize ${at[1]!.toFixed(0)} ms, tools/list ${at[2]!.toFixed(0)} ms after spawn`);
  });
});
