import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { NodeStreamableHTTPServerTransport } from '@modelcontextprotocol/node';
import { isInitializeRequest } from '@modelcontextprotocol/server';
import { DomainError } from '../domain/errors.js';
import type { Services } from '../services/index.js';
import { createServer } from './create-server.js';
import type { Dashboard } from '../web/index.js';
import { createSessionTable } from './http-sessions.js';
import { bearerToken, secretMatches } from './secret.js';

export interface HttpOptions {
  host: string;
  port: number;
  /** Bearer token; required when binding anything but loopback. */
  token?: string | undefined;
  readOnly?: boolean;
  /** Largest request body accepted (default 1 MiB). */
  maxBodyBytes?: number;
  /** Sessions idle this long are closed (default 30 min). */
  idleSessionMs?: number;
  /**
   * Sessions whose client left without DELETE (its GET stream closed) or that only initialized
   * are closed after this long (default 15 s): health checks must not hold session slots.
   */
  abandonedSessionMs?: number;
  /** Extra Host header values to accept (e.g. a reverse proxy's name). */
  allowedHosts?: string[];
  /** Concurrent sessions; the next initialize is refused with 503 (default config limits.http_sessions). */
  maxSessions?: number;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

function send(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
}

function rpcError(res: http.ServerResponse, status: number, message: string, headers: Record<string, string> = {}): void {
  send(res, status, { jsonrpc: '2.0', error: { code: -32000, message }, id: null }, headers);
}

function readBody(req: http.IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        req.removeAllListeners('data');
        req.resume(); // drain the rest so the 413 reaches the client
        reject(new DomainError('INVALID_ARGUMENT', `request body over ${limit} bytes`));
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** The JSON-RPC methods in a POST body (one message or a batch), for the debug log. */
function rpcMethods(body: unknown): string[] | undefined {
  if (body === undefined) return undefined;
  const messages = Array.isArray(body) ? (body as unknown[]) : [body];
  return messages.map((m) => String((m as { method?: unknown } | null)?.method ?? 'response'));
}

const tokenMatches = (header: string | undefined, token: string): boolean => secretMatches(bearerToken(header), token);

/** A browser asks for a page; a health check (curl, fetch, a load balancer) does not list text/html. */
const wantsHtml = (req: http.IncomingMessage): boolean => /\btext\/html\b/.test(req.headers.accept ?? '');

/**
 * MCP over Streamable HTTP at /mcp: one session (and one McpServer over the shared services) per
 * client, bearer-token auth, Host/Origin checks against DNS rebinding, a body size limit, idle
 * session eviction, a health answer on "/health" (and on "/" for anything but a browser), and the
 * read-only web dashboard on every other path (src/web, loaded on its first request).
 */
export async function startHttpServer(services: Services, opts: HttpOptions): Promise<{ url: string; close: () => Promise<void> }> {
  if (!LOOPBACK.has(opts.host) && !opts.token) {
    throw new DomainError(
      'INVALID_ARGUMENT',
      `Binding ${opts.host} exposes trainyard beyond this machine: set a token (--token or TRAINYARD_TOKEN).`,
    );
  }
  const logger = services.logger.child({ component: 'http' });
  const limit = opts.maxBodyBytes ?? 1024 * 1024;
  const idleMs = opts.idleSessionMs ?? 30 * 60_000;
  // Clients re-open a dropped GET stream within seconds (the SDK clients retry after 1 s, then 1.5 s).
  const abandonedMs = opts.abandonedSessionMs ?? 15_000;
  const sessions = createSessionTable({ idleMs, abandonedMs }, logger);
  const maxSessions = opts.maxSessions ?? services.config.limits.http_sessions;
  /** Initialize requests being answered: their sessions count before they are stored. */
  let opening = 0;
  let port = opts.port;
  const allowedHosts = () =>
    new Set([...['localhost', '127.0.0.1', '[::1]', opts.host].map((h) => `${h}:${port}`), ...(opts.allowedHosts ?? [])]);
  const allowedOrigins = () => new Set(['localhost', '127.0.0.1', '[::1]', opts.host].map((h) => `http://${h}:${port}`));
  let dashboardModule: Promise<Dashboard> | undefined;
  // Loaded on the first page request: serving MCP alone never loads the dashboard's HTML modules.
  const dashboard = () =>
    (dashboardModule ??= import('../web/index.js').then((m) =>
      m.createDashboard(services, { token: opts.token, originAllowed: (o) => allowedOrigins().has(o) }),
    ));

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://internal');
    // Host and Origin first, for every path: a page on another site that rebinds its DNS name to
    // this address must not read even the health answer.
    if (!allowedHosts().has(req.headers.host ?? '')) return rpcError(res, 403, `Host "${req.headers.host ?? ''}" not allowed`);
    const origin = req.headers.origin;
    if (origin && !allowedOrigins().has(origin)) return rpcError(res, 403, `Origin "${origin}" not allowed`);
    if (url.pathname === '/health' || (url.pathname === '/' && req.method === 'GET' && !wantsHtml(req))) {
      return send(res, 200, {
        status: 'ok',
        name: 'trainyard',
        version: services.codeVersion,
        sessions: sessions.size,
        jobs: services.jobs.stats(),
      });
    }
    if (url.pathname !== '/mcp') return (await dashboard()).handle(req, res, url);
    if (opts.token && !tokenMatches(req.headers.authorization, opts.token)) {
      return rpcError(res, 401, 'Missing or wrong bearer token', { 'www-authenticate': 'Bearer realm="trainyard"' });
    }
    const sessionId = req.headers['mcp-session-id'];
    const existing = typeof sessionId === 'string' ? sessions.get(sessionId) : undefined;
    let body: unknown;
    if (req.method === 'POST') {
      if (Number(req.headers['content-length'] ?? 0) > limit)
        return rpcError(res, 413, `request body over ${limit} bytes`, { connection: 'close' });
      try {
        body = JSON.parse(await readBody(req, limit));
      } catch (err) {
        return rpcError(res, err instanceof DomainError ? 413 : 400, err instanceof DomainError ? err.message : 'Body is not valid JSON');
      }
    }
    const methods = rpcMethods(body);
    logger.debug({ method: req.method, session: sessionId, rpc: methods }, 'mcp request');
    if (existing) {
      sessions.track(existing, req, res, methods);
      return existing.transport.handleRequest(req, res, body);
    }
    if (req.method !== 'POST' || !isInitializeRequest(body)) {
      return rpcError(
        res,
        sessionId ? 404 : 400,
        sessionId ? 'Unknown or expired session; initialize again' : 'No session: send an initialize request first',
      );
    }
    if (sessions.size + opening >= maxSessions) {
      logger.warn({ sessions: sessions.size, max: maxSessions }, 'session limit reached; initialize refused');
      return rpcError(
        res,
        503,
        `LIMIT_EXCEEDED: ${sessions.size + opening} MCP sessions are open, at most ${maxSessions} allowed (config limits.http_sessions). ` +
          `Close a session (HTTP DELETE /mcp with its mcp-session-id) or wait: idle sessions close after ${Math.round(idleMs / 60_000)} min. ` +
          'Or raise limits.http_sessions in the trainyard config file.',
        { 'retry-after': '60' },
      );
    }
    opening++;
    try {
      await openSession(req, res, body);
    } finally {
      opening--;
    }
  }

  async function openSession(req: http.IncomingMessage, res: http.ServerResponse, body: unknown): Promise<void> {
    const { server, close } = createServer(services, { readOnly: opts.readOnly });
    const transport: NodeStreamableHTTPServerTransport = new NodeStreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (id: string) => sessions.add(id, transport, close),
      // DELETE /mcp: the client says goodbye; the transport closes, and onclose below forgets it.
      onsessionclosed: (id) => logger.debug({ session: id }, 'session closed by the client'),
    });
    transport.onclose = () => {
      if (transport.sessionId) sessions.remove(transport.sessionId);
    };
    await server.connect(transport);
    await transport.handleRequest(req, res, body);
  }

  const httpServer = http.createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      logger.error({ err }, 'http request failed');
      if (!res.headersSent) rpcError(res, 500, 'Internal error');
      else res.end();
    });
  });
  httpServer.requestTimeout = 0; // long waits (start_training with wait_seconds) stream progress
  // A third of the shortest timeout: a session outlives its timeout by at most that much.
  const sweeper = setInterval(() => sessions.sweep(), Math.max(100, Math.min(idleMs, abandonedMs, 60_000) / 3));
  sweeper.unref();
  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(opts.port, opts.host, () => resolve());
  });
  port = (httpServer.address() as AddressInfo).port;
  const host = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
  return {
    url: `http://${host}:${port}/mcp`,
    close: async () => {
      clearInterval(sweeper);
      await sessions.closeAll();
      const closed = new Promise<void>((resolve) => httpServer.close(() => resolve()));
      httpServer.closeAllConnections();
      await closed;
    },
  };
}
