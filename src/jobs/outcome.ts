import { DomainError } from '../domain/errors.js';
import type { Operation } from '../domain/operation.js';
import type { OperationStore } from '../registry/operations.js';
import type { OperationUpdate } from '../registry/types.js';
import type { WorkerOutcome } from './worker-job.js';

/** The terminal row of a cancelled job; `reason` is what the caller gave (kept as error.message). */
export function cancelledRow(reason: string, message = `cancelled: ${reason}`): OperationUpdate {
  return { status: 'cancelled', message, error: { code: 'CANCELLED', message: reason } };
}

export function failedRow(code: string, message: string): OperationUpdate {
  return { status: 'failed', message, error: { code, message } };
}

/**
 * What a worker's end means for its row: `register` for a result nobody cancelled, else the
 * terminal row. A cancel wins over whatever the worker did meanwhile, a late result included.
 */
export function rowForOutcome(outcome: WorkerOutcome, cancelReason: string | undefined): 'register' | OperationUpdate {
  if (cancelReason === undefined) {
    if (outcome.type === 'result') return 'register';
    if (outcome.type === 'terminated') return failedRow('WORKER_CRASHED', outcome.message);
    if (outcome.type !== 'error' || outcome.code !== 'CANCELLED') return failedRow(outcome.code, outcome.message);
  }
  const reason = cancelReason ?? (outcome.type === 'result' ? 'cancelled' : outcome.message);
  return cancelledRow(reason, outcome.type === 'terminated' ? `cancelled: ${reason} (${outcome.message})` : undefined);
}

/** Why a job that ran past `limits.job_wall_seconds` (named by `key`) failed, local or remote. */
export function timeLimitMessage(limit: { ms: number; key: string }): string {
  return (
    `the job ran longer than its wall-time limit of ${limit.ms / 1000} s (config ${limit.key}) and was stopped; nothing was registered. ` +
    `Train on less data or fewer epochs, or raise ${limit.key} in the trainyard config file.`
  );
}

/** The failed row when registering the model threw. */
export function registrationFailedRow(err: unknown): OperationUpdate {
  const message = err instanceof Error ? err.message : String(err);
  return failedRow(err instanceof DomainError ? err.code : 'REGISTRATION_FAILED', message);
}

/** Ends an operation's row; a row that already ended keeps its status (its current row is returned). */
export function endRow(operations: OperationStore, id: string, patch: OperationUpdate): Operation {
  try {
    return operations.update(id, patch);
  } catch (err) {
    if (!(err instanceof DomainError && err.code === 'CONFLICT')) throw err;
    return operations.get(id);
  }
}
