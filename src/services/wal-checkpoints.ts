import fs from 'node:fs';
import type { Logger } from 'pino';
import type { TaskRunner } from '../jobs/tasks/task-runner.js';
import type { CheckpointResult } from '../registry/db.js';

/** SQLite's own automatic checkpoint threshold: 1,000 pages of 4 KiB. */
export const WAL_CHECKPOINT_BYTES = 1000 * 4096;
export const WAL_CHECK_INTERVAL_MS = 30_000;

/**
 * Checkpoints the registry's WAL in the task worker when it has grown past SQLite's usual
 * threshold, for a main connection opened with `autoCheckpoint: false` (a checkpoint fsyncs: a
 * stall on the main thread). Ingests checkpoint at their end themselves; this catches the main
 * thread's own small writes over a long-lived server. The check is one async stat.
 */
export function startWalCheckpoints(o: {
  file: string;
  tasks: TaskRunner;
  logger: Pick<Logger, 'warn' | 'debug'>;
  intervalMs?: number;
  thresholdBytes?: number;
}) {
  let running: Promise<CheckpointResult | null> | undefined;
  const check = (): Promise<CheckpointResult | null> =>
    (running ??= (async () => {
      try {
        const size = await fs.promises.stat(`${o.file}-wal`).then(
          (s) => s.size,
          () => 0,
        );
        if (size < (o.thresholdBytes ?? WAL_CHECKPOINT_BYTES)) return null;
        const r = await o.tasks.run({ kind: 'checkpoint', store_file: o.file });
        o.logger.debug({ wal_bytes: size, ...r }, 'WAL checkpoint');
        return r;
      } catch (err) {
        o.logger.warn({ err }, 'WAL checkpoint failed (retried at the next check)');
        return null;
      } finally {
        running = undefined;
      }
    })());
  const timer = setInterval(() => void check(), o.intervalMs ?? WAL_CHECK_INTERVAL_MS);
  timer.unref();
  return {
    /** Checks now; the checkpoint's result, or null when the WAL was small or it failed (logged). */
    check,
    async stop(): Promise<void> {
      clearInterval(timer);
      await running;
    },
  };
}
