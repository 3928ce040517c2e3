import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHttpServer } from '../../src/server/http.js';
import type { Services } from '../../src/services/index.js';
import { tempServices } from '../helpers/services.js';

const TOKEN = 'access-test-token-1b9c';
const HOSTILE = '<script>alert(1)</script>';

/** The dashboard's protection over plain HTTP: login, session cookie, Origin, escaping, read-only. */
describe('web dashboard access', () => {
  let services: Services;
  let server: Awaited<ReturnType<typeof startHttpServer>>;
  let base: string;
  let origin: string;

  beforeAll(async () => {
    ({ services } = tempServices());
    server = await startHttpServer(services, { host: '127.0.0.1', port: 0, token: TOKEN });
    base = server.url.replace(/\/mcp$/, '');
    origin = base;
  });
  afterAll(async () => {
    await server.close();
    await services.close();
  });

  const page = (path: string, headers: Record<string, string> = {}) =>
    fetch(`${base}${path}`, { headers: Object.assign({ accept: 'text/html' }, headers), redirect: 'manual' });
  const login = (token: string, headers: Record<string, string> = { origin }) =>
    fetch(`${base}/login`, {
      method: 'POST',
      headers: Object.assign({ 'content-type': 'application/x-www-form-urlencoded' }, headers),
      body: new URLSearchParams({ token }).toString(),
      redirect: 'manual',
    });
  const sessionCookie = async () => {
    const res = await login(TOKEN);
    expect(res.status).toBe(303);
    return res.headers.get('set-cookie')!.split(';')[0]!;
  };

  it('sends a browser without a session to the login form; events and pages refuse it', async () => {
    for (const path of ['/', '/operations', '/models/x@1', '/drift', '/research']) {
      const res = await page(path);
      expect(res.status, path).toBe(303);
      expect(res.headers.get('location')).toBe('/login');
    }
    expect((await page('/events')).status).toBe(401);
    expect((await page('/', { cookie: 'trainyard_session=forged' })).status).toBe(303);
    const form = await page('/login');
    expect(form.status).toBe(200);
    expect(form.headers.get('content-security-policy')).toMatch(/default-src 'self'; script-src 'self'/);
    const html = await form.text();
    expect(html).toContain('<form method="post" action="/login"');
    expect(html).not.toMatch(/<script>|<style>| on[a-z]+=/); // no inline script or style: the CSP allows none
  });

  it('a wrong token, a foreign Origin or no Origin on the login POST get no session', async () => {
    const wrong = await login('not-it');
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('set-cookie')).toBeNull();
    expect(await wrong.text()).toContain('Wrong token');
    const foreign = await login(TOKEN, { origin: 'http://evil.example' });
    expect(foreign.status).toBe(403);
    expect(foreign.headers.get('set-cookie')).toBeNull();
    const none = await login(TOKEN, {});
    expect(none.status).toBe(403);
    expect(none.headers.get('set-cookie')).toBeNull();
  });

  it('the right token gives an HttpOnly SameSite=Strict cookie that is not the token; logout ends it', async () => {
    const res = await login(TOKEN);
    expect(res.headers.get('location')).toBe('/');
    const setCookie = res.headers.get('set-cookie')!;
    expect(setCookie).toMatch(/^trainyard_session=[A-Za-z0-9_-]{43}; HttpOnly; SameSite=Strict; Path=\//);
    expect(setCookie).not.toContain(TOKEN);
    const cookie = setCookie.split(';')[0]!;
    expect((await page('/', { cookie })).status).toBe(200);
    // The bearer token works too (curl), the same check as /mcp.
    expect((await page('/drift', { authorization: `Bearer ${TOKEN}` })).status).toBe(200);
    expect((await page('/drift', { authorization: 'Bearer nope' })).status).toBe(303);
    const out = await fetch(`${base}/logout`, { method: 'POST', headers: { origin, cookie }, redirect: 'manual' });
    expect(out.status).toBe(303);
    expect(out.headers.get('set-cookie')).toMatch(/Max-Age=0/);
    expect((await page('/', { cookie })).status).toBe(303);
  });

  it('escapes every stored string and changes nothing', async () => {
    const cookie = await sessionCookie();
    // Strings a client can store: an operation's parameters and message, a research program, its hypothesis.
    const op = services.registry.operations.create({ type: 'research', params: { goal: HOSTILE, program: HOSTILE } });
    services.registry.operations.update(op.id, { status: 'failed', message: HOSTILE });
    const cycle = services.registry.research.create({ program: HOSTILE, run_id: op.id, seed: 1, designer: HOSTILE });
    services.registry.research.update(cycle.cycle_id, { hypothesis: HOSTILE, strategy_name: HOSTILE, state: 'failed', error: HOSTILE });
    for (const path of ['/operations', '/research', `/research?program=${encodeURIComponent(HOSTILE)}`]) {
      const html = await (await page(path, { cookie })).text();
      expect(html, path).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
      expect(html, path).not.toContain(HOSTILE);
    }
    const missing = await page(`/models/${encodeURIComponent(HOSTILE)}`, { cookie });
    expect(missing.status).toBe(404);
    expect(await missing.text()).not.toContain(HOSTILE);
    expect((await page('/models/%E0%A4%A', { cookie })).status).toBe(404);
    // Read-only: no page takes a POST.
    const post = await fetch(`${base}/operations`, { method: 'POST', headers: { cookie, origin }, redirect: 'manual' });
    expect(post.status).toBe(405);
  });

  it('keeps the JSON health answer for anything but a browser, and at /health', async () => {
    for (const [path, accept] of [
      ['/', '*/*'],
      ['/', 'application/json'],
      ['/health', 'text/html'],
    ] as const) {
      const res = await fetch(`${base}${path}`, { headers: { accept } });
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ status: 'ok', name: 'trainyard' });
    }
    expect((await fetch(`${base}/assets/dashboard.js`)).headers.get('content-type')).toMatch(/text\/javascript/);
  });
});

describe('web dashboard without a token (loopback, like /mcp)', () => {
  it('opens without a login', async () => {
    const { services } = tempServices();
    const server = await startHttpServer(services, { host: '127.0.0.1', port: 0 });
    try {
      const base = server.url.replace(/\/mcp$/, '');
      const res = await fetch(`${base}/operations`, { headers: { accept: 'text/html' }, redirect: 'manual' });
      expect(res.status).toBe(200);
      expect((await fetch(`${base}/login`, { redirect: 'manual' })).headers.get('location')).toBe('/');
    } finally {
      await server.close();
      await services.close();
    }
  });
});
