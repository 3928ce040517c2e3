import type { SummaryOptions } from '../../agents/data-summary.js';
import type { LockboxPlan, LockboxRules } from '../../agents/lockbox.js';
import type { DataSummary } from '../../agents/types.js';
import type { DataDescription } from '../../domain/data-description.js';
import type { ModelVersion } from '../../domain/model-version.js';
import type { DriftOptions, DriftReport } from '../../monitoring/drift-report.js';
import type { IngestInput, IngestSummary, PlanOptions } from '../../monitoring/ingest.js';
import type { Observed, ObserveOptions } from '../../monitoring/observations.js';
import type { PerformanceRules } from '../../monitoring/performance-evaluate.js';
import type { ModelUpdate } from '../../monitoring/performance-update.js';
import type { BackendPreference } from '../../pipeline/backend/index.js';
import type { LoadOptions } from '../../pipeline/data/types.js';
import type { FileAccess } from '../../config/access.js';
import type { PackedBars } from '../../pipeline/data/packed.js';
import type { ChartSpec, RenderedChart, RenderOptions } from '../../charts/types.js';
import type { CheckpointResult } from '../../registry/db.js';
import type { WriteGate } from '../../registry/write-gate.js';

/** The TensorFlow.js backend a task that scores a model initialises (config backend, wasm_threads). */
export interface TaskBackend {
  preference: BackendPreference;
  wasmThreads: number;
}

/**
 * Data-sized work the main thread hands to the task worker; plain data (it crosses the thread
 * boundary). Each kind names the function it runs.
 */
export type Task =
  | { kind: 'drift_report'; model_dir: string; spec: string; options: DriftOptions; backend: TaskBackend }
  | { kind: 'observe_model'; model: ModelVersion; options: Omit<ObserveOptions, 'initBackend'>; backend: TaskBackend }
  /** Plans and writes a batch on the worker's own connection; `at` is the batch's time (the injected clock). */
  | {
      kind: 'ingest';
      store_file: string;
      input: IngestInput;
      options: PlanOptions;
      actor: string;
      at: string;
      /** Shared memory (not copied): the main thread's writes go first (registry/write-gate.ts). */
      gate?: WriteGate | undefined;
    }
  | { kind: 'checkpoint'; store_file: string }
  /** A chart to SVG or PNG (Vega, resvg): a dashboard page or a tool call draws several. */
  | { kind: 'render_chart'; chart: ChartSpec; options: RenderOptions }
  /** One production model's scoring, outcomes and evaluation; `now` is the injected clock's time. */
  | { kind: 'performance_update'; store_file: string; model: ModelVersion; rules: PerformanceRules; now: string; backend: TaskBackend }
  | { kind: 'describe_data'; spec: string; load: LoadOptions; rows?: number | undefined }
  /** A `store:` spec's bars read from the registry and packed for a remote worker (the Redis queue). */
  | { kind: 'pack_store_bars'; spec: string; store_file: string; cwd: string; access?: FileAccess | undefined }
  | { kind: 'summarize_data'; spec: string; options: SummaryOptions }
  | { kind: 'plan_lockbox'; spec: string; rules: LockboxRules; options: SummaryOptions };

export interface TaskResults {
  drift_report: DriftReport;
  observe_model: Observed;
  ingest: IngestSummary;
  checkpoint: CheckpointResult;
  render_chart: RenderedChart;
  performance_update: ModelUpdate | null;
  describe_data: DataDescription;
  pack_store_bars: PackedBars;
  summarize_data: DataSummary;
  plan_lockbox: { plan: LockboxPlan | null; note: string | null };
}

export type TaskResult<T extends Task> = TaskResults[T['kind']];

export type ToTaskWorker = { id: number; task: Task };

export type FromTaskWorker =
  | { id: number; ok: true; result: unknown }
  | {
      id: number;
      ok: false;
      error: { code?: string | undefined; message: string; data?: Record<string, unknown> | undefined; stack?: string | undefined };
    };
