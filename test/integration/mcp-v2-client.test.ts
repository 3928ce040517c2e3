import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, StreamableHTTPClientTransport, type CallToolResult, type LoggingMessageNotification } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { SUPPORTED_PROTOCOL_VERSIONS } from '@modelcontextprotocol/server';
import { describe, expect, it, vi } from 'vitest';
import type { Alert } from '../../src/monitoring/alerts.js';
import { startHttpServer } from '../../src/server/http.js';
import { allTools } from '../../src/tools/index.js';
import { CLI } from '../helpers/cli.js';
import { MOMENTUM, MOMENTUM_ALL_EPOCHS, tempServices } from '../helpers/services.js';

const DATA = 'synthetic:seed=3,bars=1200,signal=0.3';
const ROOT = path.resolve(import.meta.dirname, '..', '..');

async function health(url: string): Promise<{ sessions: number }> {
  return (await (await fetch(url.replace('/mcp', '/'))).json()) as { sessions: number };
}

/** The same flows as the v1 client tests, through the v2 client (@modelcontextprotocol/client). */
describe('MCP with the v2 SDK client', () => {
  it('stdio: tools, progress, a cancelled wait, cancel_training, resources, prompts, completion', async () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'trainyard-v2-stdio-'));
    const client = new Client({ name: 'v2-stdio-test', version: '1.0.0' });
    await client.connect(
      new StdioClientTransport({
        command: process.execPath,
        args: [CLI, 'serve', '--home', home],
        env: { PATH: process.env['PATH'] ?? '', TRAINYARD_WASM_THREADS: '1' },
        stderr: 'pipe',
      }),
    );
    try {
      expect(SUPPORTED_PROTOCOL_VERSIONS).toContain(client.getNegotiatedProtocolVersion());
      const { tools } = await client.listTools();
      expect(tools.map((t) => t.name)).toEqual(allTools.map((t) => t.name));
      // Annotations list only the hints that differ from the defaults (mcp-tools.test.ts checks them).
      expect(tools.every((t) => t.outputSchema?.type === 'object' && t.annotations !== undefined)).toBe(true);

      const progress: number[] = [];
      const trained = await client.callTool(
        { name: 'start_training', arguments: { strategy: MOMENTUM, data: DATA, overrides: { epochs: 2 }, wait_seconds: 120 } },
        { timeout: 120_000, onprogress: (p) => progress.push(p.progress) },
      );
      expect(trained.structuredContent).toMatchObject({ status: 'completed', result: { model_id: 'momentum_test@1' } });
      expect(trained.content[0]).toMatchObject({ type: 'text' });
      expect(progress.length).toBeGreaterThan(1);

      // Cancelling the wait ends the call (notifications/cancelled), not the job; cancel_training does.
      const controller = new AbortController();
      const waiting = client.callTool(
        { name: 'start_training', arguments: { strategy: MOMENTUM_ALL_EPOCHS, data: DATA, overrides: { epochs: 500 }, wait_seconds: 600 } },
        {
          signal: controller.signal,
          timeout: 120_000,
          onprogress: (p) => {
            if (/epoch 2\//.test(p.message ?? '')) controller.abort('enough waiting');
          },
        },
      );
      await expect(waiting).rejects.toThrow();
      const running = (await client.callTool({ name: 'list_operations', arguments: { status: 'running' } })).structuredContent as {
        operations: { operation_id: string }[];
      };
      expect(running.operations).toHaveLength(1);
      const cancelled = await client.callTool({
        name: 'cancel_training',
        arguments: { operation_id: running.operations[0]!.operation_id, reason: 'test over' },
      });
      expect(cancelled.structuredContent).toMatchObject({ status: 'cancelled' });

      const card = await client.readResource({ uri: 'trainyard://models/momentum_test@1' });
      expect(JSON.parse((card.contents[0] as { text: string }).text)).toMatchObject({ model_id: 'momentum_test@1' });
      const { resourceTemplates } = await client.listResourceTemplates();
      expect(resourceTemplates.map((t) => t.uriTemplate)).toContain('trainyard://models/{model_id}');
      const completion = await client.complete({
        ref: { type: 'ref/resource', uri: 'trainyard://models/{model_id}' },
        argument: { name: 'model_id', value: 'momentum' },
      });
      expect(completion.completion.values).toEqual(['momentum_test@1']);
      const prompt = await client.getPrompt({ name: 'design_strategy', arguments: { goal: 'mean reversion on SPY' } });
      expect((prompt.messages[0]!.content as { text: string }).text).toContain('mean reversion on SPY');
    } finally {
      await client.close();
    }
  });

  it('Streamable HTTP: token, a tool call with structured content, alerts as logging notifications, DELETE ends the session', async () => {
    const { services } = tempServices();
    const server = await startHttpServer(services, { host: '127.0.0.1', port: 0, token: 's3cret' });
    try {
      const client = new Client({ name: 'v2-http-test', version: '1.0.0' });
      const transport = new StreamableHTTPClientTransport(new URL(server.url), {
        requestInit: { headers: { authorization: 'Bearer s3cret' } },
      });
      await client.connect(transport);
      expect((await client.listTools()).tools).toHaveLength(allTools.length);
      const r: CallToolResult = await client.callTool({ name: 'list_strategies', arguments: {} });
      expect((r.structuredContent as { strategies: { name: string }[] }).strategies.map((s) => s.name)).toContain('macd_trend');

      const messages: LoggingMessageNotification['params'][] = [];
      client.setNotificationHandler('notifications/message', (n) => void messages.push(n.params));
      await client.setLoggingLevel('warning');
      const alert: Alert = { kind: 'drift', level: 'warning', name: 'm', message: 'drift for m', at: '2026-11-22T02:05:00.000Z' };
      services.alerts.emit({ ...alert, level: 'info', kind: 'promotion_ready' });
      services.alerts.emit(alert);
      await vi.waitFor(() => expect(messages).toEqual([{ level: 'warning', logger: 'trainyard', data: alert }]));

      expect((await health(server.url)).sessions).toBe(1);
      await transport.terminateSession(); // HTTP DELETE /mcp
      await vi.waitFor(async () => expect((await health(server.url)).sessions).toBe(0));
      await client.close();
    } finally {
      await server.close();
      await services.close();
    }
  });

  it('the README names every protocol version the SDK serves', () => {
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    expect(SUPPORTED_PROTOCOL_VERSIONS.filter((v) => !readme.includes(v))).toEqual([]);
  });
});
