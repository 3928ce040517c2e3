import type { Logger } from 'pino';

/**
 * SQLite busy errors: another connection (a CLI beside the server, a second server) held the write
 * lock past the 5 s busy timeout. Worth retrying later; anything else is not.
 */
export function isBusyError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'));
}

export interface BusyRetryOptions {
  /** Tries in all (default 4). */
  attempts?: number;
  /** First wait; doubled after each busy try (default 100 ms: 100, 200, 400 after the 5 s busy timeouts). */
  baseDelayMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

const defaultSleep = (ms: number) =>
  new Promise<void>((resolve) => {
    setTimeout(resolve, ms).unref?.();
  });

/** Runs `fn`, retrying busy errors with bounded exponential backoff; other errors and the last busy one are thrown. */
export async function retryBusy<T>(fn: () => T | Promise<T>, o: BusyRetryOptions = {}): Promise<T> {
  const attempts = o.attempts ?? 4;
  const sleep = o.sleep ?? defaultSleep;
  let delay = o.baseDelayMs ?? 100;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (!isBusyError(err) || attempt >= attempts) throw err;
      await sleep(delay);
      delay *= 2;
    }
  }
}

/**
 * For timer and event callbacks (heartbeats, progress throttles, mirrors, scheduler ticks) that
 * write the registry: busy errors retried as in retryBusy, any failure logged and swallowed, so a
 * timer never throws into the event loop (an uncaught exception would end the process).
 */
export function guardTimerWrite(
  logger: Pick<Logger, 'warn'> | undefined,
  what: string,
  fn: () => unknown,
  o?: BusyRetryOptions,
): Promise<void> {
  return retryBusy(fn, o).then(
    () => undefined,
    (err: unknown) => {
      logger?.warn({ err, busy: isBusyError(err) }, `${what} failed`);
    },
  );
}
