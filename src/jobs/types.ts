import type { ResourceLimits } from 'node:worker_threads';
import type { Logger } from 'pino';
import type { Operation } from '../domain/operation.js';
import type { OperationStore } from '../registry/operations.js';
import type { JobResult } from './protocol.js';

export interface JobRunnerOptions {
  operations: OperationStore;
  /** Where workers save artifacts before registration: <stagingDir>/<operation_id>. */
  stagingDir: string;
  logger: Logger;
  clock?: () => Date;
  /** Jobs that train at once, each in its own worker thread (1 suits a 2-core machine). */
  workers?: number;
  resourceLimits?: ResourceLimits | undefined;
  /**
   * Decides per operation type what a finished job means: training registers the model (moves it
   * out of `stagedPath`), a backtest stores its report. The return value becomes the operation's result.
   */
  onCompleted: (op: Operation, result: JobResult, stagedPath: string) => Promise<Record<string, unknown>> | Record<string, unknown>;
  /** Progress rows are written at most this often per job (phase changes and the last update always). */
  progressThrottleMs?: number;
  heartbeatMs?: number;
  /** A worker that has not stopped this long after a cancel is terminated (the job still ends cancelled). */
  cancelGraceMs?: number;
  /** Wall time a job may run (from its start, queueing excluded); then its worker is terminated and the row fails with TIME_LIMIT. `key` names the setting in messages. */
  timeLimit?: { ms: number; key: string } | undefined;
  /** The worker module; the training worker by default (tests pass fixture workers). */
  workerEntry?: URL;
}

export interface SubmitOptions {
  priority?: 'normal' | 'high' | undefined;
  parent_id?: string | null | undefined;
  /** Recorded on the operation row (what was asked for). */
  params?: Record<string, unknown> | undefined;
  /** A trial's pruner: told the objective at each epoch end, true stops the trial there. */
  onReport?: ((step: number, value: number) => boolean) | undefined;
}
