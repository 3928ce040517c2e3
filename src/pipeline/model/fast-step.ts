import type * as TF from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { tf } from '../backend/tf.js';
import type { Strategy } from '../../domain/strategy.js';
import { NUM_CLASSES, type DenseWeights } from './build.js';
import { dropoutMask } from './alea.js';
import type { TrainStep } from './tape-step.js';

/**
 * The MLP's training step with the backward pass written out (dense layers, the five
 * activations, dropout, class-weighted softmax cross-entropy, L2 on kernels) and the optimizer
 * run once over all parameters held in one flat buffer, every kernel called straight through the
 * engine. At the model's sizes a step is dominated by per-kernel overhead, not arithmetic: the tape
 * path (tf.variableGrads + tf.train optimizers) runs about 190 kernels a step, plus a scalar
 * upload for nearly every constant; this runs about 45 (relu, dropout, Adam). Same objective,
 * gradients, clipping and optimizer formulas as the tape path (train.ts); the dropout masks are
 * drawn from the same seeded stream as tf.dropout, so both paths see identical masks.
 */

type Spec = Strategy['model'];
type Cfg = Strategy['training'];
type Tensor = TF.Tensor;

/** A kernel that copies slices of a flat float32 tensor into new tensors of the given shapes, on wasm. */
const SPLIT_FLAT = 'TrainyardSplitFlat';

/**
 * SplitV on wasm copies the whole source out of the heap once per slice (~70 µs for the six
 * pieces of the canonical MLP's parameters); this one-kernel split copies each piece once (~5 µs).
 */
function ensureSplitKernel(): boolean {
  if (tf.getBackend() !== 'wasm') return false;
  if (!tf.getKernel(SPLIT_FLAT, 'wasm')) {
    tf.registerKernel({
      kernelName: SPLIT_FLAT,
      backendName: 'wasm',
      kernelFunc: ({ inputs, attrs, backend }) => {
        const be = backend as BackendWasm;
        const x = inputs['x'] as TF.TensorInfo;
        const shapes = (attrs as unknown as { shapes: number[][] }).shapes;
        const outs = shapes.map((shape) => be.makeOutput(shape, 'float32'));
        // Views of the heap are taken after the allocations, which may have grown (moved) it.
        const src = be.typedArrayFromHeap(x);
        let offset = 0;
        for (const out of outs) {
          const dst = be.typedArrayFromHeap(out);
          dst.set(src.subarray(offset, offset + dst.length));
          offset += dst.length;
        }
        return outs;
      },
    });
  }
  return true;
}

export function createFastStep(weights: DenseWeights[], spec: Spec, cfg: Cfg): TrainStep {
  const engine = tf.engine();
  const run = (kernel: string, inputs: TF.NamedTensorMap, attrs: object = {}): Tensor =>
    engine.runKernel(kernel, inputs, attrs as TF.NamedAttrMap) as Tensor;
  const runs = (kernel: string, inputs: TF.NamedTensorMap, attrs: object = {}): Tensor[] =>
    engine.runKernel(kernel, inputs, attrs as TF.NamedAttrMap) as unknown as Tensor[];
  const add = (a: Tensor, b: Tensor) => run('Add', { a, b });
  const sub = (a: Tensor, b: Tensor) => run('Sub', { a, b });
  const mul = (a: Tensor, b: Tensor) => run('Multiply', { a, b });
  const div = (a: Tensor, b: Tensor) => run('RealDiv', { a, b });
  const square = (x: Tensor) => run('Square', { x });
  const sqrt = (x: Tensor) => run('Sqrt', { x });
  const reshape = (x: Tensor, shape: number[]) => run('Reshape', { x }, { shape });
  const transpose = (x: Tensor) => run('Transpose', { x }, { perm: [0, 2, 1] });
  const matMul = (a: Tensor, b: Tensor) => run('BatchMatMul', { a, b }, { transposeA: false, transposeB: false });
  const sumAll = (x: Tensor) => run('Sum', { x }, { axis: [0], keepDims: false });
  const readScalar = (x: Tensor) => x.dataSync()[0]!;

  const layers = weights.length;
  const vars = weights.flatMap((w) => [w.kernel, w.bias]);
  const shapes = vars.map((v) => v.shape.slice());
  const sizes = shapes.map((s) => s.reduce((a, b) => a * b, 1));
  const total = sizes.reduce((a, b) => a + b, 0);
  const cols = weights[0]!.kernel.shape[0]!;
  const units = weights.map((w) => w.kernel.shape[1]!);
  const act = spec.activation;
  const fusable = act === 'relu' || act === 'elu' || act === 'sigmoid';
  const dropout = spec.dropout > 0;
  const wasmSplit = ensureSplitKernel();

  // Constants are uploaded once; every scalar a tf op is given as a number is an upload per call.
  const keep: Tensor[] = [];
  const constant = (v: number | Float32Array, shape: number[] = []): Tensor => {
    const t = tf.keep(typeof v === 'number' ? tf.scalar(v) : tf.tensor(v, shape));
    keep.push(t);
    return t;
  };
  const one = constant(1);
  // tf.selu's constants (selu_util.ts).
  const seluScale = 1.0507009873554805;
  const seluScaleAlpha = 1.7580993408473768;
  const cSeluScale = constant(seluScale);
  const cSeluScaleAlpha = constant(seluScaleAlpha);
  const lr = cfg.learning_rate;
  const eps = tf.backend().epsilon();
  // L2: d/dW l2·ΣW² = 2·l2·W on kernel entries, nothing on biases.
  let l2Coef: Tensor | undefined;
  if (spec.l2 > 0) {
    const c = new Float32Array(total);
    let off = 0;
    sizes.forEach((n, i) => {
      if (i % 2 === 0) c.fill(2 * spec.l2, off, off + n);
      off += n;
    });
    l2Coef = constant(c, [total]);
  }

  const variable = (init: Tensor): TF.Variable => {
    const v = tf.variable(init, false);
    init.dispose();
    return v;
  };
  const zeros = () => variable(tf.zeros([total]));
  const P = variable(tf.tidy(() => tf.concat(vars.map((v) => tf.reshape(v, [-1])))));
  const state: TF.Variable[] = [];
  let t = 0;
  let optimizerStep: (g: Tensor, g2: Tensor) => Tensor;
  switch (cfg.optimizer) {
    case 'sgd': {
      const cLr = constant(lr);
      optimizerStep = (g) => sub(P, mul(cLr, g));
      break;
    }
    case 'momentum': {
      const acc = zeros();
      state.push(acc);
      const [cMu, cLr] = [constant(0.9), constant(lr)];
      optimizerStep = (g) => {
        const a = add(mul(acc, cMu), g);
        acc.assign(a as TF.Variable);
        return sub(P, mul(cLr, a));
      };
      break;
    }
    case 'rmsprop': {
      const ms = zeros();
      state.push(ms);
      const decay = 0.9;
      const [cDecay, c1mDecay, cEps, cLr] = [constant(decay), constant(1 - decay), constant(eps), constant(lr)];
      optimizerStep = (g, g2) => {
        const m = add(mul(ms, cDecay), mul(g2, c1mDecay));
        ms.assign(m as TF.Variable);
        return sub(P, div(mul(g, cLr), sqrt(add(m, cEps))));
      };
      break;
    }
    case 'adam': {
      const [m, v] = [zeros(), zeros()];
      state.push(m, v);
      const [b1, b2] = [0.9, 0.999];
      const [cB1, c1mB1, cB2, c1mB2] = [constant(b1), constant(1 - b1), constant(b2), constant(1 - b2)];
      optimizerStep = (g, g2) => {
        // lr·m̂/(√v̂ + ε) with m̂ = m/(1-β1ᵗ), v̂ = v/(1-β2ᵗ), rewritten as lrₜ·m/(√v + εₜ): two scalars per step.
        const c2 = Math.sqrt(1 - b2 ** t);
        const lrT = tf.scalar((lr * c2) / (1 - b1 ** t));
        const epsT = tf.scalar(eps * c2);
        const m1 = add(mul(m, cB1), mul(g, c1mB1));
        const v1 = add(mul(v, cB2), mul(g2, c1mB2));
        m.assign(m1 as TF.Variable);
        v.assign(v1 as TF.Variable);
        return sub(P, div(mul(m1, lrT), add(sqrt(v1), epsT)));
      };
      break;
    }
  }

  /** Pieces of P as the variables' shapes. */
  const split = (): Tensor[] =>
    wasmSplit
      ? runs(SPLIT_FLAT, { x: P }, { shapes })
      : runs('SplitV', { x: P }, { numOrSizeSplits: sizes, axis: 0 }).map((piece, i) => reshape(piece, shapes[i]!));

  // Reused host buffers: one dropout mask per hidden layer.
  let capacity = 0;
  let masks: Float32Array[] = [];
  const ensure = (size: number) => {
    if (size <= capacity) return;
    capacity = size;
    masks = units.slice(0, -1).map((u) => new Float32Array(size * u));
  };

  /** act'(z) from h = act(z) (and z where needed), times the incoming gradient. */
  const activationGrad = (dh: Tensor, h: Tensor): Tensor => {
    switch (act) {
      case 'relu':
        return mul(dh, run('Step', { x: h }, { alpha: 0 }));
      case 'elu':
        return run('EluGrad', { dy: dh, y: h });
      case 'sigmoid':
        return mul(dh, mul(h, sub(one, h)));
      case 'tanh':
        return mul(dh, sub(one, square(h)));
      case 'selu': {
        // z > 0 (h > 0): scale; otherwise scale·α·eᶻ = h + scale·α.
        const e = add(h, cSeluScaleAlpha);
        const pos = run('Step', { x: h }, { alpha: 0 });
        return mul(dh, add(e, mul(pos, sub(cSeluScale, e))));
      }
    }
  };

  const step = (x: Float32Array, targets: Float32Array, size: number, dropoutSeed: number): number => {
    ensure(size);
    t++;
    // dlogits = (softmax·w_y - target)/size: rows of targets sum to the row's class weight.
    const tScaled = new Float32Array(size * NUM_CLASSES);
    const wScaled = new Float32Array(size);
    for (let r = 0; r < size; r++) {
      let w = 0;
      for (let c = 0; c < NUM_CLASSES; c++) {
        tScaled[r * NUM_CLASSES + c] = targets[r * NUM_CLASSES + c]! / size;
        w += targets[r * NUM_CLASSES + c]!;
      }
      wScaled[r] = w / size;
    }
    if (dropout) masks.forEach((m, i) => dropoutMask(m, size * units[i]!, spec.dropout, dropoutSeed + i));

    let logitValues: Float32Array | undefined;
    let l2Value = 0;
    let normSq = 0;
    tf.tidy(() => {
      const params = vars.map((v, i) => (i % 2 === 0 ? reshape(v, [1, ...shapes[i]!]) : v));
      const inputs: Tensor[] = [tf.tensor(x.subarray(0, size * cols), [1, size, cols])];
      const outputs: Tensor[] = []; // h_i = act(z_i), before dropout
      const maskT: Tensor[] = [];
      for (let i = 0; i < layers; i++) {
        const last = i === layers - 1;
        const a = inputs[i]!;
        const W = params[2 * i]!;
        const b = params[2 * i + 1]!;
        let h: Tensor;
        if (last || fusable) {
          h = run('_FusedMatMul', { a, b: W, bias: b }, { transposeA: false, transposeB: false, activation: last ? 'linear' : act });
        } else {
          const z = run('_FusedMatMul', { a, b: W, bias: b }, { transposeA: false, transposeB: false, activation: 'linear' });
          h = run(act === 'tanh' ? 'Tanh' : 'Selu', { x: z });
        }
        outputs.push(h);
        if (last) break;
        if (dropout) {
          const mk = tf.tensor(masks[i]!.subarray(0, size * units[i]!), [1, size, units[i]!]);
          maskT.push(mk);
          inputs.push(mul(h, mk));
        } else {
          inputs.push(h);
        }
      }
      const logits = outputs[layers - 1]!;
      logitValues = logits.dataSync() as Float32Array;
      const probs = run('Softmax', { logits }, { dim: 2 });
      let grad = sub(mul(probs, tf.tensor(wScaled, [1, size, 1])), tf.tensor(tScaled, [1, size, NUM_CLASSES]));
      const pieces: Tensor[] = new Array<Tensor>(2 * layers);
      for (let i = layers - 1; i >= 0; i--) {
        const aT = transpose(inputs[i]!);
        pieces[2 * i] = reshape(matMul(aT, grad), [sizes[2 * i]!]);
        pieces[2 * i + 1] = run('Sum', { x: grad }, { axis: [0, 1], keepDims: false });
        if (i === 0) break;
        let da = matMul(grad, transpose(params[2 * i]!));
        if (dropout) da = mul(da, maskT[i - 1]!);
        grad = activationGrad(da, outputs[i - 1]!);
      }
      let g = run('Concat', pieces as unknown as TF.NamedTensorMap, { axis: 0 });
      if (l2Coef) {
        const gl2 = mul(l2Coef, P);
        l2Value = readScalar(sumAll(mul(gl2, P))) / 2;
        g = add(g, gl2);
      }
      let g2 = square(g);
      normSq = readScalar(sumAll(g2));
      const norm = Math.sqrt(normSq);
      if (norm > cfg.gradient_clip) {
        const scale = cfg.gradient_clip / (norm + 1e-6);
        g = mul(g, tf.scalar(scale));
        g2 = square(g);
      }
      P.assign(optimizerStep(g, g2) as TF.Variable);
      split().forEach((piece, i) => vars[i]!.assign(piece as TF.Variable));
    });

    // Mean weighted cross-entropy, -Σ target·log softmax(logits) / size, from the logits read back.
    const l = logitValues!;
    let ce = 0;
    for (let r = 0; r < size; r++) {
      let max = -Infinity;
      for (let c = 0; c < NUM_CLASSES; c++) max = Math.max(max, l[r * NUM_CLASSES + c]!);
      let s = 0;
      for (let c = 0; c < NUM_CLASSES; c++) s += Math.exp(l[r * NUM_CLASSES + c]! - max);
      const lse = max + Math.log(s);
      for (let c = 0; c < NUM_CLASSES; c++) {
        const w = targets[r * NUM_CLASSES + c]!;
        if (w !== 0) ce += w * (lse - l[r * NUM_CLASSES + c]!);
      }
    }
    return ce / size + l2Value;
  };

  return {
    step,
    dispose: () => {
      tf.dispose([P, ...state, ...keep]);
    },
  };
}
