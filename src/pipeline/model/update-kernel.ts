import type * as TF from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { tf } from '../backend/tf.js';
import type { Strategy } from '../../domain/strategy.js';

/**
 * One fused kernel for the whole parameter update: L2 gradient, clipping to the global norm and
 * the optimizer step over every parameter, as TensorFlow's own ApplyAdam-style kernels do. Run as
 * separate tf ops the same update costs 15-20 kernels a step (tens of µs of dispatch at the MLP's
 * few thousand parameters) plus a read-back of the norm; here it is one dispatch and two passes
 * over the values. Registered for the CPU-memory backends (wasm, cpu), whose kernels are written
 * the same way: loops over the tensors' float32 buffers.
 */
export const APPLY_GRADIENTS = 'TrainyardApplyGradients';

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

/** Backends the fused update is registered for. */
const BACKENDS = ['wasm', 'cpu'];

/**
 * Registers the fused update for the active backend when it keeps tensors in CPU memory; false
 * elsewhere (the caller then composes the update from tf ops). Inputs p0..pn-1, g0..gn-1 (any
 * shapes, float32) and s0..; outputs the new params (their shapes), the new state, and a
 * float32 [2] of [l2·ΣW², gradient norm].
 */
export function ensureApplyGradientsKernel(): boolean {
  const backendName = tf.getBackend();
  if (!BACKENDS.includes(backendName)) return false;
  if (tf.getKernel(APPLY_GRADIENTS, backendName)) return true;
  tf.registerKernel({
    kernelName: APPLY_GRADIENTS,
    backendName,
    kernelFunc: ({ inputs, attrs, backend }) => {
      const a = attrs as unknown as ApplyAttrs;
      const n = a.isKernel.length;
      const s = stateCount[a.optimizer];
      const input = (key: string) => inputs[key] as TF.TensorInfo;
      const params = Array.from({ length: n }, (_, k) => input(`p${k}`));
      const grads = Array.from({ length: n }, (_, k) => input(`g${k}`));
      const state = Array.from({ length: s }, (_, k) => input(`s${k}`));
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
  return true;
}
