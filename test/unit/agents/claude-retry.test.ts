import { APIConnectionError, APIError, APIUserAbortError } from '@anthropic-ai/sdk';
import { describe, expect, it } from 'vitest';
import {
  abortableSleep,
  backoffMs,
  defaultRetryPolicy,
  isRetryable,
  retryAfterMs,
  withRetries,
} from '../../../src/agents/providers/claude-retry.js';
import { DomainError } from '../../../src/domain/errors.js';

const httpError = (status: number, type: string, headers: Record<string, string> = {}) =>
  APIError.generate(status, { type: 'error', error: { type, message: type } }, undefined, new Headers(headers));

describe('Claude retry policy', () => {
  it('retries rate limits, overload, server errors and dropped connections, nothing else', () => {
    expect(isRetryable(httpError(429, 'rate_limit_error'))).toBe(true);
    expect(isRetryable(httpError(529, 'overloaded_error'))).toBe(true);
    expect(isRetryable(httpError(500, 'api_error'))).toBe(true);
    expect(isRetryable(httpError(408, 'timeout_error'))).toBe(true);
    expect(isRetryable(new APIConnectionError({ message: 'reset' }))).toBe(true);
    // An error event inside a stream has a type but no status.
    expect(
      isRetryable(
        new APIError(undefined, { type: 'error', error: { type: 'overloaded_error' } }, undefined, undefined, 'overloaded_error'),
      ),
    ).toBe(true);
    expect(isRetryable(httpError(400, 'invalid_request_error'))).toBe(false);
    expect(isRetryable(httpError(401, 'authentication_error'))).toBe(false);
    expect(isRetryable(new APIUserAbortError())).toBe(false);
    expect(isRetryable(new Error('bug'))).toBe(false);
  });

  it('reads retry-after-ms, retry-after seconds and retry-after dates', () => {
    expect(retryAfterMs(httpError(429, 'x', { 'retry-after-ms': '250' }))).toBe(250);
    expect(retryAfterMs(httpError(429, 'x', { 'retry-after': '2' }))).toBe(2000);
    expect(retryAfterMs(httpError(429, 'x', { 'retry-after': '0' }))).toBe(0);
    const now = Date.parse('2025-01-01T00:00:00Z');
    expect(retryAfterMs(httpError(429, 'x', { 'retry-after': 'Wed, 01 Jan 2025 00:00:03 GMT' }), now)).toBe(3000);
    expect(retryAfterMs(httpError(429, 'x'))).toBeUndefined();
    expect(retryAfterMs(httpError(429, 'x', { 'retry-after': 'soon' }))).toBeUndefined();
  });

  it('backs off exponentially up to the ceiling, with at most 25% jitter', () => {
    const p = { ...defaultRetryPolicy(), random: () => 0 };
    expect([0, 1, 2, 3, 4, 5].map((r) => backoffMs(r, p))).toEqual([500, 1000, 2000, 4000, 8000, 8000]);
    expect(backoffMs(0, { ...p, random: () => 0.999 })).toBe(375);
  });

  it('counts every attempt, honours retry-after and stops at the retry budget', async () => {
    const sleeps: number[] = [];
    let attempts = 0;
    const policy = { ...defaultRetryPolicy(), retries: 2, random: () => 0, sleep: async (ms: number) => void sleeps.push(ms) };
    const err = await withRetries(
      async () => {
        throw attempts === 1 ? httpError(429, 'rate_limit_error', { 'retry-after': '1' }) : httpError(503, 'api_error');
      },
      policy,
      undefined,
      () => void attempts++,
    ).catch((e: unknown) => e);
    expect(attempts).toBe(3);
    expect(sleeps).toEqual([1000, 1000]);
    expect(err).toBeInstanceOf(DomainError);
    expect((err as DomainError).code).toBe('MODEL_SERVICE_ERROR');
    expect((err as DomainError).message).toContain('Gave up after 3 attempts');
  });

  it('does not wait out a retry-after longer than the policy allows', async () => {
    const sleeps: number[] = [];
    const policy = { ...defaultRetryPolicy(), sleep: async (ms: number) => void sleeps.push(ms) };
    const err = await withRetries(
      async () => {
        throw httpError(429, 'rate_limit_error', { 'retry-after': '3600' });
      },
      policy,
      undefined,
      () => {},
    ).catch((e: unknown) => e);
    expect((err as DomainError).code).toBe('MODEL_SERVICE_ERROR');
    expect(sleeps).toEqual([]);
  });

  it('sleeps abortably', async () => {
    const ac = new AbortController();
    const t0 = Date.now();
    const p = abortableSleep(10_000, ac.signal).catch((e: unknown) => e);
    ac.abort();
    expect(((await p) as DomainError).code).toBe('CANCELLED');
    expect(Date.now() - t0).toBeLessThan(1000);
    await expect(abortableSleep(1)).resolves.toBeUndefined();
  });
});
