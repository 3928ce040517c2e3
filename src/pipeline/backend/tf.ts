import { createRequire } from 'node:module';
import type * as TF from '@tensorflow/tfjs';

const require = createRequire(import.meta.url);
let loaded: typeof TF | undefined;

/**
 * TensorFlow.js, loaded on first use. Loading it costs about 0.8 s of module evaluation on a
 * 2-core machine, which an MCP server must not pay before it answers `tools/list` (issue 12: the
 * first answer within 0.5 s of spawn); only training, prediction and model loading need it. The
 * package is CommonJS, so the first property read requires it synchronously and later reads (and
 * any `import` of the package elsewhere) share that one instance and its global engine. Types
 * come from `import type * as TF from '@tensorflow/tfjs'`.
 */
export const tf: typeof TF = new Proxy({} as typeof TF, {
  get: (_target, key) => (loaded ??= require('@tensorflow/tfjs') as typeof TF)[key as keyof typeof TF],
});

/** Whether TensorFlow.js has been loaded in this thread (for tests of the lazy start). */
export const tfLoaded = (): boolean => loaded !== undefined;
