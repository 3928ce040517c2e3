import { DomainError } from '../domain/errors.js';
import { serveStdio } from '../server/stdio.js';
import { schedulerFor } from '../services/scheduler.js';
import type { Services } from '../services/index.js';
import { intOption, parse, type ParsedArgs } from './args.js';
import { str, withServices, type CliIo } from './context.js';
import { installProcessHandlers } from './process-handlers.js';

/**
 * `trainyard serve [--http [--host H] [--port P] [--token T]] [--read-only]`. stdio by default;
 * stdout then carries protocol messages only, logs go to stderr. Ends on SIGINT/SIGTERM or when
 * the stdio client closes stdin; running jobs are cancelled or finished per config. With
 * triggers.run_in_serve the retraining scheduler runs beside it (not in a read-only server).
 */
export async function serveCommand(args: string[], io: CliIo): Promise<number> {
  const { values } = parse(args, {
    http: { type: 'boolean' },
    host: { type: 'string' },
    port: { type: 'string' },
    token: { type: 'string' },
    'read-only': { type: 'boolean' },
  });
  const readOnly = Boolean(values['read-only']);
  // A server logs at info unless told otherwise (stderr only).
  const logValues = { ...values, 'log-level': str(values['log-level']) ?? io.env['TRAINYARD_LOG_LEVEL'] ?? 'info' };
  return withServices(logValues, io, async (services) => {
    const removeHandlers = installProcessHandlers(process, services.logger, 'the server');
    // The retraining scheduler runs beside the server when config asks (triggers.run_in_serve).
    let scheduler = services.config.triggers.run_in_serve && !readOnly ? schedulerFor(services, { command: 'trainyard serve' }) : null;
    try {
      scheduler?.start();
    } catch (err) {
      // One scheduler per state folder: another holds it (a `trainyard watch`); serve without one.
      services.logger.warn({ err: (err as Error).message }, 'retraining scheduler not started');
      io.stderr.write(`trainyard serve: retraining scheduler not started: ${(err as Error).message}\n`);
      scheduler = null;
    }
    try {
      return await serve(services, values, io, readOnly);
    } finally {
      await scheduler?.stop();
      removeHandlers();
    }
  });
}

async function serve(services: Services, values: ParsedArgs['values'], io: CliIo, readOnly: boolean): Promise<number> {
  if (!values['http']) {
    await serveStdio(services, { readOnly, signal: io.signal });
    return 0;
  }
  const port = intOption(str(values['port']), 'port') ?? 7777;
  if (port > 65535) throw new DomainError('INVALID_ARGUMENT', `--port must be at most 65535, got ${port}.`);
  // Loaded only for --http: the Node HTTP adapter is not needed to serve stdio.
  const { startHttpServer } = await import('../server/http.js');
  const server = await startHttpServer(services, {
    host: str(values['host']) ?? '127.0.0.1',
    port,
    token: str(values['token']) ?? io.env['TRAINYARD_TOKEN'],
    readOnly,
  });
  io.stderr.write(`trainyard MCP server listening on ${server.url}\n`);
  await new Promise<void>((resolve) => {
    if (io.signal?.aborted) resolve();
    io.signal?.addEventListener('abort', () => resolve(), { once: true });
  });
  await server.close();
  return 0;
}
