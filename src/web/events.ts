import type http from 'node:http';
import type { Services } from '../services/index.js';
import { operationView, progressView, type OperationView } from './operation-view.js';
import { SECURITY_HEADERS } from './respond.js';

/** Progress per operation at most 4 times a second (a browser needs no more; the worker can post per batch). */
const PROGRESS_MS = 250;
/** A comment line this often keeps proxies from closing an idle stream. */
const KEEPALIVE_MS = 15_000;

/**
 * GET /events: server-sent events from the job runner's events (the ones start_training with
 * wait_seconds follows). `status` when an operation is queued, starts or ends; `progress` while it
 * runs, throttled per operation. Read-only: the stream only reports.
 */
export function streamEvents(services: Services, req: http.IncomingMessage, res: http.ServerResponse): void {
  res.writeHead(200, Object.assign({}, SECURITY_HEADERS, { 'content-type': 'text/event-stream; charset=utf-8', connection: 'keep-alive' }));
  res.write('retry: 2000\n\n');
  const send = (event: string, view: OperationView) => res.write(`event: ${event}\ndata: ${JSON.stringify(view)}\n\n`);
  const pending = new Map<string, OperationView>();
  let timer: NodeJS.Timeout | undefined;
  const flush = () => {
    timer = undefined;
    for (const v of pending.values()) send('progress', v);
    pending.clear();
  };
  const unsubscribe = services.jobs.on((e) => {
    if (e.type === 'progress') {
      pending.set(e.operation_id, progressView(e.operation_id, e.progress));
      timer ??= setTimeout(flush, PROGRESS_MS);
    } else {
      // A status change supersedes queued progress: an ended job must not show a stale percentage after it.
      pending.delete(e.operation.id);
      send('status', operationView(e.operation));
    }
  });
  const keepalive = setInterval(() => res.write(': keepalive\n\n'), KEEPALIVE_MS);
  const stop = () => {
    unsubscribe();
    clearInterval(keepalive);
    clearTimeout(timer);
  };
  req.on('close', stop);
  res.on('close', stop);
}
