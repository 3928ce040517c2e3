import type http from 'node:http';
import type { Html } from '../report/html.js';

/**
 * Every dashboard answer: scripts, styles and connections from this server only (no inline script
 * or style), no framing, no referrer to other sites, nothing cached (the pages show live state and need a login).
 */
export const SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; " +
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  // same-origin, not no-referrer: with no-referrer a form POST says "Origin: null" and the CSRF check refuses it.
  'referrer-policy': 'same-origin',
  'cache-control': 'no-store',
};

export function sendHtml(res: http.ServerResponse, status: number, page: Html, headers: Record<string, string> = {}): void {
  res.writeHead(status, Object.assign({ 'content-type': 'text/html; charset=utf-8' }, SECURITY_HEADERS, headers)).end(page.value);
}

/** 303 See Other: after a form POST the browser follows with a GET. */
export function redirect(res: http.ServerResponse, location: string, headers: Record<string, string> = {}): void {
  res.writeHead(303, Object.assign({ location }, SECURITY_HEADERS, headers)).end();
}
