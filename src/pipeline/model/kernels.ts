import type * as TF from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { tf } from '../backend/tf.js';
import type { Strategy } from '../../domain/strategy.js';

/**
 * Fused kernels for the analytic training step (fast-step.ts), registered for the backends that
 * keep tensors in CPU memory (wasm, cpu) and written as those backends' own kernels are: loops
 * over the tensors' float32 buffers. At the MLP's sizes a step costs per-kernel dispatch more than
 * arithmetic, and each of these replaces a chain of 3-20 stock kernels:
 *
 * - TrainyardApplyGradients: the whole parameter update, as TensorFlow's ApplyAdam-style kernels
 *   do: L2 gradient, clipping to the global norm, the optimizer step, over every parameter.
 * - TrainyardDenseBackward: a hidden layer's dz = da ⊙ dropout mask ⊙ act'(h) and its bias
 *   gradient Σ_rows dz, from the activation's output h.
 * - TrainyardSoftmaxCrossEntropy: the class-weighted softmax cross-entropy's gradient with respect
 *   to the logits, the output bias gradient and the loss itself.
 *
 * Matrix products stay with the backend's kernels (XNNPACK on wasm).
 */
export const APPLY_GRADIENTS = 'TrainyardApplyGradients';
export const DENSE_BACKWARD = 'TrainyardDenseBackward';
export const SOFTMAX_CROSS_ENTROPY = 'TrainyardSoftmaxCrossEntropy';

export type OptimizerName = Strategy['training']['optimizer'];

/** Optimizer state buffers, each as long as all parameters together. */
export const stateCount: Record<OptimizerName, number> = { sgd: 0, momentum: 1, rmsprop: 1, adam: 2 };

export interface UpdateRule {
  optimizer: OptimizerName;
  learningRate: number;
  /** Clip the gradient (L2 term included) to this global L2 norm. */
  clip: number;
  /** Loss term l2·ΣW² over the parameters flagged as kernels. */
  l2: number;
  /** The backend's epsilon, as tf.train's optimizers take it (1e-7 on float32 backends). */
  epsilon: number;
}

// tf.train's defaults: momentum(lr, 0.9), rmsprop(lr) decay 0.9 momentum 0, adam(lr) 0.9 / 0.999.
const MOMENTUM = 0.9;
const RMS_DECAY = 0.9;
const BETA1 = 0.9;
const BETA2 = 0.999;

/**
 * The update on plain arrays (params, grads: one array per tensor; state: flat over all params),
 * writing new values to `outParams` / `outState` (which may alias the inputs). `step` counts from
 * 1 (Adam's bias correction). Same formulas as tf.train's optimizers, in double precision.
 * Returns l2·ΣW² before the update and the gradient's global norm before clipping.
 */
export function applyUpdate(
  rule: UpdateRule,
  step: number,
  isKernel: readonly boolean[],
  params: readonly Float32Array[],
  grads: readonly Float32Array[],
  state: readonly Float32Array[],
  outParams: readonly Float32Array[],
  outState: readonly Float32Array[],
): { l2Term: number; norm: number } {
  // Plain loops with local accumulators: a double a closure writes lives boxed, one allocation a write.
  const l2c = 2 * rule.l2;
  let sq = 0;
  let l2Sum = 0;
  for (let k = 0; k < params.length; k++) {
    const p = params[k]!;
    const g = grads[k]!;
    const n = p.length;
    if (isKernel[k] && l2c > 0) {
      for (let i = 0; i < n; i++) {
        const gi = g[i]! + l2c * p[i]!;
        sq += gi * gi;
        l2Sum += p[i]! * p[i]!;
      }
    } else {
      for (let i = 0; i < n; i++) sq += g[i]! * g[i]!;
    }
  }
  const norm = Math.sqrt(sq);
  const scale = norm > rule.clip ? rule.clip / (norm + 1e-6) : 1;
  const lr = rule.learningRate;
  const eps = rule.epsilon;
  // Adam's bias correction folded into the step size and epsilon: lr·m̂/(√v̂ + ε) = lrₜ·m/(√v + εₜ).
  const c2 = Math.sqrt(1 - BETA2 ** step);
  const lrT = (lr * c2) / (1 - BETA1 ** step);
  const epsT = eps * c2;
  const [s0, s1] = state;
  const [o0, o1] = outState;
  for (let k = 0, j = 0; k < params.length; k++) {
    const p = params[k]!;
    const g = grads[k]!;
    const out = outParams[k]!;
    const n = p.length;
    const cs = (isKernel[k] ? l2c : 0) * scale; // g_eff = (g + c·p)·scale = g·scale + cs·p
    // j runs over the flat state, i over this tensor.
    switch (rule.optimizer) {
      case 'sgd':
        for (let i = 0; i < n; i++) out[i] = p[i]! - lr * (g[i]! * scale + cs * p[i]!);
        break;
      case 'momentum':
        for (let i = 0; i < n; i++, j++) {
          const a = MOMENTUM * s0![j]! + (g[i]! * scale + cs * p[i]!);
          o0![j] = a;
          out[i] = p[i]! - lr * a;
        }
        break;
      case 'rmsprop':
        for (let i = 0; i < n; i++, j++) {
          const gi = g[i]! * scale + cs * p[i]!;
          const ms = RMS_DECAY * s0![j]! + (1 - RMS_DECAY) * gi * gi;
          o0![j] = ms;
          out[i] = p[i]! - (lr * gi) / Math.sqrt(ms + eps);
        }
        break;
      case 'adam':
        for (let i = 0; i < n; i++, j++) {
          const gi = g[i]! * scale + cs * p[i]!;
          const m = BETA1 * s0![j]! + (1 - BETA1) * gi;
          const v = BETA2 * s1![j]! + (1 - BETA2) * gi * gi;
          o0![j] = m;
          o1![j] = v;
          out[i] = p[i]! - (lrT * m) / (Math.sqrt(v) + epsT);
        }
        break;
    }
  }
  return { l2Term: rule.l2 * l2Sum, norm };
}

export type Activation = Strategy['model']['activation'];

// tf.selu's constants (selu_util.ts).
export const SELU_SCALE = 1.0507009873554805;
export const SELU_SCALE_ALPHA = 1.7580993408473768;

/**
 * A hidden layer's backward step on rows x units row-major arrays: dz = da ⊙ mask ⊙ act'(z), with
 * act'(z) taken from h = act(z) as tf's gradients take it (relu: h > 0; elu: h ≥ 0 ? 1 : h + 1;
 * sigmoid: h(1 - h); tanh: 1 - h²; selu: h > 0 ? scale : h + scale·α), and db = Σ_rows dz.
 * `mask` null: no dropout.
 */
export function denseBackward(
  activation: Activation,
  da: Float32Array,
  h: Float32Array,
  mask: Float32Array | null,
  rows: number,
  units: number,
  dz: Float32Array,
  db: Float32Array,
): void {
  const n = rows * units;
  if (activation === 'relu') {
    // The common case in one branch-free pass (h > 0 is a coin flip a branch would mispredict).
    if (mask) for (let i = 0; i < n; i++) dz[i] = da[i]! * mask[i]! * Number(h[i]! > 0);
    else for (let i = 0; i < n; i++) dz[i] = da[i]! * Number(h[i]! > 0);
  } else {
    switch (activation) {
      case 'elu':
        for (let i = 0; i < n; i++) dz[i] = h[i]! >= 0 ? da[i]! : da[i]! * (h[i]! + 1);
        break;
      case 'sigmoid':
        for (let i = 0; i < n; i++) dz[i] = da[i]! * (h[i]! * (1 - h[i]!));
        break;
      case 'tanh':
        for (let i = 0; i < n; i++) dz[i] = da[i]! * (1 - h[i]! * h[i]!);
        break;
      case 'selu':
        for (let i = 0; i < n; i++) dz[i] = da[i]! * (h[i]! > 0 ? SELU_SCALE : h[i]! + SELU_SCALE_ALPHA);
        break;
    }
    if (mask) for (let i = 0; i < n; i++) dz[i] = dz[i]! * mask[i]!;
  }
  const sums = new Float64Array(units);
  for (let r = 0, i = 0; r < rows; r++) for (let u = 0; u < units; u++, i++) sums[u] = sums[u]! + dz[i]!;
  db.set(sums);
}

/**
 * Class-weighted softmax cross-entropy over rows x classes row-major logits, `targets` holding the
 * row's class weight at its label (0 elsewhere): writes d(loss)/d(logits) = (softmax·w_r - t)/rows,
 * w_r the row's target sum, and its column sums (the output bias gradient); returns the loss,
 * the mean over rows of Σ_c t·(logsumexp - logit).
 */
export function softmaxCrossEntropy(
  logits: Float32Array,
  targets: Float32Array,
  rows: number,
  classes: number,
  dlogits: Float32Array,
  db: Float32Array,
): number {
  let loss = 0;
  db.fill(0);
  for (let r = 0, o = 0; r < rows; r++, o += classes) {
    let max = logits[o]!;
    for (let c = 1; c < classes; c++) max = Math.max(max, logits[o + c]!);
    let sum = 0;
    let w = 0;
    for (let c = 0; c < classes; c++) {
      sum += Math.exp(logits[o + c]! - max);
      w += targets[o + c]!;
    }
    const lse = max + Math.log(sum);
    for (let c = 0; c < classes; c++) {
      const t = targets[o + c]!;
      if (t !== 0) loss += t * (lse - logits[o + c]!);
      const d = (Math.exp(logits[o + c]! - lse) * w - t) / rows;
      dlogits[o + c] = d;
      db[c] = db[c]! + d;
    }
  }
  return loss / rows;
}

export interface ApplyAttrs extends UpdateRule {
  step: number;
  isKernel: boolean[];
}

/** How a kernel reads and allocates float32 buffers on a backend that keeps them in CPU memory. */
interface Buffers {
  read(t: TF.TensorInfo): Float32Array;
  alloc(shape: number[]): TF.TensorInfo;
}

interface CpuBackendLike {
  data: { get(dataId: object): { values?: unknown } };
  makeTensorInfo(shape: number[], dtype: 'float32', values: Float32Array): TF.TensorInfo;
}

function buffers(backendName: string, backend: unknown): Buffers {
  if (backendName === 'wasm') {
    const be = backend as BackendWasm;
    return { read: (t) => be.typedArrayFromHeap(t) as Float32Array, alloc: (shape) => be.makeOutput(shape, 'float32') };
  }
  const be = backend as CpuBackendLike;
  return {
    read: (t) => be.data.get(t.dataId).values as Float32Array,
    alloc: (shape) => be.makeTensorInfo(shape, 'float32', new Float32Array(shape.reduce((a, b) => a * b, 1))),
  };
}

/** Backends the fused kernels are registered for. */
const BACKENDS = ['wasm', 'cpu'];

/**
 * Registers the fused kernels for the active backend when it keeps tensors in CPU memory; false
 * elsewhere (the caller then composes the same computations from tf ops).
 *
 * - TrainyardApplyGradients: inputs p0..pn-1, g0..gn-1 (any shapes, float32) and s0.. (flat
 *   state); attrs ApplyAttrs; outputs the new params (their shapes), the new state, and a float32
 *   [2] of [l2·ΣW², gradient norm].
 * - TrainyardDenseBackward: inputs da, h and optionally mask ([..., rows, units]); attrs
 *   { activation }; outputs dz (da's shape) and db [units].
 * - TrainyardSoftmaxCrossEntropy: inputs logits, targets ([..., rows, classes]); outputs dlogits
 *   (logits' shape), db [classes] and the loss [1].
 */
export function ensureFusedKernels(): boolean {
  const backendName = tf.getBackend();
  if (!BACKENDS.includes(backendName)) return false;
  if (tf.getKernel(APPLY_GRADIENTS, backendName)) return true;
  const input = (inputs: TF.NamedTensorInfoMap, key: string) => inputs[key] as TF.TensorInfo;
  tf.registerKernel({
    kernelName: APPLY_GRADIENTS,
    backendName,
    kernelFunc: ({ inputs, attrs, backend }) => {
      const a = attrs as unknown as ApplyAttrs;
      const n = a.isKernel.length;
      const s = stateCount[a.optimizer];
      const params = Array.from({ length: n }, (_, k) => input(inputs, `p${k}`));
      const grads = Array.from({ length: n }, (_, k) => input(inputs, `g${k}`));
      const state = Array.from({ length: s }, (_, k) => input(inputs, `s${k}`));
      const buf = buffers(backendName, backend);
      const outs = [...params, ...state].map((t) => buf.alloc(t.shape));
      const info = buf.alloc([2]);
      // Views are taken after every allocation: a wasm allocation can grow (move) the heap.
      const { l2Term, norm } = applyUpdate(
        a,
        a.step,
        a.isKernel,
        params.map(buf.read),
        grads.map(buf.read),
        state.map(buf.read),
        outs.slice(0, n).map(buf.read),
        outs.slice(n).map(buf.read),
      );
      buf.read(info).set([l2Term, norm]);
      return [...outs, info];
    },
  });
  tf.registerKernel({
    kernelName: DENSE_BACKWARD,
    backendName,
    kernelFunc: ({ inputs, attrs, backend }) => {
      const [da, h, mask] = [input(inputs, 'da'), input(inputs, 'h'), inputs['mask'] as TF.TensorInfo | undefined];
      const units = da.shape[da.shape.length - 1]!;
      const rows = da.shape.reduce((a, b) => a * b, 1) / units;
      const buf = buffers(backendName, backend);
      const [dz, db] = [buf.alloc(da.shape), buf.alloc([units])];
      const activation = (attrs as unknown as { activation: Activation }).activation;
      denseBackward(activation, buf.read(da), buf.read(h), mask ? buf.read(mask) : null, rows, units, buf.read(dz), buf.read(db));
      return [dz, db];
    },
  });
  tf.registerKernel({
    kernelName: SOFTMAX_CROSS_ENTROPY,
    backendName,
    kernelFunc: ({ inputs, backend }) => {
      const [logits, targets] = [input(inputs, 'logits'), input(inputs, 'targets')];
      const classes = logits.shape[logits.shape.length - 1]!;
      const rows = logits.shape.reduce((a, b) => a * b, 1) / classes;
      const buf = buffers(backendName, backend);
      const [dlogits, db, loss] = [buf.alloc(logits.shape), buf.alloc([classes]), buf.alloc([1])];
      const value = softmaxCrossEntropy(buf.read(logits), buf.read(targets), rows, classes, buf.read(dlogits), buf.read(db));
      buf.read(loss)[0] = value;
      return [dlogits, db, loss];
    },
  });
  return true;
}
