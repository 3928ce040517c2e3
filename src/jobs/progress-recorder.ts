import type { PipelineProgress } from '../pipeline/result.js';
import type { OperationStore } from '../registry/operations.js';
import type { Logger } from 'pino';
import { guardTimerWrite } from '../registry/busy-retry.js';

const METRIC_KEYS = ['epoch', 'epochs', 'batch', 'batches', 'loss', 'val_loss', 'val_accuracy'] as const;

/**
 * Writes a running job's progress to its operation row: a phase change at once (with the phase's
 * start time kept for the run files), anything else at most once per `throttleMs`, and the latest
 * pending update always before the job ends (`flush`). The row's metrics keep the latest value of
 * each training metric, so the last epoch's loss survives the phases that follow training.
 */
export function createProgressRecorder(
  operations: OperationStore,
  id: string,
  clock: () => Date,
  throttleMs: number,
  logger?: Pick<Logger, 'warn'>,
) {
  let phase: string | null = null;
  const phases: Record<string, string> = {};
  const latest: Record<string, unknown> = {};
  let lastWrite = Number.NEGATIVE_INFINITY;
  let pending: PipelineProgress | undefined;
  let timer: NodeJS.Timeout | undefined;

  const metrics = () => ({ ...latest, phases: { ...phases } });
  const write = (p: PipelineProgress) => {
    pending = undefined;
    lastWrite = performance.now();
    operations.update(id, { phase: p.phase, progress_pct: p.progress_pct, message: p.message, metrics: metrics() });
  };
  // Called from the worker's message events and the throttle timer: a failed write (the registry
  // busy past its timeout) is retried with backoff and logged, never thrown into the event loop.
  const tryWrite = (p: PipelineProgress) => {
    try {
      write(p);
    } catch {
      pending = p;
      void guardTimerWrite(logger, 'progress write', () => {
        if (pending) write(pending);
      });
    }
  };
  const cancelTimer = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
  };

  return {
    record(p: PipelineProgress): void {
      // Merged at once, so an epoch end's val_loss survives a later mid-epoch update in the same window.
      for (const k of METRIC_KEYS) if (p[k] !== undefined) latest[k] = p[k];
      if (p.phase !== phase) {
        phase = p.phase;
        phases[p.phase] = clock().toISOString();
        cancelTimer();
        tryWrite(p);
        return;
      }
      pending = p;
      const wait = throttleMs - (performance.now() - lastWrite);
      if (wait <= 0) {
        cancelTimer();
        tryWrite(p);
      } else {
        timer ??= setTimeout(() => {
          timer = undefined;
          if (pending) tryWrite(pending);
        }, wait);
      }
    },
    /** Latest training metrics plus phase start times, as the row holds them. */
    metrics,
    /** Writes the update held back by the throttle, if any; call before the job's row ends. */
    flush(): void {
      cancelTimer();
      if (pending) write(pending);
    },
  };
}

export type ProgressRecorder = ReturnType<typeof createProgressRecorder>;
