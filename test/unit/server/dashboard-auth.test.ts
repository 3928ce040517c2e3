import type http from 'node:http';
import { describe, expect, it } from 'vitest';
import { createDashboardAuth } from '../../../src/web/auth.js';
import { secretMatches } from '../../../src/server/secret.js';

const request = (headers: http.IncomingHttpHeaders) => ({ headers }) as http.IncomingMessage;
const cookieOf = (setCookie: string) => setCookie.split(';')[0]!;

describe('dashboard sessions', () => {
  it('secretMatches compares whole secrets of any length', () => {
    expect(secretMatches('abc', 'abc')).toBe(true);
    expect(secretMatches('abc', 'abcd')).toBe(false);
    expect(secretMatches('', 'abc')).toBe(false);
  });

  it('a login gives a random session id, never the token, that expires after 12 hours', () => {
    let now = 0;
    const auth = createDashboardAuth('tok', () => now);
    expect(auth.login('wrong')).toBeNull();
    const a = auth.login('tok')!;
    const b = auth.login('tok')!;
    expect(a).not.toBe(b);
    expect(a).not.toContain('tok;');
    expect(auth.allows(request({ cookie: `other=1; ${cookieOf(a)}` }))).toBe(true);
    expect(auth.allows(request({}))).toBe(false);
    expect(auth.allows(request({ authorization: 'Bearer tok' }))).toBe(true);
    now = 12 * 3600_000 + 1;
    expect(auth.allows(request({ cookie: cookieOf(a) }))).toBe(false);
  });

  it('keeps at most 256 sessions, dropping the oldest', () => {
    const auth = createDashboardAuth('tok');
    const first = auth.login('tok')!;
    for (let i = 0; i < 256; i++) auth.login('tok');
    expect(auth.allows(request({ cookie: cookieOf(first) }))).toBe(false);
  });

  it('without a token everything is let in and login is not needed', () => {
    const auth = createDashboardAuth(undefined);
    expect(auth.required).toBe(false);
    expect(auth.allows(request({}))).toBe(true);
    expect(auth.login('anything')).toBeNull();
  });
});
