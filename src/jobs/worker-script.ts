import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker, type ResourceLimits } from 'node:worker_threads';

const require = createRequire(import.meta.url);

/**
 * Starts a worker module that sits beside this file. From the built dist/ it is plain .js; when
 * trainyard runs from its TypeScript sources (tests, tsx) the worker first registers tsx's loader
 * (a devDependency) and then imports the .ts module.
 */
export function startWorker(name: string, resourceLimits?: ResourceLimits): Worker {
  const options = { ...(resourceLimits ? { resourceLimits } : {}), stdout: false, stderr: false };
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL(`./${name}.js`, import.meta.url), options);
  const url = new URL(`./${name}.ts`, import.meta.url).href;
  const tsxApi = pathToFileURL(require.resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href;
  const bootstrap = `import(${JSON.stringify(tsxApi)}).then((api) => { api.register(); return import(${JSON.stringify(url)}); });`;
  return new Worker(bootstrap, { ...options, eval: true });
}
