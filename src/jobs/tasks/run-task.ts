import Database from 'better-sqlite3';
import { summarizeData } from '../../agents/data-summary.js';
import { driftReport } from '../../monitoring/drift-report.js';
import { planIngest } from '../../monitoring/ingest.js';
import { observeModel } from '../../monitoring/observations.js';
import { initBackend } from '../../pipeline/backend/index.js';
import { describeMarketData } from '../../pipeline/data/describe.js';
import { loadMarketData } from '../../pipeline/data/index.js';
import { createBarReader } from '../../registry/bar-store.js';
import type { Task, TaskResult } from './protocol.js';

/**
 * Runs one task where it is called: in the task worker, or on the calling thread when tasks run
 * inline (tests compare the two). The one dispatch both paths share, so they compute the same.
 */
export async function runTask<T extends Task>(task: T): Promise<TaskResult<T>> {
  return (await dispatch(task)) as TaskResult<T>;
}

async function dispatch(task: Task): Promise<TaskResult<Task>> {
  switch (task.kind) {
    case 'drift_report':
      await initBackend(task.backend);
      return driftReport(task.model_dir, task.spec, task.options);
    case 'observe_model':
      return observeModel(task.model, { ...task.options, initBackend: () => initBackend(task.backend) });
    case 'ingest_plan': {
      // Its own read-only connection: the main thread keeps the writer, WAL lets both run.
      const db = new Database(task.store_file, { readonly: true, fileMustExist: true });
      try {
        return await planIngest(createBarReader(db), task.input, task.options);
      } finally {
        db.close();
      }
    }
    case 'describe_data':
      return describeMarketData(await loadMarketData(task.spec, task.load), task.rows);
    case 'summarize_data':
      return summarizeData(task.spec, task.options);
  }
}
