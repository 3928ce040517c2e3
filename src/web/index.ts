import fs from 'node:fs';
import type http from 'node:http';
import path from 'node:path';
import { packageRoot } from '../config/paths.js';
import { DomainError } from '../domain/errors.js';
import { html, type Html } from '../report/html.js';
import { REPORT_CSS } from '../report/style.js';
import type { Services } from '../services/index.js';
import { createDashboardAuth } from './auth.js';
import { streamEvents } from './events.js';
import { page } from './layout.js';
import { loginPage } from './pages/login.js';
import { modelCardPage } from './pages/model-card.js';
import { modelsPage } from './pages/models.js';
import { driftPage, performancePage } from './pages/monitoring.js';
import { operationsPage } from './pages/operations.js';
import { researchPage } from './pages/research.js';
import { redirect, SECURITY_HEADERS, sendHtml } from './respond.js';

export interface DashboardOptions {
  /** The server's bearer token; without one (loopback only) the dashboard is open, like /mcp. */
  token?: string | undefined;
  /** http.ts's Origin check: a form POST must come from a page of this server. */
  originAllowed: (origin: string) => boolean;
}

const ASSETS: Record<string, string> = {
  '/assets/dashboard.js': 'text/javascript; charset=utf-8',
  '/assets/dashboard.css': 'text/css; charset=utf-8',
  '/assets/favicon.svg': 'image/svg+xml',
};
/** The login form's body: one token. */
const LOGIN_BODY_BYTES = 4096;

type Page = { title: string; body: Html };
const PAGES: Record<string, (s: Services, q: URLSearchParams) => Page> = {
  '/': (s, q) => ({ title: 'Models', body: modelsPage(s, q) }),
  '/operations': (s) => ({ title: 'Operations', body: operationsPage(s) }),
  '/drift': (s) => ({ title: 'Drift', body: driftPage(s) }),
  '/performance': (s) => ({ title: 'Performance', body: performancePage(s) }),
  '/research': (s, q) => ({ title: 'Research journal', body: researchPage(s, q) }),
};

function readForm(req: http.IncomingMessage): Promise<URLSearchParams | null> {
  return new Promise((resolve, reject) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => {
      body += c;
      if (body.length > LOGIN_BODY_BYTES) {
        req.removeAllListeners('data');
        req.resume();
        resolve(null);
      }
    });
    req.on('end', () => resolve(new URLSearchParams(body)));
    req.on('error', reject);
  });
}

/**
 * The read-only web dashboard (served by http.ts beside /mcp, loaded on the first request for it):
 * server-rendered pages over the same services the tools call, one small script for the live
 * operations feed, a login form that turns the token into a session cookie.
 */
export function createDashboard(services: Services, opts: DashboardOptions) {
  const auth = createDashboardAuth(opts.token);
  const assetDir = path.join(packageRoot(), 'assets', 'dashboard');
  const assets = new Map<string, Buffer>();
  const nav = (title: string, active: string | undefined, body: Html) => page({ title, active, body, loggedIn: auth.required });
  const notFound = (res: http.ServerResponse, message: string) =>
    sendHtml(
      res,
      404,
      nav(
        'Not found',
        '',
        html`<p>${message}</p>
          <p><a href="/">All models</a></p>`,
      ),
    );

  async function handle(req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<void> {
    const method = req.method ?? 'GET';
    const file = ASSETS[url.pathname];
    if (file && (method === 'GET' || method === 'HEAD')) {
      let body = assets.get(url.pathname);
      if (!body) {
        body = fs.readFileSync(path.join(assetDir, path.basename(url.pathname)));
        // The report's stylesheet first: model cards look the same here and in `trainyard report`.
        if (url.pathname.endsWith('.css')) body = Buffer.concat([Buffer.from(REPORT_CSS), body]);
        assets.set(url.pathname, body);
      }
      res.writeHead(200, Object.assign({}, SECURITY_HEADERS, { 'content-type': file })).end(method === 'HEAD' ? undefined : body);
      return;
    }
    if (url.pathname === '/login' || url.pathname === '/logout') return session(req, res, url.pathname, method);
    if (!auth.allows(req)) {
      if (url.pathname === '/events') return void res.writeHead(401, SECURITY_HEADERS).end();
      return redirect(res, '/login');
    }
    if (method !== 'GET' && method !== 'HEAD') {
      return sendHtml(res, 405, nav('Read-only', '', html`<p>The dashboard only shows; change things through MCP tools or the CLI.</p>`), {
        allow: 'GET',
      });
    }
    if (url.pathname === '/events')
      return method === 'GET' ? streamEvents(services, req, res) : void res.writeHead(200, SECURITY_HEADERS).end();
    const render = PAGES[url.pathname];
    if (render) {
      const p = render(services, url.searchParams);
      return sendHtml(res, 200, nav(p.title, url.pathname, p.body));
    }
    const model = /^\/models\/([^/]+)$/.exec(url.pathname);
    if (model) {
      let id = model[1]!;
      try {
        id = decodeURIComponent(id);
        return sendHtml(res, 200, nav(id, '/', await modelCardPage(services, id)));
      } catch (err) {
        if (err instanceof URIError) return notFound(res, `No model ${id}.`);
        if (err instanceof DomainError && (err.code === 'MODEL_NOT_FOUND' || err.code === 'INVALID_ARGUMENT'))
          return notFound(res, err.message);
        throw err;
      }
    }
    return notFound(res, `No page ${url.pathname}.`);
  }

  async function session(req: http.IncomingMessage, res: http.ServerResponse, pathname: string, method: string): Promise<void> {
    if (method === 'GET' && pathname === '/login') {
      if (!auth.required || auth.allows(req)) return redirect(res, '/');
      return sendHtml(res, 200, page({ title: 'Log in', body: loginPage() }));
    }
    if (method !== 'POST') return sendHtml(res, 405, page({ title: 'Log in', body: loginPage() }), { allow: 'GET, POST' });
    // Cross-site request forgery: a form POST must name a page of this server as its origin.
    const origin = req.headers.origin;
    if (!origin || !opts.originAllowed(origin)) {
      req.resume();
      return sendHtml(res, 403, page({ title: 'Refused', body: html`<p>This form must be sent from the dashboard's own page.</p>` }));
    }
    if (pathname === '/logout') {
      req.resume();
      return redirect(res, '/login', { 'set-cookie': auth.logout(req) });
    }
    if (!auth.required) return redirect(res, '/');
    const form = await readForm(req);
    const cookie = form ? auth.login(form.get('token') ?? '') : null;
    if (!cookie) return sendHtml(res, 401, page({ title: 'Log in', body: loginPage('Wrong token.') }));
    return redirect(res, '/', { 'set-cookie': cookie });
  }

  return { handle };
}

export type Dashboard = ReturnType<typeof createDashboard>;
