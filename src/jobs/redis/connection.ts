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

export function decodeFailure(reason: string | undefined): { code: string; message: string } {
  try {
    const v = JSON.parse(reason ?? '') as { code?: unknown; message?: unknown };
    if (typeof v.code === 'string' && typeof v.message === 'string') return { code: v.code, message: v.message };
  } catch {
    // BullMQ's own reasons (a job stalled too often) are plain text.
  }
  return { code: 'WORKER_LOST', message: reason || 'the job failed on a worker' };
}
