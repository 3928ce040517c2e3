import type { Operation } from '../domain/operation.js';
import type { Services } from '../services/index.js';
import type { ToolContext } from './define-tool.js';

// Progress notifications: at most 4 a second, and at least one every 8 s so clients that reset
// their request timeout on progress never time out while a long epoch runs.
const MIN_INTERVAL_MS = 250;
const HEARTBEAT_MS = 8000;

/**
 * Waits up to `seconds` for an operation to end, forwarding its progress (monotonic, out of 100)
 * to the client. Ends early, without cancelling the job, when the client cancels the request.
 */
export async function waitForOperation(services: Services, id: string, seconds: number, ctx: ToolContext): Promise<Operation> {
  let last = 0;
  let lastSent = 0;
  let lastMessage = 'queued';
  const send = (pct: number, message: string) => {
    last = Math.max(last, Math.min(100, pct));
    lastMessage = message;
    lastSent = Date.now();
    ctx.progress(last, message);
  };
  send(0, 'queued');
  const off = services.jobs.subscribe(id, (e) => {
    if (e.type !== 'progress') return;
    const p = e.progress;
    const epochEnd = p.val_accuracy !== undefined;
    if (!epochEnd && Date.now() - lastSent < MIN_INTERVAL_MS) return;
    // Walk-forward progress names its window in the message; keep it.
    const message =
      p.phase === 'model_training' && p.epoch !== undefined && !p.message.startsWith('window')
        ? `epoch ${p.epoch}/${p.epochs} · loss ${p.loss?.toFixed(3)}${p.val_accuracy !== undefined ? ` · val_acc ${p.val_accuracy.toFixed(2)}` : ''}`
        : `${p.phase}: ${p.message}`;
    send(p.progress_pct, message);
  });
  const heartbeat = setInterval(() => {
    if (Date.now() - lastSent >= HEARTBEAT_MS) send(last, lastMessage);
  }, 1000);
  try {
    return await services.jobs.waitFor(id, { timeoutMs: Math.min(seconds, ctx.maxWaitSeconds) * 1000, signal: ctx.signal });
  } finally {
    clearInterval(heartbeat);
    off();
  }
}
