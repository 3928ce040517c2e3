import { randomBytes } from 'node:crypto';
import type http from 'node:http';
import { bearerToken, secretMatches } from '../server/secret.js';

export const SESSION_COOKIE = 'trainyard_session';
/** A browser login lasts a working day; the server forgets every session when it restarts. */
const SESSION_MS = 12 * 60 * 60_000;
/** Sessions kept at once; the oldest goes first (a login loop must not grow memory without bound). */
const MAX_SESSIONS = 256;

function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/**
 * Browser sessions of the dashboard. The cookie holds a random id (32 bytes) that only this
 * server's memory maps to a login, never the token. Without a configured token (loopback only,
 * like /mcp) every request is let in.
 */
export function createDashboardAuth(token: string | undefined, clock: () => number = Date.now) {
  const sessions = new Map<string, number>();

  return {
    required: Boolean(token),

    /** Whether the request may see the dashboard: a live session cookie, or the bearer token itself. */
    allows(req: http.IncomingMessage): boolean {
      if (!token) return true;
      const bearer = bearerToken(req.headers.authorization);
      if (bearer) return secretMatches(bearer, token);
      const id = cookieValue(req.headers.cookie, SESSION_COOKIE);
      const expires = id ? sessions.get(id) : undefined;
      if (expires === undefined) return false;
      if (expires < clock()) {
        sessions.delete(id!);
        return false;
      }
      return true;
    },

    /** Checks the token from the login form; on a match, a new session and its Set-Cookie value. */
    login(given: string): string | null {
      if (!token || !secretMatches(given, token)) return null;
      if (sessions.size >= MAX_SESSIONS) sessions.delete(sessions.keys().next().value!);
      const id = randomBytes(32).toString('base64url');
      sessions.set(id, clock() + SESSION_MS);
      return `${SESSION_COOKIE}=${id}; HttpOnly; SameSite=Strict; Path=/; Max-Age=${SESSION_MS / 1000}`;
    },

    /** Forgets the request's session; the Set-Cookie value that clears it in the browser. */
    logout(req: http.IncomingMessage): string {
      const id = cookieValue(req.headers.cookie, SESSION_COOKIE);
      if (id) sessions.delete(id);
      return `${SESSION_COOKIE}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0`;
    },
  };
}

export type DashboardAuth = ReturnType<typeof createDashboardAuth>;
