import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { tf } from './tf.js';
import { DomainError } from '../../domain/errors.js';

export const backendNames = ['tensorflow-gpu', 'tensorflow', 'webgpu', 'wasm', 'cpu'] as const;
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
  /** webgpu: the GPU adapter it runs on (a software adapter, e.g. Mesa's llvmpipe, says so). */
  adapter?: GpuAdapter;
  /** Backends tried before this one, and why each was skipped. */
  skipped: { name: BackendName; reason: string }[];
}

/** What WebGPU says of its adapter, plus whether it is a software rasteriser rather than a GPU. */
export interface GpuAdapter {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  software: boolean;
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

/** The subset of Dawn's `GPUAdapter` read here (the package's types are optional, like the package). */
interface DawnAdapter {
  info?: { vendor?: string; architecture?: string; device?: string; description?: string; isFallbackAdapter?: boolean };
  isFallbackAdapter?: boolean;
}
interface DawnGpu {
  requestAdapter(o?: { powerPreference?: string }): Promise<DawnAdapter | null>;
}

/** Mesa's and SwiftShader's CPU rasterisers: a WebGPU adapter that is not a GPU. */
const SOFTWARE_ADAPTER = /llvmpipe|lavapipe|swiftshader|softpipe|software/i;

/** "nvidia hopper (hardware)", "mesa llvmpipe (software)": the adapter in a few words, for lineage and summaries. */
export function adapterLabel(a: GpuAdapter): string {
  const what = [a.vendor, a.architecture === 'software' ? a.device.split('-')[0] : a.architecture || a.device].filter(Boolean).join(' ');
  return `${what || 'unknown adapter'} (${a.software ? 'software' : 'hardware'})`;
}

export function describeAdapter(adapter: DawnAdapter): GpuAdapter {
  const i = adapter.info ?? {};
  const [vendor, architecture, device, description] = [i.vendor, i.architecture, i.device, i.description].map((v) => v ?? '');
  const software =
    adapter.isFallbackAdapter === true || i.isFallbackAdapter === true || SOFTWARE_ADAPTER.test(`${architecture} ${device} ${description}`);
  return { vendor: vendor!, architecture: architecture!, device: device!, description: description!, software };
}

let webgpuAdapter: GpuAdapter | undefined;

/**
 * On Linux a GPU that Vulkan can drive shows as /dev/nvidia* or /dev/dri/renderD*; without one
 * only a software adapter could answer, so `auto` skips the probe (about 0.15 s and Dawn's
 * warnings on stderr at every start).
 */
function linuxHasGpuDevice(): boolean {
  if (process.platform !== 'linux') return true;
  const list = (dir: string) => {
    try {
      return fs.readdirSync(dir);
    } catch {
      return [];
    }
  };
  return list('/dev').some((f) => /^nvidia\d+$/.test(f)) || list('/dev/dri').some((f) => f.startsWith('renderD'));
}

/**
 * WebGPU through Dawn for Node (the optional `webgpu` package) and TensorFlow.js's webgpu backend
 * (the optional `@tensorflow/tfjs-backend-webgpu`). Dawn needs a Vulkan driver: the GPU vendor's
 * (NVIDIA's ICD with `libvulkan1`) or Mesa >= 23's lavapipe, a software one. In `auto` a software
 * adapter is skipped (wasm is faster on the CPU); a forced `webgpu` takes it. The adapter is probed
 * before the tfjs backend is imported, so a machine without one never registers it.
 */
async function loadWebgpu(allowSoftware: boolean): Promise<void> {
  require.resolve('webgpu');
  require.resolve('@tensorflow/tfjs-backend-webgpu');
  if (!allowSoftware && !linuxHasGpuDevice()) throw new Error('no GPU device (/dev/nvidia*, /dev/dri/renderD*)');
  const { create, globals } = (await import('webgpu' as string)) as { create: (o: string[]) => DawnGpu; globals: object };
  // tfjs reads the WebGPU constants (GPUBufferUsage, GPUMapMode, ...) and navigator.gpu from the global scope, as in a browser.
  Object.assign(globalThis, globals);
  const gpu = create([]);
  const nav = (globalThis as { navigator?: object }).navigator;
  if (nav) Object.defineProperty(nav, 'gpu', { value: gpu, configurable: true });
  else Object.defineProperty(globalThis, 'navigator', { value: { gpu, userAgent: `Node.js/${process.version}` }, configurable: true });
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter)
    throw new Error('no WebGPU adapter (no Vulkan driver found: install libvulkan1 and the GPU vendor’s driver, or Mesa >= 23)');
  const info = describeAdapter(adapter);
  if (info.software && !allowSoftware)
    throw new Error(`only a software adapter (${info.description || info.device}); TRAINYARD_BACKEND=webgpu uses it anyway`);
  await import('@tensorflow/tfjs-backend-webgpu' as string);
  if (!(await tf.setBackend('webgpu'))) throw new Error('the webgpu backend failed to initialise');
  webgpuAdapter = info;
}

async function tryBackend(name: BackendName, opts: BackendOptions): Promise<void> {
  switch (name) {
    case 'tensorflow-gpu':
      return loadNative('@tensorflow/tfjs-node-gpu');
    case 'tensorflow':
      return loadNative('@tensorflow/tfjs-node');
    case 'webgpu':
      return loadWebgpu(opts.preference === 'webgpu');
    case 'wasm':
      return loadWasm(opts.wasmThreads ?? 0);
    case 'cpu':
      if (!(await tf.setBackend('cpu'))) throw new Error('the cpu backend failed to initialise');
  }
}

/** How to install a backend that is not there (the webgpu packages are optional dependencies npm may have skipped). */
const INSTALL: Partial<Record<BackendName, string>> = {
  'tensorflow-gpu': 'npm install @tensorflow/tfjs-node-gpu',
  tensorflow: 'npm install @tensorflow/tfjs-node',
  webgpu: 'npm install webgpu @tensorflow/tfjs-backend-webgpu',
};

function shortReason(name: BackendName, err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  if (/Cannot find (module|package)/.test(msg)) return INSTALL[name] ? `not installed (${INSTALL[name]})` : 'not installed';
  return msg.split('\n')[0]!.slice(0, 200);
}

/**
 * Whether the active backend can read a tensor back synchronously (`dataSync`). WebGPU in Node
 * cannot (tfjs reads synchronously through an OffscreenCanvas, which Node lacks); code on the
 * training path then keeps values on the device and reads them with `await data()`.
 */
export const canReadSync = (): boolean => !['webgpu', 'webgl'].includes(tf.getBackend());

// TensorFlow.js keeps one global engine per process, so the backend is chosen once and every
// later caller gets the same answer.
let chosen: Promise<BackendInfo> | undefined;

/**
 * Selects the backend once per process: tfjs-node-gpu, then tfjs-node (when installed), then
 * webgpu on a hardware adapter, then wasm, then cpu. A named preference is tried alone and fails loudly if unavailable.
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
      if (name === 'webgpu' && webgpuAdapter) info.adapter = webgpuAdapter;
      return info;
    } catch (err) {
      skipped.push({ name, reason: shortReason(name, err) });
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
