// The real training objective of bench/tuning-training.ts: trainyard's own trial (runTrial, the
// pipeline up to the validation part) of test/fixtures/momentum-test.yaml on fixed data, with the
// trial's parameters applied. The same module serves the in-process trainyard arms and, through
// bench/_trial-server.ts, Optuna's objective, so both sides minimise exactly the same function.
//
// Memo: training is seeded (strategy training.seed, wasm with one thread), so the same parameters
// on the same data give the same value; a full (unpruned) evaluation is kept by a key of the sorted
// parameters, the training seed, the data spec and the epochs, in a JSON-lines file both processes
// read. Callers that time trials or prune them ask for a fresh evaluation (useCache: false).
import fs from 'node:fs';
import path from 'node:path';
import { parseStrategy, type ResolvedStrategy } from '../src/pipeline/strategy-source.js';
import { runTrial } from '../src/pipeline/trial.js';
import { applyParams, compileSpace } from '../src/tuning/space.js';
import type { ParamValue, SearchSpace } from '../src/tuning/types.js';
import { backend } from './_shared.js';

const root = path.resolve(import.meta.dirname, '..');
export const STRATEGY_FILE = path.join(root, 'test', 'fixtures', 'momentum-test.yaml');
export const DATA_DIR = path.join(root, 'data');

/** Learning rate (log), hidden layers (choice), dropout, the RSI's period (int): the integration test's space. */
export const SEARCH = {
  'training.learning_rate': { low: 1e-4, high: 3e-2, log: true },
  'model.hidden_layers': { choices: [[8], [16, 8], [32, 16]] },
  'model.dropout': { low: 0, high: 0.5 },
  'indicators.rsi_5.params.period': { low: 3, high: 14 },
};

export interface Evaluation {
  state: 'complete' | 'pruned';
  /** The best validation loss (of a pruned trial: where it stopped); null when not finite (diverged). */
  value: number | null;
  intermediate: { step: number; value: number }[];
  epochs_run: number;
  /** Seconds the trial took when it was trained (data, features, training, validation). */
  seconds: number;
  cached: boolean;
}

export interface Objective {
  base: ResolvedStrategy;
  space: SearchSpace;
  trainingSeed: number;
  evaluate(
    params: Record<string, ParamValue>,
    o?: { seed?: number | undefined; useCache?: boolean; report?: (step: number, value: number) => boolean },
  ): Promise<Evaluation>;
  stats(): { evaluations: number; hits: number };
}

export async function createObjective(o: { data: string; epochs: number; cacheFile?: string | undefined }): Promise<Objective> {
  const base = parseStrategy(fs.readFileSync(STRATEGY_FILE, 'utf8'), STRATEGY_FILE);
  const space = compileSpace(base.strategy, SEARCH);
  const be = await backend(1);
  const cache = new Map<string, Evaluation>();
  if (o.cacheFile && fs.existsSync(o.cacheFile))
    for (const line of fs.readFileSync(o.cacheFile, 'utf8').split('\n').filter(Boolean)) {
      const { key, evaluation } = JSON.parse(line) as { key: string; evaluation: Evaluation };
      cache.set(key, evaluation);
    }
  let evaluations = 0;
  let hits = 0;
  const trainingSeed = base.strategy.training.seed ?? 0;
  const keyOf = (params: Record<string, ParamValue>, seed: number) =>
    JSON.stringify([
      Object.keys(params)
        .sort()
        .map((k) => [k, params[k]]),
      seed,
      o.data,
      o.epochs,
    ]);
  return {
    base,
    space,
    trainingSeed,
    stats: () => ({ evaluations, hits }),
    async evaluate(params, opts = {}) {
      const seed = opts.seed ?? trainingSeed;
      const key = keyOf(params, seed);
      evaluations++;
      const memo = opts.useCache !== false && !opts.report ? cache.get(key) : undefined;
      if (memo) {
        hits++;
        return { ...memo, cached: true };
      }
      const strategy = { ...base, strategy: applyParams(base.strategy, params) };
      const t0 = performance.now();
      const r = await runTrial(
        { strategy, data: o.data, overrides: { epochs: o.epochs, seed }, dataDir: DATA_DIR, cwd: root },
        { backend: be, report: opts.report },
      );
      const evaluation: Evaluation = {
        state: r.state,
        value: Number.isFinite(r.value) ? r.value : null,
        intermediate: r.intermediate,
        epochs_run: r.epochs_run,
        seconds: (performance.now() - t0) / 1000,
        cached: false,
      };
      if (evaluation.state === 'complete' && !cache.has(key)) {
        cache.set(key, evaluation);
        if (o.cacheFile) fs.appendFileSync(o.cacheFile, `${JSON.stringify({ key, evaluation })}\n`);
      }
      return evaluation;
    },
  };
}
