import { StdioServerTransport } from '@modelcontextprotocol/server/stdio';
import type { Services } from '../services/index.js';
import { createServer } from './create-server.js';

/** MCP over stdin/stdout. Resolves when the client closes stdin (or `stop` is called). */
export async function serveStdio(services: Services, opts: { readOnly?: boolean; signal?: AbortSignal } = {}): Promise<void> {
  const { server, close } = createServer(services, opts);
  const transport = new StdioServerTransport();
  const ended = new Promise<void>((resolve) => {
    transport.onclose = () => resolve();
    process.stdin.once('end', () => resolve());
    // A client that goes away closes our stdout: EPIPE means "stop", not a crash.
    process.stdout.on('error', (err: NodeJS.ErrnoException) => {
      services.logger.info({ code: err.code }, 'stdout closed by the client');
      resolve();
    });
    opts.signal?.addEventListener('abort', () => resolve(), { once: true });
  });
  await server.connect(transport);
  services.logger.info({ transport: 'stdio' }, 'trainyard MCP server ready');
  await ended;
  await close();
}
