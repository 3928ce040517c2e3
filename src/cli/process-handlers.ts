import type { Logger } from 'pino';

/**
 * Process-level fault handlers for the long-running commands (`serve`, `watch`): a promise
 * rejection nobody awaited, or an exception thrown from a callback, is logged with pino (stderr)
 * and the process keeps serving, instead of Node ending it and every client's session with it.
 * Timer paths catch their own errors (registry/busy-retry.ts); this is the net under whatever
 * still escapes. Returns the function that removes the handlers.
 */
export function installProcessHandlers(proc: Pick<NodeJS.Process, 'on' | 'off'>, logger: Pick<Logger, 'error'>, what: string): () => void {
  const onRejection = (reason: unknown) => {
    logger.error({ err: reason }, `unhandled promise rejection; ${what} keeps running`);
  };
  const onException = (err: Error, origin: string) => {
    logger.error({ err, origin }, `uncaught exception; ${what} keeps running`);
  };
  proc.on('unhandledRejection', onRejection);
  proc.on('uncaughtException', onException);
  return () => {
    proc.off('unhandledRejection', onRejection);
    proc.off('uncaughtException', onException);
  };
}
