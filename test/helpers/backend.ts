import { initBackend } from '../../src/pipeline/backend/index.js';

/** Tests run on the wasm backend (what CI machines have); cpu is the fallback. */
export function testBackend() {
  return initBackend({ preference: 'auto', wasmThreads: 1 });
}
