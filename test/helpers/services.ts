import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config/load.js';
import { createLogger } from '../../src/config/logger.js';
import { createServices, type Services } from '../../src/services/index.js';

export const FIXTURES = path.resolve(import.meta.dirname, '..', 'fixtures');
export const MOMENTUM = path.join(FIXTURES, 'momentum-test.yaml');
/** The same strategy inline without early stopping: a job of many epochs runs them all (tests that cancel mid-training). */
export const MOMENTUM_ALL_EPOCHS = fs.readFileSync(MOMENTUM, 'utf8').replace('early_stopping_patience: 4', 'early_stopping_patience: 0');

/** Services on a fresh temporary state directory, quiet logs, wasm with one thread. */
export function tempServices(home = fs.mkdtempSync(path.join(os.tmpdir(), 'trainyard-test-'))): { services: Services; home: string } {
  const config = loadConfig({ argv: { home, log_level: 'silent', wasm_threads: 1 }, env: {} });
  return { services: createServices(config, { logger: createLogger('silent') }), home };
}

/** Registered model folders (`<name>@<n>`), ignoring staging and state files. */
export function modelFolders(home: string): string[] {
  const dir = path.join(home, 'models');
  return fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.includes('@')) : [];
}

/** Anything left in the staging area (must be empty after a job ends). */
export function stagingLeftovers(home: string): string[] {
  const dir = path.join(home, 'models', '.staging');
  return fs.existsSync(dir) ? fs.readdirSync(dir) : [];
}
