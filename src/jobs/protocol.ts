import type { BackendPreference } from '../pipeline/backend/index.js';
import type { PipelineProgress, TrainingResult } from '../pipeline/result.js';
import type { TrainingOverrides } from '../pipeline/train-pipeline.js';

/** Everything a training worker needs; plain data (it crosses the thread boundary). */
export interface TrainingJobSpec {
  strategy_yaml: string;
  strategy_source: string;
  data?: string | undefined;
  overrides?: TrainingOverrides | undefined;
  data_dir: string;
  cwd: string;
  backend: BackendPreference;
  wasm_threads: number;
  progress_every_batches: number;
}

export type ToWorker = { type: 'start'; job: TrainingJobSpec; staging_dir: string; model_id: string } | { type: 'cancel'; reason: string };

export type FromWorker =
  | { type: 'progress'; progress: PipelineProgress }
  | { type: 'result'; result: TrainingResult }
  | { type: 'error'; error: { code: string; message: string; stack?: string | undefined } };
