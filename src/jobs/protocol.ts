import type { Limits } from '../config/limits.js';
import type { FileAccess } from '../config/access.js';
import type { BacktestRequest, BacktestRun } from '../monitoring/backtest/request.js';
import type { BackendPreference } from '../pipeline/backend/index.js';
import type { PipelineProgress, TrainingResult } from '../pipeline/result.js';
import type { TrainingOverrides } from '../pipeline/train-pipeline.js';
import type { TrialObjective, TrialOutcome } from '../pipeline/trial.js';
import type { PackedBars } from '../pipeline/data/packed.js';

/** Where a worker finds data and how it computes, whatever the job; plain data (it crosses the thread boundary). */
export interface WorkerSettings {
  data_dir: string;
  cwd: string;
  /** The registry database, for `store:` data specs (the worker opens it read-only). */
  store_file?: string | undefined;
  /** A `store:` spec's bars read by the coordinator (a remote worker has no registry): used instead of store_file. */
  store_bars?: PackedBars | undefined;
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

/** A tuning trial (operation type `trial`): trains on the training part, scores the validation part, saves nothing. */
export interface TrialJobSpec extends WorkerSettings {
  kind: 'trial';
  strategy_yaml: string;
  strategy_source: string;
  data?: string | undefined;
  overrides?: TrainingOverrides | undefined;
  /** Report the objective at every epoch end and wait for the pruner's verdict. */
  prune: boolean;
  objective: TrialObjective;
  /** Purged k-fold cross-validation per trial (k folds), off when absent. */
  cv_folds?: number | undefined;
  /** Where the worker writes the validation part's every-bar returns (PBO over the study reads them). */
  returns_file?: string | undefined;
}

/** The jobs a worker runs, told apart by `kind` (absent = training). */
export type JobSpec = TrainingJobSpec | BacktestJobSpec | TrialJobSpec;

/** What a worker hands back: a staged training result, a backtest report (`kind: 'backtest'`) or a trial's outcome (`kind: 'trial'`). */
export type JobResult = TrainingResult | BacktestRun | TrialOutcome;

export type ToWorker =
  | { type: 'start'; job: JobSpec; staging_dir: string; model_id: string }
  | { type: 'cancel'; reason: string }
  /** The pruner's answer to a `report`: stop the trial at that step or go on. */
  | { type: 'verdict'; step: number; prune: boolean };

export type FromWorker =
  | { type: 'progress'; progress: PipelineProgress }
  /** A trial's objective so far at an epoch end; the worker waits for the verdict. */
  | { type: 'report'; step: number; value: number }
  | { type: 'result'; result: JobResult }
  | { type: 'error'; error: { code: string; message: string; stack?: string | undefined } };
