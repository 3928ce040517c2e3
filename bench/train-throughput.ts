// Canonical MLP (40 -> 64 -> 32 -> 3, ReLU, dropout 0.2, Adam 1e-3), 16,000 training rows and
// 4,000 validation rows, 5 epochs, batch 32, 64 and 256, on every available backend: trainyard's
// training loop and plain tf.layers model.fit side by side, then PyTorch on the same shapes when it
// is installed (apt-get install python3-torch), and per batch the ratio of trainyard to plain
// PyTorch (no clipping, the better of 1 thread and all cores). One JSON object per line; a summary
// table on stderr. Env: EPOCHS, BATCHES (e.g. "32,256"), BACKENDS (e.g. "wasm"), FIT=0 skips
// model.fit (slow at batch 32), HIDDEN (hidden-layer sizes, e.g. "64x32,1024x1024"), ROWS (training
// rows, 16000), TORCH_DEVICE (cpu, or cuda for PyTorch on the GPU), TORCH=0 (no PyTorch run),
// TRAINYARD_WASM_THREADS (tfjs's wasm build runs one thread in Node whatever this says).
// bench/gpu.sh runs the GPU grid (batches 256-8192, hidden up to 1024x1024, webgpu against wasm).
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { backendNames } from '../src/pipeline/backend/index.js';
import { buildModel } from '../src/pipeline/model/build.js';
import { trainModel } from '../src/pipeline/model/train.js';
import { backend, canonicalStrategy, emit, hiddenSizes, randomMatrix, selfArgs } from './_shared.js';

const EPOCHS = Number(process.env['EPOCHS'] ?? 5);
const BATCHES = (process.env['BATCHES'] ?? '32,64,256').split(',').map(Number);
const HIDDEN = hiddenSizes(process.env['HIDDEN']);
const ROWS = Number(process.env['ROWS'] ?? 16_000);
const here = path.dirname(fileURLToPath(import.meta.url));

async function child(): Promise<void> {
  const info = await backend(Number(process.env['TRAINYARD_WASM_THREADS'] ?? 2));
  const train = randomMatrix(ROWS, 40, 1);
  const val = randomMatrix(ROWS / 4, 40, 2);
  for (const hidden of HIDDEN)
    for (const batch of BATCHES) {
      const s = canonicalStrategy(batch, EPOCHS, hidden, Number(process.env['DROPOUT'] ?? 0.2));
      // Warm-up epoch so kernel set-up and memory growth are not timed.
      const warm = buildModel(s.model, 40, 1);
      await trainModel(warm, train, val, { model: s.model, training: { ...s.training, epochs: 1 } });
      warm.dispose();
      const model = buildModel(s.model, 40, 1);
      // Wall-clock bounds of the timed run: bench/gpu.sh matches them against nvidia-smi's samples.
      const tStart = Date.now();
      const out = await trainModel(model, train, val, { model: s.model, training: s.training });
      const tEnd = Date.now();
      model.dispose();
      emit({
        bench: 'train_throughput',
        framework: 'trainyard',
        backend: info.name,
        ...(info.adapter ? { adapter: info.adapter.description || info.adapter.device, software: info.adapter.software } : {}),
        threads: info.threads ?? null,
        hidden: hidden.join('x'),
        dropout: s.model.dropout,
        batch,
        samples_per_s: Math.round(out.samples_per_s),
        t_start: tStart,
        t_end: tEnd,
      });
      if (process.env['FIT'] === '0') continue;

      const fitModel = buildModel(s.model, 40, 1);
      fitModel.compile({ optimizer: tf.train.adam(1e-3), loss: 'sparseCategoricalCrossentropy' });
      const [x, y, xv, yv] = [
        tf.tensor2d(train.x, [train.rows, 40]),
        tf.tensor1d(train.y, 'float32'),
        tf.tensor2d(val.x, [val.rows, 40]),
        tf.tensor1d(val.y, 'float32'),
      ];
      await fitModel.fit(x, y, { batchSize: batch, epochs: 1, validationData: [xv, yv], verbose: 0 });
      const t0 = performance.now();
      await fitModel.fit(x, y, { batchSize: batch, epochs: EPOCHS, validationData: [xv, yv], verbose: 0, shuffle: true });
      const sps = (train.rows * EPOCHS) / ((performance.now() - t0) / 1000);
      tf.dispose([x, y, xv, yv]);
      fitModel.dispose();
      emit({
        bench: 'train_throughput',
        framework: 'tfjs-model.fit',
        backend: info.name,
        threads: info.threads ?? null,
        hidden: hidden.join('x'),
        batch,
        samples_per_s: Math.round(sps),
      });
    }
}

type Result = Record<string, unknown> & { framework?: string; batch?: number; hidden?: string; samples_per_s?: number; threads?: number };

function parent(): void {
  const results: Result[] = [];
  const collect = (stdout: string) => {
    for (const line of stdout.split('\n').filter(Boolean)) {
      process.stdout.write(line + '\n');
      try {
        results.push(JSON.parse(line) as Result);
      } catch {
        /* not a result line */
      }
    }
  };
  const only = process.env['BACKENDS']?.split(',');
  for (const name of backendNames.filter((n) => !only || only.includes(n))) {
    const r = spawnSync(process.execPath, selfArgs(fileURLToPath(import.meta.url)), {
      env: { ...process.env, BENCH_CHILD: '1', TRAINYARD_BACKEND: name },
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    // Dawn's and tfjs's notices are on stderr; a failed child's reason is its last error line.
    if (process.env['BENCH_VERBOSE']) process.stderr.write(r.stderr);
    if (r.status !== 0) {
      emit({
        bench: 'train_throughput',
        backend: name,
        skipped: (r.stderr.match(/not available \(([^)]*)\)/)?.[1] ?? r.stderr.split('\n')[0] ?? '').slice(0, 160),
      });
      continue;
    }
    collect(r.stdout);
  }
  if (process.env['TORCH'] === '0') return;
  const py = ['/usr/bin/python3', 'python3'].find((bin) => spawnSync(bin, ['-c', 'import torch'], { encoding: 'utf8' }).status === 0);
  if (!py) {
    emit({ bench: 'train_throughput', framework: 'pytorch', skipped: 'torch not importable (apt-get install python3-torch)' });
    return;
  }
  const torchRun = spawnSync(py, [path.join(here, 'torch_baseline.py'), String(EPOCHS), BATCHES.join(',')], {
    encoding: 'utf8',
    env: { ...process.env, HIDDEN: HIDDEN.map((h) => h.join('x')).join(','), ROWS: String(ROWS) },
  });
  if (torchRun.status !== 0) process.stderr.write(torchRun.stderr.slice(-2000));
  collect(torchRun.stdout);
  const table: string[] = [];
  for (const hidden of HIDDEN.map((h) => h.join('x')))
    for (const batch of BATCHES) {
      // Plain PyTorch: no gradient clipping, the better of one thread and all cores (or the GPU).
      const torch = results
        .filter((r) => r.framework === 'pytorch-noclip' && r.batch === batch && (r.hidden ?? '64x32') === hidden)
        .sort((a, b) => b.samples_per_s! - a.samples_per_s!)[0];
      for (const r of results.filter((x) => x.framework === 'trainyard' && x.batch === batch && x.hidden === hidden)) {
        if (!torch) continue;
        const ratio = +(r.samples_per_s! / torch.samples_per_s!).toFixed(3);
        emit({
          bench: 'train_throughput_ratio',
          backend: r['backend'],
          hidden,
          batch,
          trainyard_samples_per_s: r.samples_per_s,
          pytorch_samples_per_s: torch.samples_per_s,
          pytorch_threads: torch.threads,
          pytorch_device: torch['device'] ?? 'cpu',
          trainyard_vs_pytorch: ratio,
        });
        table.push(
          `${hidden.padStart(9)} batch ${String(batch).padStart(4)}  ${String(r['backend']).padEnd(6)} trainyard ${String(r.samples_per_s).padStart(8)}/s` +
            `  pytorch (${torch['device'] === 'cuda' ? 'cuda' : `${torch.threads} thr`}, no clip) ${String(torch.samples_per_s).padStart(8)}/s  ratio ${ratio.toFixed(2)}`,
        );
      }
    }
  if (table.length) process.stderr.write(table.join('\n') + '\n');
}

if (process.env['BENCH_CHILD']) await child();
else parent();
