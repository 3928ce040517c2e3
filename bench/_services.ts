import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../src/config/load.js';
import { createLogger } from '../src/config/logger.js';
import { createServices } from '../src/services/index.js';

export const STRATEGY = path.resolve(import.meta.dirname, '..', 'test', 'fixtures', 'momentum-test.yaml');

/** Services on a throwaway state directory. */
export function benchServices() {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'trainyard-bench-'));
  const config = loadConfig({ argv: { home, log_level: 'silent' }, env: process.env });
  return { services: createServices(config, { logger: createLogger('silent') }), home };
}

export function percentiles(xs: number[]): { p50_ms: number; p99_ms: number; max_ms: number } {
  const s = [...xs].sort((a, b) => a - b);
  const at = (q: number) => +s[Math.min(s.length - 1, Math.floor(q * s.length))]!.toFixed(3);
  return { p50_ms: at(0.5), p99_ms: at(0.99), max_ms: +s[s.length - 1]!.toFixed(3) };
}
