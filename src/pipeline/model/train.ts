import type * as TF from '@tensorflow/tfjs';
import { tf } from '../backend/tf.js';
import { canReadSync } from '../backend/index.js';
import type { Strategy } from '../../domain/strategy.js';
import { cancelledError } from '../../domain/errors.js';
import { createRng, type Rng } from '../random.js';
import { NUM_CLASSES, denseWeights, type DenseWeights } from './build.js';
import { balancedClassWeights, type LabeledMatrix } from './dataset.js';
import { createFastStep } from './fast-step.js';
import { forwardLogits } from './forward.js';
import { createTapeStep } from './tape-step.js';

export interface TrainProgress {
  phase: 'training';
  epoch: number;
  epochs: number;
  batch: number;
  batches: number;
  /** Loss of the latest batch (mid-epoch) or the epoch's mean training loss (epoch end). */
  loss: number;
  val_loss?: number;
  val_accuracy?: number;
  epoch_end: boolean;
}

export interface EpochStats {
  epoch: number;
  /** Mean training loss over the epoch's batches (dropout on, class-weighted as trained). */
  loss: number;
  /** Training accuracy after the epoch, on up to TRAIN_ACCURACY_ROWS training rows spread evenly (no dropout). */
  accuracy: number;
  val_loss: number;
  val_accuracy: number;
  seconds: number;
}

export interface TrainOutcome {
  history: EpochStats[];
  /** The epoch after which `onEpochEnd` stopped the run (a pruned tuning trial); null when it ran its course. */
  stopped_at: number | null;
  best_epoch: number;
  epochs_run: number;
  stopped_early: boolean;
  class_weights: number[];
  seconds: number;
  samples_per_s: number;
}

export interface TrainOptions {
  model: Strategy['model'];
  training: Strategy['training'];
  signal?: AbortSignal | undefined;
  onProgress?: ((p: TrainProgress) => void) | undefined;
  /** Mid-epoch progress at most every this many batches (each report syncs one loss value). */
  progressEveryBatches?: number | undefined;
  /** Injected clock (ms) so timings are testable; defaults to performance.now. */
  now?: (() => number) | undefined;
  /**
   * The loop yields to the event loop after this many ms of work, so an abort fired by a signal
   * handler, a timer or a worker message is seen at the next batch. Default 20 ms.
   */
  yieldEveryMs?: number | undefined;
  /**
   * Told each epoch's figures once they are recorded (before early stopping decides), with the
   * monitored validation loss and the model as it stands; returning true stops the run there (a
   * tuning pruner's verdict). The best weights so far are restored.
   */
  onEpochEnd?: ((stats: EpochStats, monitored: number, model: TF.LayersModel) => boolean | Promise<boolean>) | undefined;
  /**
   * How a step's gradients are computed: 'analytic' (default) runs the hand-written backward pass
   * and one flat optimizer update (fast-step.ts); 'tape' runs tf.variableGrads and the tf.train
   * optimizer. Same objective, clipping, dropout masks and update rules; the tape path is the
   * reference the analytic one is tested against.
   */
  gradients?: 'analytic' | 'tape' | undefined;
}

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

function shuffledIndex(n: number, rng: Rng): Int32Array {
  const idx = new Int32Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1));
    const t = idx[i]!;
    idx[i] = idx[j]!;
    idx[j] = t;
  }
  return idx;
}

/**
 * Mean unweighted cross-entropy and accuracy over a set, in big eval-mode chunks; with class
 * weights also the weighted mean sum(w_y CE) / sum(w_y): the training objective on this set.
 */
export async function evaluateLoss(
  data: LabeledMatrix,
  weights: DenseWeights[],
  spec: Strategy['model'],
  classWeights?: readonly number[],
): Promise<{ loss: number; accuracy: number; weighted_loss: number }> {
  if (data.rows === 0) return { loss: Number.NaN, accuracy: Number.NaN, weighted_loss: Number.NaN };
  const chunk = 8192;
  let lossSum = 0;
  let weightedSum = 0;
  let weightTotal = 0;
  let correct = 0;
  for (let start = 0; start < data.rows; start += chunk) {
    const end = Math.min(data.rows, start + chunk);
    const ys = data.y.subarray(start, end);
    const sampleWeights = classWeights ? Float32Array.from(ys, (c) => classWeights[c] ?? 1) : null;
    const sums = tf.tidy(() => {
      const x = tf.tensor2d(data.x.subarray(start * data.cols, end * data.cols), [end - start, data.cols]);
      const y = tf.tensor1d(ys, 'int32');
      const logits = forwardLogits(x, weights, spec);
      const onehot = tf.oneHot(y, NUM_CLASSES);
      const ce = tf.losses.softmaxCrossEntropy(onehot, logits, undefined, undefined, tf.Reduction.SUM);
      const wce = sampleWeights
        ? tf.losses.softmaxCrossEntropy(onehot, logits, tf.tensor1d(sampleWeights), undefined, tf.Reduction.SUM)
        : ce;
      const hits = tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), y), 'float32'));
      return tf.stack([ce, hits, wce]);
    });
    // One read per chunk, asynchronous: a GPU backend (webgpu) cannot read synchronously.
    const [l = 0, c = 0, wl = 0] = (await sums.data()) as Float32Array;
    sums.dispose();
    lossSum += l;
    correct += c;
    weightedSum += wl;
    weightTotal += sampleWeights ? sampleWeights.reduce((a, b) => a + b, 0) : end - start;
  }
  return { loss: lossSum / data.rows, accuracy: correct / data.rows, weighted_loss: weightedSum / weightTotal };
}

/**
 * Training rows an epoch's training accuracy is measured on: at most this many, spread evenly
 * over the training set, fixed for the run. One forward pass over them costs a small fraction of
 * an epoch (forward and backward over every row) once the set is larger; the curve shows the gap
 * to validation accuracy, which a sample of this size estimates within about 1 point.
 */
export const TRAIN_ACCURACY_ROWS = 2048;

/** Every k-th row of `data`, at most `max` rows (all of them when it has fewer). */
export function evenSample(data: LabeledMatrix, max: number): LabeledMatrix {
  if (data.rows <= max) return data;
  const step = data.rows / max;
  const x = new Float32Array(max * data.cols);
  const y = new Int32Array(max);
  for (let i = 0; i < max; i++) {
    const r = Math.floor(i * step);
    x.set(data.x.subarray(r * data.cols, (r + 1) * data.cols), i * data.cols);
    y[i] = data.y[r]!;
  }
  return { rows: max, cols: data.cols, x, y };
}

/** Copies of the weights (the cpu backend's data() hands out its own buffer, hence the slice). */
async function snapshot(weights: DenseWeights[]): Promise<Float32Array[]> {
  const values = await Promise.all(weights.flatMap((w) => [w.kernel.data(), w.bias.data()]));
  return values.map((v) => (v as Float32Array).slice());
}

function restore(weights: DenseWeights[], values: Float32Array[]): void {
  const vars = weights.flatMap((w) => [w.kernel, w.bias]);
  vars.forEach((v, i) => tf.tidy(() => v.assign(tf.tensor(values[i]!, v.shape))));
}

/**
 * Trains the layers model in place with a hand-written step (forward over fused matmuls, weighted
 * cross-entropy + L2, gradients clipped to a global norm): on wasm it is faster than model.fit and
 * gives us per-batch cancellation. Early stopping restores the best validation-loss weights.
 */
export async function trainModel(
  model: TF.LayersModel,
  train: LabeledMatrix,
  val: LabeledMatrix,
  opts: TrainOptions,
): Promise<TrainOutcome> {
  const now = opts.now ?? (() => performance.now());
  const t0 = now();
  const { training: cfg, model: spec } = opts;
  const weights = denseWeights(model);
  const classWeights = cfg.class_weighting === 'balanced' ? balancedClassWeights(train.y, NUM_CLASSES) : [1, 1, 1];
  const rng = createRng(cfg.seed);
  const trainer = (opts.gradients ?? 'analytic') === 'analytic' ? createFastStep(weights, spec, cfg) : createTapeStep(weights, spec, cfg);
  const batch = Math.max(1, Math.min(cfg.batch_size, train.rows));
  const batches = Math.ceil(train.rows / batch);
  const every = Math.max(1, opts.progressEveryBatches ?? 50);
  const history: EpochStats[] = [];
  const trainSample = evenSample(train, TRAIN_ACCURACY_ROWS);
  let best = { loss: Number.POSITIVE_INFINITY, epoch: 0, values: await snapshot(weights) };
  // On a backend that cannot read synchronously (webgpu) the batch losses stay on the device and
  // are summed there; the host reads them at progress reports and epoch ends only.
  const onDevice = !canReadSync();
  let stale = 0;
  let step = 0;
  let stoppedEarly = false;
  let stoppedAt: number | null = null;
  const yieldEvery = opts.yieldEveryMs ?? 20;
  let lastYield = now();

  const cols = train.cols;
  // Batches are uploaded from JS typed arrays: on wasm, slicing or gathering a large device tensor
  // costs milliseconds per batch (it scales with the source), an upload of one batch microseconds.
  const xs = new Float32Array(train.rows * cols);
  // Targets carry the class weight: -sum(target * log softmax) is then the weighted cross-entropy.
  const ts = new Float32Array(train.rows * NUM_CLASSES);
  try {
    for (let epoch = 1; epoch <= cfg.epochs; epoch++) {
      const te = now();
      const perm = shuffledIndex(train.rows, rng);
      ts.fill(0);
      for (let i = 0; i < train.rows; i++) {
        const r = perm[i]!;
        xs.set(train.x.subarray(r * cols, (r + 1) * cols), i * cols);
        const c = train.y[r]!;
        ts[i * NUM_CLASSES + c] = classWeights[c]!;
      }
      let lossSum = 0;
      let deviceSum: TF.Scalar | undefined;
      const reads: Promise<void>[] = [];
      for (let b = 0; b < batches; b++) {
        if (now() - lastYield >= yieldEvery) {
          await yieldToEventLoop();
          lastYield = now();
        }
        if (opts.signal?.aborted) throw cancelledError(opts.signal.reason);
        const start = b * batch;
        const size = Math.min(batch, train.rows - start);
        const seed = cfg.seed * 1_000_003 + step * 97;
        step++;
        const xb = xs.subarray(start * cols, (start + size) * cols);
        const tb = ts.subarray(start * NUM_CLASSES, (start + size) * NUM_CLASSES);
        const report = opts.onProgress !== undefined && (b + 1) % every === 0 && b + 1 < batches;
        const progress = (loss: number) =>
          opts.onProgress!({ phase: 'training', epoch, epochs: cfg.epochs, batch: b + 1, batches, loss, epoch_end: false });
        if (onDevice) {
          const l = trainer.stepOnDevice(xb, tb, size, seed);
          const sum: TF.Scalar = deviceSum ? tf.add(deviceSum, l) : tf.clone(l);
          deviceSum?.dispose();
          deviceSum = sum;
          if (report) {
            // Read without waiting: the loop keeps queueing steps while the value comes back, so a
            // progress report never drains the GPU's queue. Reports are delivered before the epoch's end.
            const read = l.data().then((v) => (l.dispose(), progress((v as Float32Array)[0]!)));
            read.catch(() => undefined); // awaited at the epoch's end; a cancelled run may never get there
            reads.push(read);
          } else {
            l.dispose();
          }
        } else {
          const batchLoss = trainer.step(xb, tb, size, seed);
          lossSum += batchLoss;
          if (report) progress(batchLoss);
        }
      }
      await Promise.all(reads.splice(0));
      if (deviceSum) {
        lossSum = ((await deviceSum.data()) as Float32Array)[0]!;
        deviceSum.dispose();
      }
      const loss = lossSum / batches;
      const v = await evaluateLoss(val, weights, spec, classWeights);
      const accuracy = (await evaluateLoss(trainSample, weights, spec)).accuracy;
      const stats: EpochStats = { epoch, loss, accuracy, val_loss: v.loss, val_accuracy: v.accuracy, seconds: (now() - te) / 1000 };
      history.push(stats);
      opts.onProgress?.({
        phase: 'training',
        epoch,
        epochs: cfg.epochs,
        batch: batches,
        batches,
        loss,
        val_loss: v.loss,
        val_accuracy: v.accuracy,
        epoch_end: true,
      });
      // Early stopping watches the objective the model is trained on (class-weighted when weighting
      // is balanced): the unweighted loss of a balanced-weight model rises as it learns the rare
      // classes, and stopped most small models after their first epoch, before they learnt anything.
      const monitored = Number.isFinite(v.weighted_loss) ? v.weighted_loss : Number.isFinite(v.loss) ? v.loss : loss;
      if (monitored < best.loss) best = { loss: monitored, epoch, values: await snapshot(weights) };
      if (opts.onEpochEnd && (await opts.onEpochEnd(stats, monitored, model))) {
        stoppedAt = epoch;
        break;
      }
      if (best.epoch === epoch) {
        stale = 0;
      } else if (cfg.early_stopping_patience > 0 && ++stale >= cfg.early_stopping_patience) {
        stoppedEarly = epoch < cfg.epochs;
        break;
      }
    }
    restore(weights, best.values);
  } finally {
    trainer.dispose();
  }
  const seconds = (now() - t0) / 1000;
  return {
    history,
    stopped_at: stoppedAt,
    best_epoch: best.epoch,
    epochs_run: history.length,
    stopped_early: stoppedEarly,
    class_weights: classWeights,
    seconds,
    samples_per_s: seconds > 0 ? (train.rows * history.length) / seconds : 0,
  };
}
