import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openRegistry } from '../../src/registry/index.js';

export function tempRegistry(opts: { retention?: number; pid?: number; clock?: () => Date } = {}) {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'ty-registry-'));
  const modelsDir = path.join(home, 'models');
  const registry = openRegistry({ file: path.join(home, 'trainyard.db'), modelsDir, ...opts });
  return { home, modelsDir, registry };
}

/** A staged artifact folder as the training worker leaves it. */
export function stagedFolder(modelsDir: string, tag: string): string {
  const dir = path.join(modelsDir, '.staging', tag);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'model.json'), '{}');
  return dir;
}

export const LINEAGE = {
  strategy_hash: 'sh',
  data_hash: 'dh',
  data_source: 'sample:sp500',
  code_version: '0.1.0',
  seed: 1,
  backend: 'wasm',
};
export const METRICS = { training: {}, validation: {}, test: { accuracy: 0.5 } };
