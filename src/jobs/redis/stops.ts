import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { QueueConfig } from '../../config/schema.js';
import type { OperationUpdate } from '../../registry/types.js';
import { cancelledRow, failedRow, timeLimitMessage } from '../outcome.js';
import type { JobRunnerOptions } from '../types.js';
import { CANCEL_TTL_S, cancelChannel, cancelKey } from './connection.js';

/** What the coordinator knows of a remote job's stop: a cancel, an expired wall-time limit, the grace timer. */
export interface StopState {
  cancelReason?: string;
  /** The wall-time limit's timer (from the row's start), and why the job was stopped once it expired. */
  timeLimit?: { timer: NodeJS.Timeout; expired?: string };
  /** Ends the row when a worker does not confirm a stop in time: it may be dead. */
  graceTimer?: NodeJS.Timeout;
}

export interface RemoteStopsOptions {
  commands: Redis;
  queue: QueueConfig;
  logger: Logger;
  clock: () => Date;
  timeLimit: JobRunnerOptions['timeLimit'];
  graceMs: number;
  /** The row's start (ISO), from which the wall-time limit counts. */
  startedAt: (id: string) => string | null;
  /** False once the job's row has ended or its result is being registered (a timer then does nothing). */
  live: (id: string, s: StopState) => boolean;
  /** Ends the job's row. */
  end: (id: string, patch: OperationUpdate) => void;
}

/**
 * Stopping a remote job, which BullMQ cannot do for an active one: a cancel key (read by a worker
 * when it takes the job, so a redelivered job never runs) and a message on the cancel channel
 * (the running worker's thread stops at its next batch). `limits.job_wall_seconds` stops a job
 * the same way and its row fails with TIME_LIMIT, as the local runner's does.
 */
export function createRemoteStops(o: RemoteStopsOptions) {
  const { commands, queue: q, logger } = o;

  /** The row a stopped job ends with: failed (TIME_LIMIT) when its time ran out first, else cancelled. */
  function row(s: StopState, reason: string | undefined, note?: string): OperationUpdate {
    if (s.timeLimit?.expired && s.cancelReason === undefined) return failedRow('TIME_LIMIT', s.timeLimit.expired);
    const why = s.cancelReason ?? reason ?? 'cancelled';
    return cancelledRow(why, note ? `cancelled: ${why} (${note})` : undefined);
  }

  /** Tells the job's worker, or any worker that takes it later, to stop. */
  async function signal(id: string, reason: string): Promise<void> {
    await commands.set(cancelKey(q, id), reason, 'EX', CANCEL_TTL_S);
    await commands.publish(cancelChannel(q), JSON.stringify({ id, reason }));
  }

  /**
   * A worker that has not confirmed a stop within the grace period may be dead with no other worker
   * to notice: the row ends anyway, as the local runner ends it once it terminates its thread. The
   * cancel key stays, so nothing is registered for the job later.
   */
  function startGrace(id: string, s: StopState): void {
    s.graceTimer ??= setTimeout(() => {
      if (!o.live(id, s)) return;
      logger.warn({ operation_id: id, grace_ms: o.graceMs }, 'the remote worker did not confirm the stop; ending the row');
      o.end(id, row(s, undefined, `its worker did not confirm the stop within ${o.graceMs} ms`));
    }, o.graceMs);
    s.graceTimer.unref();
  }

  /** Starts the wall-time limit once a worker runs the job; it counts from the row's start (a redelivered or re-attached job keeps its clock). */
  function startTimeLimit(id: string, s: StopState): void {
    const limit = o.timeLimit;
    if (!limit || s.timeLimit) return;
    const started = Date.parse(o.startedAt(id) ?? '');
    const elapsed = Number.isFinite(started) ? o.clock().getTime() - started : 0;
    const timer = setTimeout(
      () => {
        if (!o.live(id, s) || !s.timeLimit || s.cancelReason !== undefined) return;
        const expired = timeLimitMessage(limit);
        s.timeLimit.expired = expired;
        logger.warn({ operation_id: id }, expired);
        signal(id, expired).catch((err: Error) => logger.warn({ operation_id: id, err: err.message }, 'the stop could not be sent'));
        startGrace(id, s);
      },
      Math.max(0, limit.ms - elapsed),
    );
    timer.unref();
    s.timeLimit = { timer };
  }

  return {
    row,
    signal,
    startGrace,
    startTimeLimit,
    clear(s: StopState): void {
      clearTimeout(s.timeLimit?.timer);
      clearTimeout(s.graceTimer);
    },
  };
}
