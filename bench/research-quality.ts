// Research quality: does the loop find a real edge, and only a real one?
//   - On pure random walks (synthetic signal=0: no function of the past predicts the direction) a
//     run must promote nothing: any model promoted to staging is a false promotion.
//   - On series with a planted momentum signal (synthetic signal=S, see src/pipeline/data/synthetic.ts)
//     a run should find a strategy that passes every gate (training, backtest, promotion with the
//     deflated Sharpe over every trial of the run) and is promoted to staging.
// Each run: the offline designer, CYCLES cycles, a fresh registry, one seed. Prints one JSON line
// per run and a summary line with the false promotion rate and the hit rate.
// Env: SEEDS (default 3), CYCLES (default 8), BARS (default 4000), SIGNAL (default 0.6), EPOCHS (default 15).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../src/config/load.js';
import { createLogger } from '../src/config/logger.js';
import { createServices } from '../src/services/index.js';
import { emit } from './_shared.js';

const SEEDS = Number(process.env['SEEDS'] ?? 3);
const CYCLES = Number(process.env['CYCLES'] ?? 8);
const BARS = Number(process.env['BARS'] ?? 4000);
const SIGNAL = Number(process.env['SIGNAL'] ?? 0.6);
const EPOCHS = Number(process.env['EPOCHS'] ?? 15);

async function run(kind: 'random_walk' | 'planted', seed: number) {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'trainyard-rq-'));
  const config = loadConfig({
    argv: { home, log_level: 'silent', research: { max_epochs: EPOCHS } } as never,
    env: { TRAINYARD_BACKEND: process.env['TRAINYARD_BACKEND'] },
  });
  const services = createServices(config, { logger: createLogger('silent') });
  const data = `synthetic:seed=${100 + seed},bars=${BARS},signal=${kind === 'planted' ? SIGNAL : 0}`;
  const t0 = performance.now();
  try {
    const op = await services.research.start({ goal: `quality ${kind}`, cycles: CYCLES, designer: 'offline', data, seed }, 'bench');
    const done = await services.research.waitFor(op.id);
    const cycles = services.registry.research.list({ run_id: op.id, limit: 1000 });
    const passedAll = cycles.filter((c) => (c.gates ?? []).length === 3 && (c.gates ?? []).every((g) => g.passed));
    const promoted = cycles.filter((c) => c.stage === 'staging');
    const best = Math.max(...cycles.map((c) => c.metrics?.['oos_sharpe'] ?? Number.NEGATIVE_INFINITY));
    const out = {
      bench: 'research-quality',
      kind,
      seed,
      data,
      status: done.status,
      cycles: cycles.length,
      passed_training_gate: cycles.filter((c) => c.gates?.find((g) => g.gate === 'training')?.passed).length,
      passed_backtest_gate: cycles.filter((c) => c.gates?.find((g) => g.gate === 'backtest')?.passed).length,
      passed_every_gate: passedAll.length,
      promoted: promoted.map((c) => c.model_id),
      best_oos_sharpe: Number.isFinite(best) ? +best.toFixed(2) : null,
      // Which checks stopped the cycles, most frequent first: what the search is up against.
      failing_checks: Object.entries(
        cycles
          .flatMap((c) => (c.gates ?? []).flatMap((g) => g.checks.filter((k) => !k.passed).map((k) => `${g.gate}.${k.name}`)))
          .reduce<Record<string, number>>((m, k) => ({ ...m, [k]: (m[k] ?? 0) + 1 }), {}),
      )
        .sort((a, b) => b[1] - a[1])
        .slice(0, 6),
      promotion_failures: cycles.flatMap((c) =>
        (c.gates ?? []).filter((g) => g.gate === 'promotion').flatMap((g) => g.checks.filter((k) => !k.passed).map((k) => k.reason)),
      ),
      seconds: +((performance.now() - t0) / 1000).toFixed(1),
    };
    emit(out);
    return out;
  } finally {
    await services.close();
    fs.rmSync(home, { recursive: true, force: true });
  }
}

const results = [];
if (process.env['ONLY'] !== 'planted') for (let s = 1; s <= SEEDS; s++) results.push(await run('random_walk', s));
for (let s = 1; s <= SEEDS; s++) results.push(await run('planted', s));
const walks = results.filter((r) => r.kind === 'random_walk');
const planted = results.filter((r) => r.kind === 'planted');
emit({
  bench: 'research-quality',
  summary: true,
  seeds: SEEDS,
  cycles_per_run: CYCLES,
  bars: BARS,
  planted_signal: SIGNAL,
  false_promotion_rate: walks.filter((r) => r.promoted.length > 0).length / walks.length,
  false_promotions: walks.reduce((n, r) => n + r.promoted.length, 0),
  hit_rate: planted.filter((r) => r.promoted.length > 0).length / planted.length,
  cycles_run: results.reduce((n, r) => n + r.cycles, 0),
});
