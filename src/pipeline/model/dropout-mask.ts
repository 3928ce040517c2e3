import type * as TF from '@tensorflow/tfjs';
import { tf } from '../backend/tf.js';

/**
 * Dropout masks as a counter-based hash: unit i of a mask with seed s is dropped when
 * mix(mix(i ^ k1) ^ k2) < rate·2³², k1 and k2 derived from s, mix Chris Wellons' lowbias32
 * (a bijective 32-bit integer mixer, bias ~0.17). Every element is computed on its own, so the
 * same mask comes from a JS loop (wasm, cpu) and from a WGSL kernel on the GPU (webgpu) where
 * it never crosses the bus, bit for bit: u32 multiply, xor and shift are exact everywhere. A
 * sequential generator (Alea, what tf.dropout uses) cannot run on the device, and drawing 2 x
 * 8M numbers a step on the host and uploading them held a 1024x1024 model at batch 8192 to
 * 38k samples/s on an H200 (487k without dropout).
 */
export const DROPOUT_MASK = 'TrainyardDropoutMask';

function mix32(v: number): number {
  let x = v >>> 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  x ^= x >>> 16;
  return x >>> 0;
}

/** The mask's two keys from a seed (an integer, possibly above 2³²). */
export function maskKeys(seed: number): [number, number] {
  const lo = (seed % 0x100000000) >>> 0;
  const hi = Math.floor(seed / 0x100000000) >>> 0;
  const k1 = mix32(lo ^ mix32(hi ^ 0x9e3779b9));
  return [k1, mix32(k1 ^ 0x85ebca6b)];
}

export interface MaskAttrs {
  k1: number;
  k2: number;
  /** A unit is dropped when its hash is below this (rate·2³², rounded). */
  threshold: number;
  /** What a kept unit is multiplied by: fround(1 / (1 - rate)), as tf.dropout scales. */
  scale: number;
}

export function maskAttrs(rate: number, seed: number): MaskAttrs {
  const [k1, k2] = maskKeys(seed);
  return { k1, k2, threshold: Math.min(0xffffffff, Math.round(rate * 0x100000000)), scale: Math.fround(1 / (1 - rate)) };
}

/** Fills out[0, n) with the mask's multipliers (0 or scale). */
export function dropoutMask(out: Float32Array, n: number, rate: number, seed: number): void {
  const { k1, k2, threshold, scale } = maskAttrs(rate, seed);
  for (let i = 0; i < n; i++) out[i] = mix32(mix32(i ^ k1) ^ k2) >= threshold ? scale : 0;
}

/** The webgpu backend's side of TrainyardDropoutMask (the parts of its WebGPUBackend used here). */
interface WebGpuBackendLike {
  runWebGPUProgram(program: object, inputs: TF.TensorInfo[], dtype: string, uniforms: { type: string; data: number[] }[]): TF.TensorInfo;
}

const WGSL = `
  fn mix32(v : u32) -> u32 {
    var x = v;
    x = x ^ (x >> 16u);
    x = x * 0x7feb352du;
    x = x ^ (x >> 15u);
    x = x * 0x846ca68bu;
    x = x ^ (x >> 16u);
    return x;
  }
  fn main(index : i32) {
    if (index < uniforms.size) {
      let h = mix32(mix32(u32(index) ^ uniforms.k1) ^ uniforms.k2);
      setOutputAtIndex(index, select(0.0, uniforms.scale, h >= uniforms.threshold));
    }
  }
`;

/**
 * Registers TrainyardDropoutMask for the active backend when it is webgpu (attrs: MaskAttrs plus
 * `shape`; no inputs; a float32 tensor of multipliers). False elsewhere: there the mask is filled
 * in JS and uploaded.
 */
export function ensureDeviceMasks(): boolean {
  if (tf.getBackend() !== 'webgpu') return false;
  if (tf.getKernel(DROPOUT_MASK, 'webgpu')) return true;
  tf.registerKernel({
    kernelName: DROPOUT_MASK,
    backendName: 'webgpu',
    kernelFunc: ({ backend, attrs }) => {
      const a = attrs as unknown as MaskAttrs & { shape: number[] };
      const n = a.shape.reduce((p, d) => p * d, 1);
      const program = {
        variableNames: [],
        outputShape: a.shape,
        uniforms: 'k1 : u32, k2 : u32, threshold : u32, scale : f32,',
        workgroupSize: [64, 1, 1],
        size: true,
        dispatchLayout: { x: a.shape.map((_, i) => i) },
        dispatch: [Math.ceil(n / 64), 1, 1],
        shaderKey: 'trainyardDropoutMask',
        getUserCode: () => WGSL,
      };
      return (backend as unknown as WebGpuBackendLike).runWebGPUProgram(program, [], 'float32', [
        { type: 'uint32', data: [a.k1] },
        { type: 'uint32', data: [a.k2] },
        { type: 'uint32', data: [a.threshold] },
        { type: 'float32', data: [a.scale] },
      ]);
    },
  });
  return true;
}

/** The mask as a tensor of `shape`: computed on the device where it can be, else filled here and uploaded. */
export function maskTensor(shape: number[], rate: number, seed: number, host?: Float32Array): TF.Tensor {
  if (ensureDeviceMasks())
    return tf.engine().runKernel(DROPOUT_MASK, {}, { ...maskAttrs(rate, seed), shape } as unknown as TF.NamedAttrMap) as TF.Tensor;
  const n = shape.reduce((p, d) => p * d, 1);
  const out = host && host.length >= n ? host : new Float32Array(n);
  dropoutMask(out, n, rate, seed);
  return tf.tensor(out.subarray(0, n), shape);
}
