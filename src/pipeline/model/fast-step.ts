import type * as TF from '@tensorflow/tfjs';
import { tf } from '../backend/tf.js';
import type { Strategy } from '../../domain/strategy.js';
import { NUM_CLASSES, type DenseWeights } from './build.js';
import { ensureDeviceMasks, maskTensor } from './dropout-mask.js';
import type { TrainStep } from './tape-step.js';
import {
  APPLY_GRADIENTS,
  DENSE_BACKWARD,
  SELU_SCALE,
  SELU_SCALE_ALPHA,
  SOFTMAX_CROSS_ENTROPY,
  ensureFusedKernels,
  softmaxCrossEntropy,
  stateCount,
  type ApplyAttrs,
} from './kernels.js';

/**
 * The MLP's training step with the backward pass written out (dense layers, the five
 * activations, dropout, class-weighted softmax cross-entropy, L2 on kernels), every kernel called
 * straight through the engine (an op call adds a scope and argument checks to each). On the wasm
 * and cpu backends the elementwise work and the whole parameter update (L2, clipping, optimizer)
 * run as fused kernels (kernels.ts); elsewhere the same steps are composed from stock kernels,
 * the update over one flat copy of the parameters. At the model's sizes a step costs per-kernel
 * overhead more than arithmetic: for relu, dropout and Adam the tape path (tf.variableGrads,
 * tf.train) runs 191 kernels a step plus a scalar upload for nearly every constant, the composed
 * path 57, the fused one 22 (3 of them free reshapes): 3 fused matmuls forward, 5 matmuls and 5
 * transposes back. Same objective, gradients, clipping and update rules as the tape path
 * (tape-step.ts), and both paths apply the same counter-based dropout masks (dropout-mask.ts),
 * drawn on the GPU under webgpu and in JS elsewhere, bit for bit the same.
 */
type Spec = Strategy['model'];
type Cfg = Strategy['training'];
type Tensor = TF.Tensor;

export interface FastStepOptions {
  /** Use the fused kernels where the backend has them (default); false composes the same steps from tf ops (tests). */
  fusedKernels?: boolean;
}

export function createFastStep(weights: DenseWeights[], spec: Spec, cfg: Cfg, opts: FastStepOptions = {}): TrainStep {
  const engine = tf.engine();
  const run = (kernel: string, inputs: TF.NamedTensorMap, attrs: object = {}): Tensor =>
    engine.runKernel(kernel, inputs, attrs as TF.NamedAttrMap) as Tensor;
  const runs = (kernel: string, inputs: TF.NamedTensorMap, attrs: object = {}): Tensor[] =>
    engine.runKernel(kernel, inputs, attrs as TF.NamedAttrMap) as unknown as Tensor[];
  const add = (a: Tensor, b: Tensor) => run('Add', { a, b });
  const sub = (a: Tensor, b: Tensor) => run('Sub', { a, b });
  const mul = (a: Tensor, b: Tensor) => run('Multiply', { a, b });
  const square = (x: Tensor) => run('Square', { x });
  const reshape = (x: Tensor, shape: number[]) => run('Reshape', { x }, { shape });
  const transpose = (x: Tensor) => run('Transpose', { x }, { perm: [0, 2, 1] });
  const matMul = (a: Tensor, b: Tensor) => run('BatchMatMul', { a, b }, { transposeA: false, transposeB: false });
  const step = (x: Tensor) => run('Step', { x }, { alpha: 0 });

  const layers = weights.length;
  const vars = weights.flatMap((w) => [w.kernel, w.bias]);
  const cols = weights[0]!.kernel.shape[0]!;
  const units = weights.map((w) => w.kernel.shape[1]!);
  const act = spec.activation;
  const fusable = act === 'relu' || act === 'elu' || act === 'sigmoid';
  const dropout = spec.dropout > 0;

  // Constants are uploaded once (a number given to a tf op is an upload per call).
  const kept: Tensor[] = [];
  const constant = (v: number): Tensor => {
    const t = tf.keep(tf.scalar(v));
    kept.push(t);
    return t;
  };
  const one = constant(1);
  const seluScale = constant(SELU_SCALE);
  const seluScaleAlpha = constant(SELU_SCALE_ALPHA);

  const fused = opts.fusedKernels !== false && ensureFusedKernels();
  const update = fused ? fusedUpdate(vars, cfg, spec, runs) : composedUpdate(vars, cfg, spec, run, runs);

  // Reused host buffers: one dropout mask per hidden layer.
  let capacity = 0;
  let masks: Float32Array[] = [];
  // On webgpu the masks are drawn on the device: no host buffers, nothing uploaded.
  const deviceMasks = dropout && ensureDeviceMasks();

  /** act'(z) times the incoming gradient, from h = act(z) (composed path). */
  const activationGrad = (dh: Tensor, h: Tensor): Tensor => {
    switch (act) {
      case 'relu':
        return mul(dh, step(h));
      case 'elu':
        return run('EluGrad', { dy: dh, y: h });
      case 'sigmoid':
        return mul(dh, mul(h, sub(one, h)));
      case 'tanh':
        return mul(dh, sub(one, square(h)));
      case 'selu': {
        // z > 0 (h > 0): scale; otherwise scale·α·eᶻ = h + scale·α.
        const e = add(h, seluScaleAlpha);
        return mul(dh, add(e, mul(step(h), sub(seluScale, e))));
      }
    }
  };

  /**
   * The loss head over logits [1, rows, 3]: d(loss)/d(logits), the output bias gradient, and the
   * batch's mean weighted cross-entropy (read when the step is done).
   */
  const head = (
    z: Tensor,
    targets: Float32Array,
    size: number,
    onDevice: boolean,
  ): { grad: Tensor; db: Tensor; loss: () => number; lossOnDevice?: Tensor } => {
    const t = targets.subarray(0, size * NUM_CLASSES);
    if (fused) {
      const [grad, db, loss] = runs(SOFTMAX_CROSS_ENTROPY, { logits: z, targets: tf.tensor(t, [1, size, NUM_CLASSES]) });
      return { grad: grad!, db: db!, loss: () => loss!.dataSync()[0]!, lossOnDevice: loss! };
    }
    // (softmax·w_r - t) / size, w_r the row's class weight (its target sum).
    const tScaled = t.map((v) => v / size);
    const wScaled = new Float32Array(size);
    for (let r = 0; r < size; r++) for (let c = 0; c < NUM_CLASSES; c++) wScaled[r] = wScaled[r]! + t[r * NUM_CLASSES + c]! / size;
    const probs = run('Softmax', { logits: z }, { dim: 2 });
    const grad = sub(mul(probs, tf.tensor(wScaled, [1, size, 1])), tf.tensor(tScaled, [1, size, NUM_CLASSES]));
    const db = run('Sum', { x: grad }, { axis: [0, 1], keepDims: false });
    if (onDevice) {
      // -Σ t·log softmax(z) / rows, computed where the logits are (nothing read back to the host).
      const lossOnDevice = tf.neg(tf.sum(tf.mul(tf.tensor(tScaled, [1, size, NUM_CLASSES]), tf.logSoftmax(z))));
      return { grad, db, loss: () => Number.NaN, lossOnDevice };
    }
    const logits = z.dataSync() as Float32Array;
    const loss = () => softmaxCrossEntropy(logits, t, size, NUM_CLASSES, new Float32Array(t.length), new Float32Array(NUM_CLASSES));
    return { grad, db, loss };
  };

  /** A hidden layer's dz and bias gradient from da, the gradient at its (dropped-out) output. */
  const hiddenBackward = (da: Tensor, h: Tensor, mask: Tensor | undefined): { grad: Tensor; db: Tensor } => {
    if (fused) {
      const [grad, db] = runs(DENSE_BACKWARD, mask ? { da, h, mask } : { da, h }, { activation: act });
      return { grad: grad!, db: db! };
    }
    const grad = activationGrad(mask ? mul(da, mask) : da, h);
    return { grad, db: run('Sum', { x: grad }, { axis: [0, 1], keepDims: false }) };
  };

  /** One step; onDevice keeps the batch objective on the device (a kept scalar), else it is read back. */
  const train = (x: Float32Array, targets: Float32Array, size: number, dropoutSeed: number, onDevice: boolean): number | Tensor => {
    if (dropout && !deviceMasks && size > capacity) {
      capacity = size;
      masks = units.slice(0, -1).map((u) => new Float32Array(size * u));
    }

    let loss = 0;
    const lossOnDevice = tf.tidy(() => {
      // Activations are rank 3, [1, rows, units]: the rank _FusedMatMul works in.
      const inputs: Tensor[] = [tf.tensor(x.subarray(0, size * cols), [1, size, cols])];
      const outputs: Tensor[] = []; // h = act(z), before dropout
      const maskT: Tensor[] = [];
      const kernels3d = weights.map((w) => reshape(w.kernel, [1, ...w.kernel.shape]));
      for (let i = 0; i < layers; i++) {
        const last = i === layers - 1;
        const dense = { a: inputs[i]!, b: kernels3d[i]!, bias: weights[i]!.bias };
        const attrs = { transposeA: false, transposeB: false };
        const h =
          last || fusable
            ? run('_FusedMatMul', dense, { ...attrs, activation: last ? 'linear' : act })
            : run(act === 'tanh' ? 'Tanh' : 'Selu', { x: run('_FusedMatMul', dense, { ...attrs, activation: 'linear' }) });
        outputs.push(h);
        if (last) break;
        if (dropout) {
          // Computed on the device on webgpu; elsewhere filled into the reused host buffer and uploaded.
          const mask = maskTensor([1, size, units[i]!], spec.dropout, dropoutSeed + i, masks[i]);
          maskT.push(mask);
          inputs.push(mul(h, mask));
        } else {
          inputs.push(h);
        }
      }
      const out = head(outputs[layers - 1]!, targets, size, onDevice);
      let grad = out.grad;
      let db = out.db;
      const grads: Tensor[] = new Array<Tensor>(2 * layers);
      for (let i = layers - 1; i >= 0; i--) {
        grads[2 * i] = matMul(transpose(inputs[i]!), grad);
        grads[2 * i + 1] = db;
        if (i === 0) break;
        ({ grad, db } = hiddenBackward(matMul(grad, transpose(kernels3d[i]!)), outputs[i - 1]!, maskT[i - 1]));
      }
      if (onDevice) return add(out.lossOnDevice!, update.onDevice(grads));
      const l2Term = update(grads);
      loss = out.loss() + l2Term;
      return undefined;
    });
    return lossOnDevice ?? loss;
  };

  return {
    step: (x, targets, size, dropoutSeed) => train(x, targets, size, dropoutSeed, false) as number,
    stepOnDevice: (x, targets, size, dropoutSeed) => train(x, targets, size, dropoutSeed, true) as TF.Scalar,
    dispose: () => {
      update.dispose();
      tf.dispose(kept);
    },
  };
}

/**
 * Applies the gradients (one per variable, any shape) to the variables; returns l2·ΣW² before the
 * update, read back, or (`onDevice`) as a scalar on the device, where nothing is read back.
 */
type Update = ((grads: Tensor[]) => number) & { onDevice(grads: Tensor[]): Tensor; dispose(): void };

type Run = (kernel: string, inputs: TF.NamedTensorMap, attrs?: object) => Tensor;
type Runs = (kernel: string, inputs: TF.NamedTensorMap, attrs?: object) => Tensor[];

const isKernelList = (vars: TF.Variable[]) => vars.map((_, i) => i % 2 === 0);
const size = (v: TF.Variable) => v.shape.reduce((a, b) => a * b, 1);

function stateVariables(n: number, total: number): TF.Variable[] {
  return Array.from({ length: n }, () => {
    const init = tf.zeros([total]);
    const v = tf.variable(init, false);
    init.dispose();
    return v;
  });
}

/** The update as one TrainyardApplyGradients kernel: the variables and optimizer state are reassigned its outputs. */
function fusedUpdate(vars: TF.Variable[], cfg: Cfg, spec: Spec, runs: Runs): Update {
  const total = vars.reduce((n, v) => n + size(v), 0);
  const state = stateVariables(stateCount[cfg.optimizer], total);
  const attrs: ApplyAttrs = {
    optimizer: cfg.optimizer,
    learningRate: cfg.learning_rate,
    clip: cfg.gradient_clip,
    l2: spec.l2,
    epsilon: tf.backend().epsilon(),
    step: 0,
    isKernel: isKernelList(vars),
  };
  const apply = (grads: Tensor[]): Tensor => {
    attrs.step++;
    const inputs: TF.NamedTensorMap = {};
    vars.forEach((v, k) => {
      inputs[`p${k}`] = v;
      inputs[`g${k}`] = grads[k]!;
    });
    state.forEach((s, k) => (inputs[`s${k}`] = s));
    const outs = runs(APPLY_GRADIENTS, inputs, attrs);
    vars.forEach((v, k) => v.assign(outs[k]!));
    state.forEach((s, k) => s.assign(outs[vars.length + k]!));
    return outs[outs.length - 1]!;
  };
  const fn = (grads: Tensor[]): number => apply(grads).dataSync()[0]!;
  return Object.assign(fn, { onDevice: apply, dispose: () => tf.dispose(state) });
}

/**
 * The same update composed from tf ops over one flat copy of the parameters (for backends without
 * the fused kernel): concat the gradients, clip on the norm read back, one optimizer step over the
 * flat buffer (11 kernels for Adam, against 6 x 14 per variable in tf.train), split back.
 */
function composedUpdate(vars: TF.Variable[], cfg: Cfg, spec: Spec, run: Run, runs: Runs): Update {
  const sizes = vars.map(size);
  const shapes = vars.map((v) => v.shape.slice());
  const total = sizes.reduce((a, b) => a + b, 0);
  const kept: Tensor[] = [];
  const constant = (v: number | Float32Array): Tensor => {
    const t = tf.keep(typeof v === 'number' ? tf.scalar(v) : tf.tensor1d(v));
    kept.push(t);
    return t;
  };
  const add = (a: Tensor, b: Tensor) => run('Add', { a, b });
  const sub = (a: Tensor, b: Tensor) => run('Sub', { a, b });
  const mul = (a: Tensor, b: Tensor) => run('Multiply', { a, b });
  const div = (a: Tensor, b: Tensor) => run('RealDiv', { a, b });
  const sqrt = (x: Tensor) => run('Sqrt', { x });
  const sumAll = (x: Tensor) => run('Sum', { x }, { axis: [0], keepDims: false });
  const flat = (x: Tensor) => run('Reshape', { x }, { shape: [-1] });
  const lr = cfg.learning_rate;
  const eps = tf.backend().epsilon();
  // d/dW l2·ΣW² = 2·l2·W on kernel entries, nothing on biases.
  let l2Coef: Tensor | undefined;
  if (spec.l2 > 0) {
    const c = new Float32Array(total);
    let off = 0;
    sizes.forEach((n, i) => {
      if (i % 2 === 0) c.fill(2 * spec.l2, off, off + n);
      off += n;
    });
    l2Coef = constant(c);
  }
  const init = tf.tidy(() => tf.concat(vars.map((v) => tf.reshape(v, [-1]))));
  const P = tf.variable(init, false);
  init.dispose();
  const state = stateVariables(stateCount[cfg.optimizer], total);
  let t = 0;
  let optimizerStep: (g: Tensor, g2: Tensor) => Tensor;
  switch (cfg.optimizer) {
    case 'sgd': {
      const cLr = constant(lr);
      optimizerStep = (g) => sub(P, mul(cLr, g));
      break;
    }
    case 'momentum': {
      const [acc] = state as [TF.Variable];
      const [cMu, cLr] = [constant(0.9), constant(lr)];
      optimizerStep = (g) => {
        const a = add(mul(acc, cMu), g);
        acc.assign(a);
        return sub(P, mul(cLr, a));
      };
      break;
    }
    case 'rmsprop': {
      const [ms] = state as [TF.Variable];
      const [cDecay, c1mDecay, cEps, cLr] = [constant(0.9), constant(1 - 0.9), constant(eps), constant(lr)];
      optimizerStep = (g, g2) => {
        const m = add(mul(ms, cDecay), mul(g2, c1mDecay));
        ms.assign(m);
        return sub(P, div(mul(g, cLr), sqrt(add(m, cEps))));
      };
      break;
    }
    case 'adam': {
      const [m, v] = state as [TF.Variable, TF.Variable];
      const [b1, b2] = [0.9, 0.999];
      const [cB1, c1mB1, cB2, c1mB2] = [constant(b1), constant(1 - b1), constant(b2), constant(1 - b2)];
      optimizerStep = (g, g2) => {
        // lr·m̂/(√v̂ + ε) with m̂ = m/(1-β1ᵗ), v̂ = v/(1-β2ᵗ), as lrₜ·m/(√v + εₜ): two scalars a step.
        const c2 = Math.sqrt(1 - b2 ** t);
        const m1 = add(mul(m, cB1), mul(g, c1mB1));
        const v1 = add(mul(v, cB2), mul(g2, c1mB2));
        m.assign(m1);
        v.assign(v1);
        return sub(P, div(mul(m1, tf.scalar((lr * c2) / (1 - b1 ** t))), add(sqrt(v1), tf.scalar(eps * c2))));
      };
      break;
    }
  }
  const [zero, half, clip, clipEps, unit] = [0, 0.5, cfg.gradient_clip, 1e-6, 1].map((v) => constant(v)) as [
    Tensor,
    Tensor,
    Tensor,
    Tensor,
    Tensor,
  ];
  /**
   * One update. Host mode reads the L2 term and the gradient norm back (the clip is skipped when not
   * needed); device mode reads nothing: the factor `norm > clip ? clip/(norm+ε) : 1` is computed on
   * the device (the same rule as torch's clip_grad_norm_).
   */
  const apply = (grads: Tensor[], onDevice: boolean): number | Tensor => {
    t++;
    let g = run('Concat', grads.map(flat) as unknown as TF.NamedTensorMap, { axis: 0 });
    let l2: number | Tensor = onDevice ? zero : 0;
    if (l2Coef) {
      const gl2 = mul(l2Coef, P);
      const term = mul(sumAll(mul(gl2, P)), half);
      l2 = onDevice ? term : term.dataSync()[0]!;
      g = add(g, gl2);
    }
    let g2 = run('Square', { x: g });
    if (onDevice) {
      const norm = sqrt(sumAll(g2));
      g = mul(g, run('Select', { condition: run('Greater', { a: norm, b: clip }), t: div(clip, add(norm, clipEps)), e: unit }));
      g2 = run('Square', { x: g });
    } else {
      const norm = Math.sqrt(sumAll(g2).dataSync()[0]!);
      if (norm > cfg.gradient_clip) {
        g = mul(g, tf.scalar(cfg.gradient_clip / (norm + 1e-6)));
        g2 = run('Square', { x: g });
      }
    }
    P.assign(optimizerStep(g, g2));
    runs('SplitV', { x: P }, { numOrSizeSplits: sizes, axis: 0 }).forEach((piece, i) =>
      vars[i]!.assign(run('Reshape', { x: piece }, { shape: shapes[i]! })),
    );
    return l2;
  };
  const fn = (grads: Tensor[]): number => apply(grads, false) as number;
  return Object.assign(fn, {
    onDevice: (grads: Tensor[]) => apply(grads, true) as Tensor,
    dispose: () => tf.dispose([P, ...state, ...kept]),
  });
}
