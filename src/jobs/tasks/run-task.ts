import type { Task, TaskResult } from './protocol.js';

/**
 * Runs one task where it is called: in the task worker, or on the calling thread when tasks run
 * inline (tests compare the two). The one dispatch both paths share, so they compute the same.
 * Modules load on first use: an ingest never loads TensorFlow.js into the worker.
 */
export async function runTask<T extends Task>(task: T): Promise<TaskResult<T>> {
  return (await dispatch(task)) as TaskResult<T>;
}

async function dispatch(task: Task): Promise<TaskResult<Task>> {
  switch (task.kind) {
    case 'drift_report': {
      const [{ initBackend }, { driftReport }] = await Promise.all([
        import('../../pipeline/backend/index.js'),
        import('../../monitoring/drift-report.js'),
      ]);
      await initBackend(task.backend);
      return driftReport(task.model_dir, task.spec, task.options);
    }
    case 'observe_model': {
      const [{ initBackend }, { observeModel }] = await Promise.all([
        import('../../pipeline/backend/index.js'),
        import('../../monitoring/observations.js'),
      ]);
      return observeModel(task.model, { ...task.options, initBackend: () => initBackend(task.backend) });
    }
    case 'ingest_plan': {
      const [{ default: Database }, { planIngest }, { createBarReader }] = await Promise.all([
        import('better-sqlite3'),
        import('../../monitoring/ingest.js'),
        import('../../registry/bar-store.js'),
      ]);
      // Its own read-only connection: the main thread keeps the writer, WAL lets both run.
      const db = new Database(task.store_file, { readonly: true, fileMustExist: true });
      try {
        return await planIngest(createBarReader(db), task.input, task.options);
      } finally {
        db.close();
      }
    }
    case 'describe_data': {
      const [{ describeMarketData }, { loadMarketData }] = await Promise.all([
        import('../../pipeline/data/describe.js'),
        import('../../pipeline/data/index.js'),
      ]);
      return describeMarketData(await loadMarketData(task.spec, task.load), task.rows);
    }
    case 'summarize_data': {
      const { summarizeData } = await import('../../agents/data-summary.js');
      return summarizeData(task.spec, task.options);
    }
    case 'plan_lockbox': {
      const { planLockbox } = await import('../../agents/lockbox.js');
      return planLockbox(task.spec, task.rules, task.options);
    }
  }
}
