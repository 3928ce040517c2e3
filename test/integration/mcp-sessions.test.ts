import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startHttpServer } from '../../src/server/http.js';
import type { Services } from '../../src/services/index.js';
import { tempServices } from '../helpers/services.js';

const HEADERS = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
const INIT = {
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
};

/** Health checks and clients that leave without DELETE do not hold session slots. */
describe('HTTP session lifetime', () => {
  let services: Services;
  let server: Awaited<ReturnType<typeof startHttpServer>>;
  const sessions = async () => ((await (await fetch(server.url.replace('/mcp', '/'))).json()) as { sessions: number }).sessions;
  const post = (body: unknown, session?: string) =>
    fetch(server.url, {
      method: 'POST',
      headers: { ...HEADERS, ...(session && { 'mcp-session-id': session }) },
      body: JSON.stringify(body),
    });
  async function initialize(): Promise<string> {
    const r = await post(INIT);
    await r.text();
    const id = r.headers.get('mcp-session-id')!;
    await (await post({ jsonrpc: '2.0', method: 'notifications/initialized' }, id)).text();
    return id;
  }

  beforeAll(async () => {
    services = tempServices().services;
    server = await startHttpServer(services, { host: '127.0.0.1', port: 0, abandonedSessionMs: 300 });
  });
  afterAll(async () => {
    await server.close();
    await services.close();
  });

  it('a session that only initialized is closed after abandonedSessionMs, and its id is then unknown', async () => {
    const id = await initialize();
    expect(await sessions()).toBe(1);
    await vi.waitFor(async () => expect(await sessions()).toBe(0), { timeout: 3_000, interval: 50 });
    const late = await post({ jsonrpc: '2.0', id: 2, method: 'tools/list' }, id);
    expect(late.status).toBe(404);
  });

  it('a client with an open GET stream keeps its session; when the stream closes (the client left) it goes', async () => {
    const id = await initialize();
    await (await post({ jsonrpc: '2.0', id: 2, method: 'tools/list' }, id)).text();
    const stream = new AbortController();
    const get = await fetch(server.url, {
      headers: { accept: 'text/event-stream', 'mcp-session-id': id, 'mcp-protocol-version': '2025-06-18' },
      signal: stream.signal,
    });
    expect(get.status).toBe(200);
    await new Promise((r) => setTimeout(r, 1_000)); // over three times abandonedSessionMs
    expect(await sessions()).toBe(1);
    stream.abort();
    await vi.waitFor(async () => expect(await sessions()).toBe(0), { timeout: 3_000, interval: 50 });
  });

  it('a session that called a tool and never listened stays until the idle timeout', async () => {
    const id = await initialize();
    await (await post({ jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'list_strategies', arguments: {} } }, id)).text();
    await new Promise((r) => setTimeout(r, 1_000));
    expect(await sessions()).toBe(1);
    const bye = await fetch(server.url, { method: 'DELETE', headers: { 'mcp-session-id': id, 'mcp-protocol-version': '2025-06-18' } });
    expect(bye.status).toBe(200);
    await vi.waitFor(async () => expect(await sessions()).toBe(0), { timeout: 1_000, interval: 20 });
  });
});
