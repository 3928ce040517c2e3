import type { PipelineProgress } from '../pipeline/result.js';
import type { OperationStore } from '../registry/operations.js';

/**
 * Writes a running job's progress to its operation row: a phase change at once (with the phase's
 * start time kept for the run files), anything else at most once per `throttleMs`, and the latest
 * pending update always before the job ends (`flush`).
 */
export function createProgressRecorder(operations: OperationStore, id: string, clock: () => Date, throttleMs: number) {
  let phase: string | null = null;
  const phases: Record<string, string> = {};
  let lastWrite = 0;
  let pending: PipelineProgress | undefined;
  let timer: NodeJS.Timeout | undefined;

  const write = (p: PipelineProgress) => {
    pending = undefined;
    lastWrite = Date.now();
    const metrics: Record<string, unknown> = { phases: { ...phases } };
    for (const k of ['epoch', 'epochs', 'batch', 'batches', 'loss', 'val_loss', 'val_accuracy'] as const)
      if (p[k] !== undefined) metrics[k] = p[k];
    operations.update(id, { phase: p.phase, progress_pct: p.progress_pct, message: p.message, metrics });
  };

  return {
    record(p: PipelineProgress): void {
      if (p.phase !== phase) {
        phase = p.phase;
        phases[p.phase] = clock().toISOString();
        if (timer) clearTimeout(timer);
        timer = undefined;
        write(p);
        return;
      }
      pending = p;
      const wait = throttleMs - (Date.now() - lastWrite);
      if (wait <= 0) {
        write(p);
      } else {
        timer ??= setTimeout(() => {
          timer = undefined;
          if (pending) write(pending);
        }, wait);
      }
    },
    /** Phase start times so far (the deployment decision is stamped by the caller). */
    phases: () => ({ ...phases }),
    flush(): void {
      if (timer) clearTimeout(timer);
      timer = undefined;
      if (pending) write(pending);
    },
  };
}
