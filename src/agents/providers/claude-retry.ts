import { APIConnectionError, APIError, APIUserAbortError } from '@anthropic-ai/sdk';
import { DomainError } from '../../domain/errors.js';

/**
 * Retries for calls to the Messages API. The SDK's own retries are turned off (maxRetries 0): it
 * never retries streaming requests, it cannot tell us how many requests a call took (token usage
 * counts them), and its sleep cannot be shortened in tests. This loop retries rate limits (429),
 * overload (529 / overloaded_error, also when it arrives mid-stream), server errors (5xx), request
 * timeouts and dropped connections, with exponential backoff and jitter, honouring retry-after.
 */

export interface RetryPolicy {
  /** Retries after the first attempt. */
  retries: number;
  /** First backoff; doubles each retry (SDK default: 500 ms). */
  baseDelayMs: number;
  /** Backoff ceiling (SDK default: 8 s); a longer retry-after from the server is honoured up to maxRetryAfterMs. */
  maxDelayMs: number;
  /** Longest retry-after we wait for before giving up on the call (a minute: longer means the service is down). */
  maxRetryAfterMs: number;
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** In [0, 1): jitter. Injected so tests can pin it; it never affects metrics. */
  random: () => number;
}

export const defaultRetryPolicy = (): RetryPolicy => ({
  retries: 4,
  baseDelayMs: 500,
  maxDelayMs: 8_000,
  maxRetryAfterMs: 60_000,
  sleep: abortableSleep,
  random: Math.random,
});

export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(cancelled(signal.reason));
    const onAbort = () => {
      clearTimeout(timer);
      reject(cancelled(signal?.reason));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export function cancelled(reason?: unknown): DomainError {
  const why = typeof reason === 'string' ? reason : reason instanceof Error && reason.name !== 'AbortError' ? reason.message : '';
  return new DomainError('CANCELLED', why ? `The model call was cancelled: ${why}` : 'The model call was cancelled.');
}

const RETRYABLE_TYPES = new Set(['rate_limit_error', 'overloaded_error', 'api_error', 'timeout_error']);

export function isRetryable(err: unknown): boolean {
  if (err instanceof APIUserAbortError) return false;
  if (err instanceof APIConnectionError) return true;
  if (!(err instanceof APIError)) return false;
  const status = err.status;
  if (status === 408 || status === 429 || (status !== undefined && status >= 500)) return true;
  // Errors sent inside an SSE stream have no HTTP status, only the error type.
  return status === undefined && err.type !== null && RETRYABLE_TYPES.has(err.type);
}

/** Milliseconds the server asked us to wait (retry-after-ms, then retry-after seconds or date), if it did. */
export function retryAfterMs(err: unknown, now = Date.now()): number | undefined {
  if (!(err instanceof APIError) || !err.headers) return undefined;
  const ms = err.headers.get('retry-after-ms');
  if (ms !== null && ms.trim() !== '' && Number.isFinite(Number(ms))) return Math.max(0, Number(ms));
  const after = err.headers.get('retry-after');
  if (after === null || after.trim() === '') return undefined;
  if (Number.isFinite(Number(after))) return Math.max(0, Number(after) * 1000);
  const date = Date.parse(after);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Exponential backoff with jitter (between 75% and 100% of the step, as the SDK does). */
export function backoffMs(retry: number, policy: RetryPolicy): number {
  const step = Math.min(policy.baseDelayMs * 2 ** retry, policy.maxDelayMs);
  return Math.round(step * (1 - policy.random() * 0.25));
}

/** The error as a DomainError that says what to do next. */
export function modelServiceError(err: unknown, attempts: number): DomainError {
  if (err instanceof DomainError) return err;
  if (err instanceof APIUserAbortError) return cancelled();
  const status = err instanceof APIError ? err.status : undefined;
  const type = err instanceof APIError ? err.type : null;
  const detail = err instanceof APIError ? (err.apiMessage ?? err.message) : err instanceof Error ? err.message : String(err);
  const hint =
    status === 401 || status === 403
      ? 'Check ANTHROPIC_API_KEY (or use the offline designer).'
      : status === 404
        ? 'Check the model name in the research config.'
        : status === 400
          ? 'The request was refused; this is a bug in trainyard if it repeats.'
          : `Gave up after ${attempts} attempt${attempts > 1 ? 's' : ''}; try again later or use the offline designer.`;
  return new DomainError('MODEL_SERVICE_ERROR', `The model service failed (${status ?? type ?? 'connection'}): ${detail}. ${hint}`, {
    status: status ?? null,
    type,
    attempts,
  });
}

/**
 * Runs `attempt` until it succeeds, fails with an error that is not retryable, or the retries are
 * spent. `onAttempt` is told about every request made (token usage counts requests).
 */
export async function withRetries<T>(
  attempt: () => Promise<T>,
  policy: RetryPolicy,
  signal: AbortSignal | undefined,
  onAttempt: () => void,
): Promise<T> {
  for (let retry = 0; ; retry++) {
    if (signal?.aborted) throw cancelled(signal.reason);
    onAttempt();
    try {
      return await attempt();
    } catch (err) {
      if (signal?.aborted || err instanceof APIUserAbortError) throw cancelled(signal?.reason);
      if (!isRetryable(err) || retry >= policy.retries) throw modelServiceError(err, retry + 1);
      const asked = retryAfterMs(err);
      if (asked !== undefined && asked > policy.maxRetryAfterMs) throw modelServiceError(err, retry + 1);
      await policy.sleep(asked ?? backoffMs(retry, policy), signal);
    }
  }
}
