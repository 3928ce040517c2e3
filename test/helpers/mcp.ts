import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { createServer } from '../../src/server/create-server.js';
import type { Services } from '../../src/services/index.js';

/** A real MCP client connected to trainyard's server in-process. */
export async function connectClient(services: Services, opts: { readOnly?: boolean } = {}) {
  const { server } = createServer(services, opts);
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  const client = new Client({ name: 'test-agent', version: '1.0.0' });
  await Promise.all([server.connect(serverSide), client.connect(clientSide)]);
  return {
    client,
    async call(name: string, args: Record<string, unknown> = {}, extra: Parameters<Client['callTool']>[2] = {}) {
      return (await client.callTool({ name, arguments: args }, undefined, extra)) as CallToolResult;
    },
    close: () => client.close(),
  };
}

export function text(r: CallToolResult): string {
  return r.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n');
}
