// Start-up of the stdio server as a client sees it: spawn `node dist/cli.js serve` -> initialize
// answered -> first tools/list answered, over ~10 fresh spawns (fresh state folder each, so the
// first-run migrations count). Target (issue 12): first tools/list <= 500 ms on the 2-core box.
// Raw JSON-RPC lines, no client library, so only the server's time is measured. Run `npm run
// build` first; STARTUP_CLI=<path to cli.js> measures another build (e.g. an older checkout).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { emit } from './_shared.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const cli = process.env['STARTUP_CLI'] ?? path.join(root, 'dist', 'cli.js');
const runs = Number(process.env['STARTUP_RUNS'] ?? 10);

interface Sample {
  initialize_ms: number;
  tools_list_ms: number;
  tools_list_bytes: number;
  tools: number;
}

function once(): Promise<Sample> {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'trainyard-startup-'));
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [cli, 'serve', '--home', home], {
      env: { PATH: process.env['PATH'] ?? '', TRAINYARD_LOG_LEVEL: 'warn' },
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    let buffer = '';
    let initializeMs = 0;
    const send = (msg: unknown) => child.stdin.write(JSON.stringify(msg) + '\n');
    child.stdout.on('data', (d: Buffer) => {
      buffer += d.toString();
      let nl: number;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        const msg = JSON.parse(line) as { id?: number; result?: { tools?: unknown[] } };
        if (msg.id === 1) {
          initializeMs = performance.now() - t0;
          send({ jsonrpc: '2.0', method: 'notifications/initialized' });
          send({ jsonrpc: '2.0', id: 2, method: 'tools/list', params: {} });
        } else if (msg.id === 2) {
          const sample = {
            initialize_ms: +initializeMs.toFixed(1),
            tools_list_ms: +(performance.now() - t0).toFixed(1),
            tools_list_bytes: Buffer.byteLength(line),
            tools: msg.result?.tools?.length ?? 0,
          };
          child.stdin.end();
          child.once('exit', () => {
            fs.rmSync(home, { recursive: true, force: true });
            resolve(sample);
          });
        }
      }
    });
    child.once('error', reject);
    child.once('exit', (code) => {
      if (initializeMs === 0) reject(new Error(`server exited with ${code} before answering initialize`));
    });
    // Sent at once, as Claude Code does: the server reads it when it is ready.
    send({
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'startup-bench', version: '1' } },
    });
  });
}

const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return { p50_ms: s[s.length >> 1]!, max_ms: s[s.length - 1]!, min_ms: s[0]! };
};

const samples: Sample[] = [];
await once(); // warm the file-system cache, as a client restarting a server would find it
for (let i = 0; i < runs; i++) samples.push(await once());
emit({
  bench: 'startup_stdio',
  cli: path.relative(root, cli) || cli,
  runs,
  cores: os.availableParallelism(),
  load_1m: +os.loadavg()[0]!.toFixed(2),
  initialize: stats(samples.map((s) => s.initialize_ms)),
  first_tools_list: stats(samples.map((s) => s.tools_list_ms)),
  tools: samples[0]!.tools,
  tools_list_bytes: samples[0]!.tools_list_bytes,
});
