import { execFile, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startHttpServer } from '../../src/server/http.js';
import type { Services } from '../../src/services/index.js';
import { allTools } from '../../src/tools/index.js';
import { CLI } from '../helpers/cli.js';
import { tempServices } from '../helpers/services.js';

const run = promisify(execFile);
const BIN = path.resolve(import.meta.dirname, '..', '..', 'node_modules', '.bin');
const INSPECTOR = path.join(BIN, 'mcp-inspector');
const CLAUDE = path.join(BIN, 'claude');
const TOKEN = 'real-client-token';

/** A home folder of its own, so neither client reads or writes the user's configuration. */
function isolatedEnv(): Record<string, string> {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'trainyard-client-home-'));
  return {
    PATH: process.env['PATH'] ?? '',
    HOME: home,
    CLAUDE_CONFIG_DIR: path.join(home, '.claude'),
    // No network here, and none wanted: no telemetry, update checks or error reports.
    DISABLE_TELEMETRY: '1',
    DISABLE_AUTOUPDATER: '1',
    DISABLE_ERROR_REPORTING: '1',
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    TRAINYARD_LOG_LEVEL: 'warn',
  };
}

/** Why Claude Code cannot run here, or null when `claude --version` answers. */
function claudeUnavailable(): string | null {
  if (!fs.existsSync(CLAUDE)) return `${CLAUDE} is missing (devDependency @anthropic-ai/claude-code not installed)`;
  const r = spawnSync(CLAUDE, ['--version'], { env: isolatedEnv(), encoding: 'utf8', timeout: 30_000 });
  if (r.error) return `${CLAUDE} --version failed: ${r.error.message}`;
  if (r.status !== 0) return `${CLAUDE} --version exited ${r.status}: ${(r.stderr || r.stdout).trim().slice(0, 300)}`;
  return null;
}

describe('real MCP clients against the built server', () => {
  let services: Services;
  let http: Awaited<ReturnType<typeof startHttpServer>>;
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'trainyard-real-clients-'));
  const sessions = async () => ((await (await fetch(http.url.replace('/mcp', '/'))).json()) as { sessions: number }).sessions;

  beforeAll(async () => {
    services = tempServices().services;
    // A short abandoned-session time, so the test sees health-check sessions go.
    http = await startHttpServer(services, { host: '127.0.0.1', port: 0, token: TOKEN, abandonedSessionMs: 500 });
  });
  afterAll(async () => {
    await http.close();
    await services.close();
  });

  describe('MCP Inspector CLI (@modelcontextprotocol/inspector)', () => {
    const inspect = async (target: string[], args: string[]) => {
      const { stdout } = await run(INSPECTOR, ['--cli', ...target, ...args], { env: isolatedEnv(), timeout: 60_000 });
      return JSON.parse(stdout) as Record<string, unknown>;
    };
    const stdio = [process.execPath, CLI, 'serve', '--home', home];

    it('stdio: tools/list names every tool; tools/call returns structured content', async () => {
      const listed = (await inspect(stdio, ['--method', 'tools/list'])) as { tools: { name: string; outputSchema?: unknown }[] };
      expect(listed.tools.map((t) => t.name)).toEqual(allTools.map((t) => t.name));
      expect(listed.tools.every((t) => t.outputSchema)).toBe(true);
      const called = (await inspect(stdio, [
        '--method',
        'tools/call',
        '--tool-name',
        'validate_strategy',
        '--tool-arg',
        'strategy=rsi_mean_reversion',
      ])) as { isError?: boolean; structuredContent: { valid: boolean } };
      expect(called.isError).toBeFalsy();
      expect(called.structuredContent.valid).toBe(true);
    });

    it('Streamable HTTP with the bearer token: tools/list and tools/call', async () => {
      const target = [http.url, '--transport', 'http', '--header', `Authorization: Bearer ${TOKEN}`];
      const listed = (await inspect(target, ['--method', 'tools/list'])) as { tools: unknown[] };
      expect(listed.tools).toHaveLength(allTools.length);
      const called = (await inspect(target, ['--method', 'tools/call', '--tool-name', 'list_strategies'])) as {
        structuredContent: { strategies: { name: string }[] };
      };
      expect(called.structuredContent.strategies.map((s) => s.name)).toContain('macd_trend');
    });
  });

  describe('Claude Code (`claude mcp list`, @anthropic-ai/claude-code)', () => {
    const unavailable = claudeUnavailable();
    if (unavailable) console.warn(`SKIPPED Claude Code test: ${unavailable}`);

    it.skipIf(unavailable !== null)(
      'reports the server connected over stdio and over HTTP, and its health check leaves no session',
      async () => {
        const env = isolatedEnv();
        // A folder without a .mcp.json: only the two user-scope servers below are configured.
        const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'trainyard-claude-project-'));
        const add = (name: string, config: unknown) =>
          run(CLAUDE, ['mcp', 'add-json', '--scope', 'user', name, JSON.stringify(config)], { env, cwd, timeout: 60_000 });
        await add('trainyard-stdio', { type: 'stdio', command: process.execPath, args: [CLI, 'serve', '--home', home] });
        await add('trainyard-http', { type: 'http', url: http.url, headers: { Authorization: `Bearer ${TOKEN}` } });
        expect(fs.readFileSync(path.join(env['CLAUDE_CONFIG_DIR']!, '.claude.json'), 'utf8')).toContain('trainyard-http');

        const { stdout } = await run(CLAUDE, ['mcp', 'list'], { env, cwd, timeout: 120_000 });
        expect(stdout).toMatch(/trainyard-stdio: .*✔ Connected/);
        expect(stdout).toMatch(/trainyard-http: .*✔ Connected/);
        // Claude Code's health check initializes, opens a GET stream, lists tools and exits without DELETE.
        await vi.waitFor(async () => expect(await sessions()).toBe(0), { timeout: 5_000, interval: 100 });
      },
    );
  });
});
