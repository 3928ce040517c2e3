import { strategySchema, type Strategy } from '../src/domain/strategy.js';
import { initBackend } from '../src/pipeline/backend/index.js';
import type { LabeledMatrix } from '../src/pipeline/model/dataset.js';
import { createRng } from '../src/pipeline/random.js';

export function emit(obj: Record<string, unknown>): void {
  console.log(JSON.stringify(obj));
}

export function backend(threads = 2) {
  return initBackend({ preference: (process.env['TRAINYARD_BACKEND'] as 'auto') ?? 'auto', wasmThreads: threads });
}

/** The canonical benchmark MLP: 40 features -> 64 -> 32 -> 3 (or `hidden`), ReLU, dropout 0.2, Adam 1e-3. */
export function canonicalStrategy(batch: number, epochs: number, hidden: number[] = [64, 32], dropout = 0.2): Strategy {
  return strategySchema.parse({
    name: 'bench',
    indicators: [{ id: 'r', type: 'rsi' }],
    features: { lagged_returns: [1] },
    labels: { type: 'forward_return' },
    model: { hidden_layers: hidden, activation: 'relu', dropout, l2: 0 },
    training: { optimizer: 'adam', learning_rate: 0.001, batch_size: batch, epochs, early_stopping_patience: 0, class_weighting: 'none' },
  });
}

/** Hidden-layer sizes from e.g. "64x32,1024x1024" (the env var HIDDEN of the training benches). */
export function hiddenSizes(spec: string | undefined, fallback = '64x32'): number[][] {
  return (spec ?? fallback).split(',').map((h) => h.split('x').map(Number));
}

/** How a bench re-runs itself in a child process: through tsx from the source, plainly when bundled (bench/gpu.sh). */
export function selfArgs(file: string): string[] {
  return file.endsWith('.ts') ? ['--import', 'tsx', file] : [file];
}

export function randomMatrix(rows: number, cols: number, seed: number): LabeledMatrix {
  const rng = createRng(seed);
  const x = Float32Array.from({ length: rows * cols }, () => rng.normal());
  const y = Int32Array.from({ length: rows }, () => Math.floor(rng.next() * 3));
  return { rows, cols, x, y };
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}
