// The training objective of bench/tuning-training.ts over a pipe, for Optuna (bench/optuna_training.py).
// Reads one JSON object per line on stdin: {"params": {path: value}, "seed"?: training seed,
// "no_cache"?: true}; answers each with one line on stdout: {"value": best validation loss or null,
// "intermediate": [{step, value}], "epochs_run", "seconds", "cached"}; {"error": message} when the
// trial throws. Env: TRIAL_DATA (data spec), TRIAL_EPOCHS, TRIAL_CACHE (the memo file, optional).
//
//   node --import tsx bench/_trial-server.ts
import readline from 'node:readline';
import type { ParamValue } from '../src/tuning/types.js';
import { createObjective } from './_trial-objective.js';

const objective = await createObjective({
  data: process.env['TRIAL_DATA'] ?? 'synthetic:seed=1,bars=3000,signal=0.3',
  epochs: Number(process.env['TRIAL_EPOCHS'] ?? 12),
  cacheFile: process.env['TRIAL_CACHE'] || undefined,
});
const write = (o: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(o)}\n`);
write({ ready: true, training_seed: objective.trainingSeed });
for await (const line of readline.createInterface({ input: process.stdin, crlfDelay: Infinity })) {
  if (!line.trim()) continue;
  try {
    const req = JSON.parse(line) as { params: Record<string, ParamValue>; seed?: number; no_cache?: boolean };
    const e = await objective.evaluate(req.params, { seed: req.seed, useCache: !req.no_cache });
    write({ ...e });
  } catch (err) {
    write({ error: (err as Error)?.message ?? String(err) });
  }
}
