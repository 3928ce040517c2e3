// Packs bench/gpu.sh and what it runs into one folder for a GPU machine with no registry access:
// the benches bundled by esbuild (trainyard's code inside), TensorFlow.js's Node builds and wasm
// binaries, Dawn's linux-x64 dawn.node, and with --node this machine's node binary (bin/node).
//   node bench/gpu-bundle.mjs DIR [--node]   then, there: DIR/bench/gpu.sh [OUT_DIR]
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const [dir, ...flags] = process.argv.slice(2);
if (!dir) throw new Error('usage: node bench/gpu-bundle.mjs DIR [--node]');
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(path.join(root, 'package.json'));
fs.rmSync(dir, { recursive: true, force: true });
await esbuild.build({
  entryPoints: ['train-throughput', 'pipeline-overhead', 'backend-probe'].map((b) => path.join(root, 'bench', `${b}.ts`)),
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  outdir: path.join(dir, 'bench'),
  outExtension: { '.js': '.mjs' },
  // TensorFlow.js is loaded by require at run time (one engine for every importer): it ships as packages.
  external: ['webgpu', '@tensorflow/*'],
  banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  logLevel: 'warning',
});
for (const f of ['gpu.sh', 'gpu_summary.py', 'torch_baseline.py']) fs.copyFileSync(path.join(root, 'bench', f), path.join(dir, 'bench', f));
fs.chmodSync(path.join(dir, 'bench', 'gpu.sh'), 0o755);

const copy = (pkg, files) => {
  const from = path.dirname(require.resolve(`${pkg}/package.json`));
  for (const f of ['package.json', ...files]) {
    const to = path.join(dir, 'node_modules', pkg, f);
    fs.mkdirSync(path.dirname(to), { recursive: true });
    fs.copyFileSync(path.join(from, f), to);
  }
};
const main = (pkg) => require(`${pkg}/package.json`).main;
for (const p of [
  'tfjs',
  'tfjs-core',
  'tfjs-layers',
  'tfjs-converter',
  'tfjs-data',
  'tfjs-backend-cpu',
  'tfjs-backend-webgl',
  'tfjs-backend-webgpu',
])
  copy(`@tensorflow/${p}`, [main(`@tensorflow/${p}`)]);
const wasmDist = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'));
copy('@tensorflow/tfjs-backend-wasm', [
  main('@tensorflow/tfjs-backend-wasm'),
  ...fs
    .readdirSync(wasmDist)
    .filter((f) => f.endsWith('.wasm'))
    .map((f) => `dist/${f}`),
]);
// tfjs-core's own dependencies, whole (small).
for (const p of ['long', 'seedrandom'])
  fs.cpSync(path.dirname(require.resolve(`${p}/package.json`)), path.join(dir, 'node_modules', p), { recursive: true });
copy('webgpu', ['index.js', 'dist/linux-x64/dawn.node']);
if (flags.includes('--node')) {
  fs.mkdirSync(path.join(dir, 'bin'), { recursive: true });
  fs.copyFileSync(process.execPath, path.join(dir, 'bin', 'node'));
  fs.chmodSync(path.join(dir, 'bin', 'node'), 0o755);
}
console.error(`bundle in ${dir}: run ${path.join(dir, 'bench', 'gpu.sh')} [OUT_DIR] on the GPU machine`);
