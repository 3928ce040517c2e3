import * as tf from '@tensorflow/tfjs';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { strategySchema, type Strategy } from '../../../../src/domain/strategy.js';
import { fileSystemHandler } from '../../../../src/pipeline/artifacts/io-handler.js';
import { buildModel } from '../../../../src/pipeline/model/build.js';
import { predictProba } from '../../../../src/pipeline/model/predict.js';
import { trainModel, type TrainProgress } from '../../../../src/pipeline/model/train.js';
import { testBackend } from '../../../helpers/backend.js';
import { makeMatrix } from '../../../helpers/matrix.js';

function spec(training: Partial<Strategy['training']> = {}, model: Partial<Strategy['model']> = {}): Strategy {
  const s = strategySchema.parse({
    name: 't',
    indicators: [{ id: 'r', type: 'rsi' }],
    features: { lagged_returns: [1] },
    labels: { type: 'forward_return' },
    model: { hidden_layers: [16, 8], dropout: 0.1, ...model },
    training: { epochs: 5, batch_size: 32, early_stopping_patience: 0, ...training },
  });
  return s;
}

describe('trainModel', () => {
  beforeAll(async () => {
    await testBackend();
  });
  const train = makeMatrix(1200, 6, 1);
  const val = makeMatrix(300, 6, 2);

  it('learns a learnable target well above chance', async () => {
    const s = spec({ epochs: 15, learning_rate: 0.01 });
    const model = buildModel(s.model, 6, s.training.seed);
    const out = await trainModel(model, train, val, { model: s.model, training: s.training });
    expect(out.history.at(-1)!.loss).toBeLessThan(out.history[0]!.loss);
    expect(Math.max(...out.history.map((h) => h.val_accuracy))).toBeGreaterThan(0.8);
    model.dispose();
  });

  it('is deterministic: same seed, same backend -> identical losses and weights', async () => {
    const run = async () => {
      const s = spec({ seed: 5 });
      const model = buildModel(s.model, 6, s.training.seed);
      const out = await trainModel(model, train, val, { model: s.model, training: s.training });
      const probs = await predictProba(model, val.x, val.rows, val.cols);
      model.dispose();
      return { losses: out.history.map((h) => [h.loss, h.val_loss]), probs: Array.from(probs.slice(0, 30)) };
    };
    const a = await run();
    const b = await run();
    expect(b.losses).toEqual(a.losses);
    expect(b.probs).toEqual(a.probs);
    const s = spec({ seed: 6 });
    const model = buildModel(s.model, 6, s.training.seed);
    const c = await trainModel(model, train, val, { model: s.model, training: s.training });
    model.dispose();
    expect(c.history.map((h) => [h.loss, h.val_loss])).not.toEqual(a.losses);
  });

  it('keeps the tensor count flat across epochs', async () => {
    const s = spec({ epochs: 6 });
    const model = buildModel(s.model, 6, s.training.seed);
    const counts: number[] = [];
    await trainModel(model, train, val, {
      model: s.model,
      training: s.training,
      onProgress: (p) => {
        if (p.epoch_end) counts.push(tf.memory().numTensors);
      },
    });
    expect(new Set(counts).size).toBe(1);
    const before = tf.memory().numTensors;
    model.dispose();
    expect(tf.memory().numTensors).toBeLessThan(before);
  });

  it('stops within one batch of an abort raised inside the loop', async () => {
    const s = spec({ epochs: 50, batch_size: 16 });
    const model = buildModel(s.model, 6, s.training.seed);
    const controller = new AbortController();
    const seen: TrainProgress[] = [];
    let batchesAfterAbort = -1;
    await expect(
      trainModel(model, train, val, {
        model: s.model,
        training: s.training,
        signal: controller.signal,
        progressEveryBatches: 1,
        onProgress: (p) => {
          seen.push(p);
          if (controller.signal.aborted) batchesAfterAbort++;
          if (p.epoch === 2 && p.batch === 10) {
            controller.abort('test');
            batchesAfterAbort = 0;
          }
        },
      }),
    ).rejects.toThrow(/cancelled/);
    expect(batchesAfterAbort).toBe(0);
    expect(seen.at(-1)).toMatchObject({ epoch: 2, batch: 10 });
    model.dispose();
  });

  it('stops within one batch when an abort arrives from a timer (event loop not starved)', async () => {
    const s = spec({ epochs: 500, batch_size: 16 });
    const model = buildModel(s.model, 6, s.training.seed);
    const controller = new AbortController();
    let batchesSeen = 0;
    let atAbort = -1;
    setTimeout(() => {
      atAbort = batchesSeen;
      controller.abort('timer');
    }, 150);
    const started = performance.now();
    await expect(
      trainModel(model, train, val, {
        model: s.model,
        training: s.training,
        signal: controller.signal,
        progressEveryBatches: 1,
        onProgress: () => {
          batchesSeen++;
        },
      }),
    ).rejects.toThrow(/cancelled: timer/);
    expect(performance.now() - started).toBeLessThan(2000);
    expect(batchesSeen - atAbort).toBeLessThanOrEqual(1);
    model.dispose();
  });

  it('early stopping restores the best validation weights', async () => {
    const noise = makeMatrix(600, 6, 3, false);
    const s = spec({ epochs: 40, early_stopping_patience: 3, learning_rate: 0.01 }, { dropout: 0 });
    const model = buildModel(s.model, 6, s.training.seed);
    const out = await trainModel(model, noise, makeMatrix(200, 6, 4, false), { model: s.model, training: s.training });
    expect(out.stopped_early).toBe(true);
    expect(out.epochs_run).toBe(out.best_epoch + 3);
    model.dispose();
  });

  it('onEpochEnd is told each epoch and stops the run when it returns true', async () => {
    const s = spec({ epochs: 6 });
    const model = buildModel(s.model, 6, s.training.seed);
    const seen: number[] = [];
    const out = await trainModel(model, train, val, {
      model: s.model,
      training: s.training,
      onEpochEnd: (stats, monitored) => {
        seen.push(stats.epoch);
        expect(monitored).toBeGreaterThan(0);
        return stats.epoch === 2;
      },
    });
    expect(seen).toEqual([1, 2]);
    expect(out.stopped_at).toBe(2);
    expect(out.epochs_run).toBe(2);
    model.dispose();
  });

  it('the analytic and tape gradients train to the same curve', async () => {
    const s = spec({ epochs: 3, class_weighting: 'balanced' }, { l2: 0.001 });
    const curve = async (gradients: 'analytic' | 'tape') => {
      const model = buildModel(s.model, 6, s.training.seed);
      const out = await trainModel(model, train, val, { model: s.model, training: s.training, gradients });
      model.dispose();
      return out.history.flatMap((h) => [h.loss, h.val_loss]);
    };
    const [a, t] = [await curve('analytic'), await curve('tape')];
    a.forEach((v, i) => expect(v).toBeCloseTo(t[i]!, 4));
  });

  it('saves with its own IO handler and loads back to identical predictions', async () => {
    const s = spec({ epochs: 2 });
    const model = buildModel(s.model, 6, s.training.seed);
    await trainModel(model, train, val, { model: s.model, training: s.training });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ty-io-'));
    await model.save(fileSystemHandler(dir));
    const loaded = await tf.loadLayersModel(fileSystemHandler(dir));
    expect(Array.from(await predictProba(loaded, val.x, val.rows, val.cols))).toEqual(
      Array.from(await predictProba(model, val.x, val.rows, val.cols)),
    );
    expect(fs.readdirSync(dir).sort()).toEqual(['model.json', 'weights.bin']);
    model.dispose();
    loaded.dispose();
  });
});
