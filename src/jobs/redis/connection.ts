import { Redis } from 'ioredis';
import type { QueueConfig } from '../../config/schema.js';

/** A connection BullMQ can block on (it requires maxRetriesPerRequest: null). */
export function redisConnection(url: string): Redis {
  return new Redis(url, { maxRetriesPerRequest: null, enableReadyCheck: true, lazyConnect: false });
}

/** The pub/sub channel the coordinator publishes cancels on; every worker listens. */
export const cancelChannel = (q: QueueConfig): string => `${q.name}:cancel`;
/** Set along with the publish: a worker that picks the job up later still sees the cancel. */
export const cancelKey = (q: QueueConfig, id: string): string => `${q.name}:cancel:${id}`;
/** Workers publish a trial's objective at each epoch end here; the coordinator that owns the job answers. */
export const reportChannel = (q: QueueConfig): string => `${q.name}:report`;
/** The coordinator's pruning verdicts; every worker listens and forwards the ones for its jobs. */
export const verdictChannel = (q: QueueConfig): string => `${q.name}:verdict`;
/** A cancel key outlives any job that could still start. */
export const CANCEL_TTL_S = 24 * 3600;

/** What a job carries to a worker: the spec plus the operation id (also the BullMQ job id). */
export interface RemoteJobData {
  operation_id: string;
  spec: import('../protocol.js').JobSpec;
  /** Where the coordinator writes a trial's every-bar returns (its own path; the worker sends them in its result). */
  returns_file?: string | undefined;
}

/** What a worker hands back: the result and, for training, the staged artifact folder's files (base64). */
export interface RemoteJobReturn {
  result: import('../protocol.js').JobResult;
  files: Record<string, string>;
}

/** A job's failure travels as JSON in BullMQ's failedReason. */
export function encodeFailure(code: string, message: string): string {
  return JSON.stringify({ code, message });
}

/** BullMQ's own failedReason for a job whose workers stopped more often than maxStalledCount allows. */
const STALLED_TOO_OFTEN = 'job stalled more than allowable limit';

/** Why a failed job failed, for its row: the worker's code and message, or BullMQ's reason in words, with the count of tries. */
export function failureOf(
  job: { failedReason: string | undefined; attemptsMade: number; attemptsStarted: number; stalledCounter: number },
  q: QueueConfig,
): { code: string; message: string } {
  if (job.failedReason === STALLED_TOO_OFTEN)
    return {
      code: 'WORKER_LOST',
      message:
        `its worker stopped mid-job ${job.stalledCounter} time(s) (killed, crashed, or cut off from Redis for longer than queue.lock_duration_ms), ` +
        `more than queue.max_stalled_count (${q.max_stalled_count}) allows; workers took it ${job.attemptsStarted} time(s). ` +
        `Look at the workers' logs (memory, restarts), or raise queue.max_stalled_count.`,
    };
  const reason = decodeFailure(job.failedReason);
  return { code: reason.code, message: `${reason.message} (after ${job.attemptsMade} of ${q.attempts} attempts)` };
}

export function decodeFailure(reason: string | undefined): { code: string; message: string } {
  try {
    const v = JSON.parse(reason ?? '') as { code?: unknown; message?: unknown };
    if (typeof v.code === 'string' && typeof v.message === 'string') return { code: v.code, message: v.message };
  } catch {
    // BullMQ's own reasons (a job stalled too often) are plain text.
  }
  return { code: 'WORKER_LOST', message: reason || 'the job failed on a worker' };
}
