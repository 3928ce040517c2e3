import type { FileAccess } from '../config/access.js';
import type { Config } from '../config/schema.js';
import { checkDataSpecAccess } from '../pipeline/data/index.js';
import type { DriftReport } from '../monitoring/drift-report.js';
import type { TaskRunner } from '../jobs/tasks/task-runner.js';
import type { Registry } from '../registry/index.js';

export interface DriftCheckInput {
  model_id: string;
  /** Data spec of the recent data. */
  data: string;
  from?: string | undefined;
  to?: string | undefined;
}

/** What check_drift returns: the report without its histograms (those are stored, for charts). */
export type DriftCheck = Omit<DriftReport, 'histograms'> & { model_id: string; data: string };

/** check_drift and `trainyard drift`: the report against the model's frozen reference, stored with the model. */
export function createDriftService(o: { config: Config; registry: Registry; cwd: string; tasks: TaskRunner }) {
  return {
    /** `access`: which files the caller may name in `data` (an MCP client's roots); default: any (CLI). */
    async check(input: DriftCheckInput, actor: string, access?: FileAccess): Promise<DriftCheck> {
      const model = o.registry.models.get(input.model_id);
      checkDataSpecAccess(input.data, { cwd: o.cwd, access });
      // The whole report (data load, features, PSI, effective sizes, scoring) runs in the task worker.
      const report = await o.tasks.run({
        kind: 'drift_report',
        model_dir: model.artifact_path,
        spec: input.data,
        options: {
          dataDir: o.config.data_dir,
          cwd: o.cwd,
          storeFile: o.registry.file,
          access,
          from: input.from,
          to: input.to,
          thresholds: o.config.drift,
        },
        backend: { preference: o.config.backend, wasmThreads: o.config.wasm_threads },
      });
      o.registry.evaluations.recordDrift(model.model_id, input.data, { ...report }, actor);
      const { histograms: _histograms, ...summary } = report;
      return { model_id: model.model_id, data: input.data, ...summary };
    },
  };
}

export type DriftService = ReturnType<typeof createDriftService>;
