import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Constant-time comparison of a secret someone sent with the configured one. Both sides are hashed
 * first, so neither the content nor the length of the token leaks through timing.
 */
export function secretMatches(given: string, want: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(want).digest();
  return timingSafeEqual(a, b);
}

/** The token of an `Authorization: Bearer <token>` header ('' when absent). */
export const bearerToken = (header: string | undefined): string => /^Bearer (.+)$/i.exec(header ?? '')?.[1] ?? '';
