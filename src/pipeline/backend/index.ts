import { createRequire } from 'node:module';
import path from 'node:path';
import { tf } from './tf.js';
import { DomainError } from '../../domain/errors.js';

export const backendNames = ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'] as const;
export type BackendName = (typeof backendNames)[number];
export type BackendPreference = 'auto' | BackendName;

export interface BackendInfo {
  /** trainyard's name for it, recorded with every result. */
  name: BackendName;
  /** The TensorFlow.js backend id (`tensorflow`, `wasm`, `cpu`). */
  tf_backend: string;
  tfjs_version: string;
  /** wasm: worker threads in use; others: undefined. */
  threads?: number;
  simd?: boolean;
  /** Backends tried before this one, and why each was skipped. */
  skipped: { name: BackendName; reason: string }[];
}

export interface BackendOptions {
  preference?: BackendPreference;
  /** wasm threads; 0 = one per core (the wasm build caps it). */
  wasmThreads?: number;
}

const require = createRequire(import.meta.url);

/** Native bindings register the `tensorflow` backend on import; they are optional peer installs. */
async function loadNative(pkg: string): Promise<void> {
  require.resolve(pkg); // throws MODULE_NOT_FOUND quickly when absent
  await import(pkg);
  if (!(await tf.setBackend('tensorflow'))) throw new Error(`${pkg} loaded but the tensorflow backend did not start`);
}

async function loadWasm(threads: number): Promise<void> {
  // Imported here, not at the top: it registers the wasm backend and costs ~0.1 s of loading.
  const { setThreadsCount, setWasmPaths } = await import('@tensorflow/tfjs-backend-wasm');
  // In Node the .wasm binaries are read from the package folder; point at it explicitly so a
  // bundled or relocated dist still finds them.
  const dist = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'));
  setWasmPaths(dist + path.sep);
  if (threads > 0) setThreadsCount(threads);
  if (!(await tf.setBackend('wasm'))) throw new Error('the wasm backend failed to initialise');
}

async function tryBackend(name: BackendName, opts: BackendOptions): Promise<void> {
  switch (name) {
    case 'tensorflow-gpu':
      return loadNative('@tensorflow/tfjs-node-gpu');
    case 'tensorflow':
      return loadNative('@tensorflow/tfjs-node');
    case 'wasm':
      return loadWasm(opts.wasmThreads ?? 0);
    case 'cpu':
      if (!(await tf.setBackend('cpu'))) throw new Error('the cpu backend failed to initialise');
  }
}

function shortReason(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  if (/Cannot find (module|package)/.test(msg)) return 'not installed';
  return msg.split('\n')[0]!.slice(0, 200);
}

// TensorFlow.js keeps one global engine per process, so the backend is chosen once and every
// later caller gets the same answer.
let chosen: Promise<BackendInfo> | undefined;

/**
 * Selects the backend once per process: tfjs-node-gpu, then tfjs-node (when installed), then
 * wasm, then cpu. A named preference is tried alone and fails loudly if unavailable.
 */
export function initBackend(opts: BackendOptions = {}): Promise<BackendInfo> {
  chosen ??= selectBackend(opts).catch((err: unknown) => {
    chosen = undefined;
    throw err;
  });
  return chosen;
}

async function selectBackend(opts: BackendOptions): Promise<BackendInfo> {
  const preference = opts.preference ?? 'auto';
  const order: BackendName[] = preference === 'auto' ? [...backendNames] : [preference];
  const skipped: BackendInfo['skipped'] = [];
  for (const name of order) {
    try {
      await tryBackend(name, opts);
      await tf.ready();
      const info: BackendInfo = { name, tf_backend: tf.getBackend(), tfjs_version: tf.version.tfjs, skipped };
      if (name === 'wasm') {
        info.threads = (await import('@tensorflow/tfjs-backend-wasm')).getThreadsCount();
        info.simd = tf.env().getBool('WASM_HAS_SIMD_SUPPORT');
      }
      return info;
    } catch (err) {
      skipped.push({ name, reason: shortReason(err) });
    }
  }
  const detail = skipped.map((s) => `${s.name}: ${s.reason}`).join('; ');
  throw new DomainError(
    'BACKEND_UNAVAILABLE',
    preference === 'auto'
      ? `No TensorFlow.js backend could start (${detail}).`
      : `Backend "${preference}" is not available (${detail}). Set TRAINYARD_BACKEND=auto to pick the best available one.`,
    { skipped },
  );
}
