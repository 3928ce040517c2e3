import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';

const require = createRequire(import.meta.url);

/**
 * The training worker beside the module at `base`: `training-worker.js` in the built dist/,
 * `training-worker.ts` when trainyard runs from its TypeScript sources (vitest, tsx).
 */
export function trainingWorkerEntry(base: string = import.meta.url): URL {
  return new URL(base.endsWith('.ts') ? './training-worker.ts' : './training-worker.js', base);
}

/**
 * Starts a worker thread on `entry`. A .ts entry first registers tsx's loader (a devDependency)
 * inside the thread and then imports the module: on Node 20 `execArgv: ['--import', 'tsx']` does
 * not reach a worker's own entry module (ERR_UNKNOWN_FILE_EXTENSION), so the hook is installed
 * from a small bootstrap instead.
 */
export function startWorker(entry: URL, options: WorkerOptions = {}): Worker {
  if (!entry.pathname.endsWith('.ts')) return new Worker(entry, options);
  const tsxApi = pathToFileURL(require.resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href;
  const bootstrap =
    `import(${JSON.stringify(tsxApi)})` + `.then((api) => { api.register(); return import(${JSON.stringify(entry.href)}); });`;
  return new Worker(bootstrap, { ...options, eval: true });
}
