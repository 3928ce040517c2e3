// Canonical MLP (40 -> 64 -> 32 -> 3, ReLU, dropout 0.2, Adam 1e-3), 20,000 samples with 20%
// validation, 5 epochs, batch 32 and 256, on every available backend: trainyard's training loop
// and plain tf.layers model.fit side by side, then PyTorch on the same shapes when it is installed
// (apt-get install python3-torch), and the ratio. One JSON object per line.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { backendNames } from '../src/pipeline/backend/index.js';
import { buildModel } from '../src/pipeline/model/build.js';
import { trainModel } from '../src/pipeline/model/train.js';
import { backend, canonicalStrategy, emit, randomMatrix } from './_shared.js';

const EPOCHS = Number(process.env['EPOCHS'] ?? 5);
const here = path.dirname(fileURLToPath(import.meta.url));

async function child(): Promise<void> {
  const info = await backend(Number(process.env['TRAINYARD_WASM_THREADS'] ?? 2));
  const train = randomMatrix(16_000, 40, 1);
  const val = randomMatrix(4_000, 40, 2);
  for (const batch of [32, 256]) {
    const s = canonicalStrategy(batch, EPOCHS);
    // Warm-up epoch so kernel set-up and memory growth are not timed.
    const warm = buildModel(s.model, 40, 1);
    await trainModel(warm, train, val, { model: s.model, training: { ...s.training, epochs: 1 } });
    warm.dispose();
    const model = buildModel(s.model, 40, 1);
    const out = await trainModel(model, train, val, { model: s.model, training: s.training });
    model.dispose();
    emit({
      bench: 'train_throughput',
      framework: 'trainyard',
      backend: info.name,
      threads: info.threads ?? null,
      batch,
      samples_per_s: Math.round(out.samples_per_s),
    });

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
      batch,
      samples_per_s: Math.round(sps),
    });
  }
}

function parent(): void {
  const results: Record<string, number>[] = [];
  const collect = (stdout: string) => {
    for (const line of stdout.split('\n').filter(Boolean)) {
      process.stdout.write(line + '\n');
      try {
        results.push(JSON.parse(line) as Record<string, number>);
      } catch {
        /* not a result line */
      }
    }
  };
  for (const name of backendNames) {
    const r = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url)], {
      env: { ...process.env, BENCH_CHILD: '1', TRAINYARD_BACKEND: name },
      encoding: 'utf8',
    });
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
  const py = ['/usr/bin/python3', 'python3'].find((bin) => spawnSync(bin, ['-c', 'import torch'], { encoding: 'utf8' }).status === 0);
  if (!py) {
    emit({ bench: 'train_throughput', framework: 'pytorch', skipped: 'torch not importable (apt-get install python3-torch)' });
    return;
  }
  collect(spawnSync(py, [path.join(here, 'torch_baseline.py'), String(EPOCHS)], { encoding: 'utf8' }).stdout);
  for (const batch of [32, 256]) {
    const torch1 = results.find((r) => (r['framework'] as unknown) === 'pytorch' && r['threads'] === 1 && r['batch'] === batch);
    for (const r of results.filter((x) => (x['framework'] as unknown) === 'trainyard' && x['batch'] === batch)) {
      if (torch1)
        emit({
          bench: 'train_throughput_ratio',
          backend: r['backend'],
          batch,
          trainyard_vs_pytorch_1thread: +(r['samples_per_s']! / torch1['samples_per_s']!).toFixed(3),
        });
    }
  }
}

if (process.env['BENCH_CHILD']) await child();
else parent();
