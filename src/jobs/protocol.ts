import type { Limits } from '../config/limits.js';
import type { FileAccess } from '../config/access.js';
import type { BacktestRequest, BacktestRun } from '../monitoring/backtest/request.js';
import type { BackendPreference } from '../pipeline/backend/index.js';
import type { PipelineProgress, TrainingResult } from '../pipeline/result.js';
import type { TrainingOverrides } from '../pipeline/train-pipeline.js';

/** Where a worker finds data and how it computes, whatever the job; plain data (it crosses the thread boundary). */
export interface WorkerSettings {
  data_dir: string;
  cwd: string;
  /** The registry database, for `store:` data specs (the worker opens it read-only). */
  store_file?: string | undefined;
  /** Which files the job may read for the caller that queued it (an MCP client's roots); absent: any (CLI, config). */
  access?: FileAccess | undefined;
  backend: BackendPreference;
  wasm_threads: number;
  progress_every_batches: number;
  /** Checked again by the worker once the data is loaded and split (memory, training budget); absent = unchecked. */
  limits?: Limits | undefined;
}

/** Everything a training worker needs. */
export interface TrainingJobSpec extends WorkerSettings {
  kind?: 'training' | undefined;
  strategy_yaml: string;
  strategy_source: string;
  data?: string | undefined;
  overrides?: TrainingOverrides | undefined;
}

/** A backtest of a registered model (operation type `backtest`); the worker writes nothing. */
export interface BacktestJobSpec extends BacktestRequest, WorkerSettings {
  kind: 'backtest';
}

/** The jobs a worker runs, told apart by `kind` (absent = training). */
export type JobSpec = TrainingJobSpec | BacktestJobSpec;

/** What a worker hands back: a staged training result, or a backtest report (`kind: 'backtest'`). */
export type JobResult = TrainingResult | BacktestRun;

export type ToWorker = { type: 'start'; job: JobSpec; staging_dir: string; model_id: string } | { type: 'cancel'; reason: string };

export type FromWorker =
  | { type: 'progress'; progress: PipelineProgress }
  | { type: 'result'; result: JobResult }
  | { type: 'error'; error: { code: string; message: string; stack?: string | undefined } };
