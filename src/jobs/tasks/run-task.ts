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
    case 'ingest': {
      const [{ writeIngest }, { createBarStore }, { openWorkerConnection, checkpointOn }] = await Promise.all([
        import('../../monitoring/ingest.js'),
        import('../../registry/bar-store.js'),
        import('../../registry/db.js'),
      ]);
      // Its own connection (WAL: the main thread's readers never wait for it; its writers go
      // first through the gate).
      const db = openWorkerConnection(task.store_file);
      try {
        const at = new Date(task.at);
        const summary = await writeIngest(
          createBarStore(db, () => at),
          task.input,
          task.options,
          task.actor,
          task.gate,
        );
        // The batch's pages go into the database here, not at the main thread's next commit.
        checkpointOn(db);
        return summary;
      } finally {
        db.close();
      }
    }
    case 'performance_update': {
      const [{ initBackend }, { updateModelPerformance }, { openWorkerConnection }] = await Promise.all([
        import('../../pipeline/backend/index.js'),
        import('../../monitoring/performance-update.js'),
        import('../../registry/db.js'),
      ]);
      const db = openWorkerConnection(task.store_file);
      try {
        return await updateModelPerformance(db, task.model, {
          storeFile: task.store_file,
          rules: task.rules,
          now: new Date(task.now),
          initBackend: () => initBackend(task.backend),
        });
      } finally {
        db.close();
      }
    }
    case 'render_chart': {
      const { renderSpec } = await import('../../charts/render.js');
      return renderSpec(task.chart, task.options);
    }
    case 'checkpoint': {
      const { checkpointWal } = await import('../../registry/db.js');
      return checkpointWal(task.store_file);
    }
    case 'describe_data': {
      const [{ describeMarketData }, { loadMarketData }] = await Promise.all([
        import('../../pipeline/data/describe.js'),
        import('../../pipeline/data/index.js'),
      ]);
      return describeMarketData(await loadMarketData(task.spec, task.load), task.rows);
    }
    case 'pack_store_bars': {
      const { parseDataSpec, readStoreFile, packBars, specFile } = await import('../../pipeline/data/index.js');
      const parsed = parseDataSpec(task.spec);
      if (parsed.kind !== 'store') throw new Error(`pack_store_bars needs a store: spec, got ${task.spec}`);
      return packBars(readStoreFile(specFile(parsed, { cwd: task.cwd, access: task.access }) ?? task.store_file, parsed.params, task.spec));
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
