// Research quality: does the loop find a real edge, and only a real one?
//   - Unpredictable markets (random_walk: iid returns; garch: volatility clustering with Student-t
//     shocks; vol_shift: abrupt volatility level shifts; none has a directional signal, see
//     src/pipeline/data/synthetic.ts): any model promoted to staging is a false promotion.
//   - Predictable markets (momentum, mean_reversion, regime_direction at signal 0.3: the planted
//     predictor's correlation with the next return, a strong edge chosen before any run): a run
//     should promote a model that passes every gate and holds up on the lockbox within CYCLES cycles.
// Each run: the offline designer, a fresh registry, one seed, the default config (calibrated
// training gate, lockbox 20%). Prints one JSON line per run, then one summary line per family and
// an overall summary: false-promotion rate, hit rate, median cycles to the first promotion and the
// lockbox Sharpe of every promoted model.
// Env: SEEDS (default 5), CYCLES (default 8), BARS (default 6000: 24 years of daily bars, of which
// the lockbox keeps the last 20%), SIGNAL (default 0.3), EPOCHS (default: config research.max_epochs,
// 30), FAMILIES (comma list, default all six), SEED_OFFSET (default 0).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../src/config/load.js';
import { createLogger } from '../src/config/logger.js';
import { createServices } from '../src/services/index.js';
import { emit } from './_shared.js';

const SEEDS = Number(process.env['SEEDS'] ?? 5);
const CYCLES = Number(process.env['CYCLES'] ?? 8);
const BARS = Number(process.env['BARS'] ?? 6000);
const SIGNAL = Number(process.env['SIGNAL'] ?? 0.3);
const EPOCHS = process.env['EPOCHS'] ? Number(process.env['EPOCHS']) : undefined;
const SEED_OFFSET = Number(process.env['SEED_OFFSET'] ?? 0);
const PREDICTABLE = ['momentum', 'mean_reversion', 'regime_direction'];
const UNPREDICTABLE = ['random_walk', 'garch', 'vol_shift'];
const FAMILIES = (process.env['FAMILIES'] ?? [...UNPREDICTABLE, ...PREDICTABLE].join(',')).split(',').filter(Boolean);

interface RunOut {
  family: string;
  predictable: boolean;
  seed: number;
  cycles: number;
  promoted: string[];
  first_promotion_cycle: number | null;
  lockbox_sharpes: number[];
  lockbox_looks: number;
  pbo: number | null;
  seconds: number;
}

async function run(family: string, seed: number): Promise<RunOut> {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'trainyard-rq-'));
  const config = loadConfig({
    argv: { home, log_level: 'silent', ...(EPOCHS ? { research: { max_epochs: EPOCHS } } : {}) } as never,
    env: { TRAINYARD_BACKEND: process.env['TRAINYARD_BACKEND'] },
  });
  const services = createServices(config, { logger: createLogger('silent') });
  const predictable = PREDICTABLE.includes(family);
  const data = `synthetic:seed=${1000 + seed},bars=${BARS},family=${family}${predictable ? `,signal=${SIGNAL}` : ''}`;
  const t0 = performance.now();
  try {
    const op = await services.research.start({ goal: `quality ${family}`, cycles: CYCLES, designer: 'offline', data, seed }, 'bench');
    const done = await services.research.waitFor(op.id);
    const cycles = services.registry.research.list({ run_id: op.id, limit: 1000 }).sort((a, b) => a.cycle_index - b.cycle_index);
    const promoted = cycles.filter((c) => c.stage === 'staging');
    const result = (done.result ?? {}) as { lockbox_looks?: number; pbo?: { pbo: number | null } };
    const out: RunOut = {
      family,
      predictable,
      seed,
      cycles: cycles.length,
      promoted: promoted.map((c) => c.model_id!),
      first_promotion_cycle: promoted[0]?.cycle_index ?? null,
      lockbox_sharpes: promoted.map((c) => +(c.lockbox?.sharpe ?? Number.NaN).toFixed(2)),
      lockbox_looks: result.lockbox_looks ?? 0,
      pbo: result.pbo?.pbo ?? null,
      seconds: +((performance.now() - t0) / 1000).toFixed(1),
    };
    emit({
      bench: 'research-quality',
      ...out,
      data,
      status: done.status,
      passed_training_gate: cycles.filter((c) => c.gates?.find((g) => g.gate === 'training')?.passed).length,
      passed_backtest_gate: cycles.filter((c) => c.gates?.find((g) => g.gate === 'backtest')?.passed).length,
      passed_promotion_gate: cycles.filter((c) => c.gates?.find((g) => g.gate === 'promotion')?.passed).length,
      lockbox_failures: cycles
        .filter((c) => c.lockbox && !c.lockbox.passed)
        .map((c) => c.lockbox!.reasons.filter((r) => !/_ok|_consistent/.test(r))),
      // Which checks stopped the cycles, most frequent first: what the search is up against.
      failing_checks: Object.entries(
        cycles
          .flatMap((c) => (c.gates ?? []).flatMap((g) => g.checks.filter((k) => !k.passed).map((k) => `${g.gate}.${k.name}`)))
          .reduce<Record<string, number>>((m, k) => ({ ...m, [k]: (m[k] ?? 0) + 1 }), {}),
      )
        .sort((a, b) => b[1] - a[1])
        .slice(0, 6),
    });
    return out;
  } finally {
    await services.close();
    fs.rmSync(home, { recursive: true, force: true });
  }
}

const median = (xs: number[]) => {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

function summary(label: string, runs: RunOut[]) {
  const walks = runs.filter((r) => !r.predictable);
  const planted = runs.filter((r) => r.predictable);
  const lockbox = runs.flatMap((r) => r.lockbox_sharpes);
  return {
    bench: 'research-quality',
    summary: label,
    runs: runs.length,
    unpredictable_runs: walks.length,
    false_promotions: walks.reduce((n, r) => n + r.promoted.length, 0),
    false_promotion_rate: walks.length ? walks.filter((r) => r.promoted.length > 0).length / walks.length : null,
    predictable_runs: planted.length,
    hit_rate: planted.length ? planted.filter((r) => r.promoted.length > 0).length / planted.length : null,
    median_cycles_to_first_promotion: median(planted.flatMap((r) => (r.first_promotion_cycle !== null ? [r.first_promotion_cycle] : []))),
    promoted_lockbox_sharpe: {
      min: lockbox.length ? lockbox.reduce((a, b) => Math.min(a, b)) : null,
      median: median(lockbox),
      all_positive: lockbox.every((s) => s > 0),
    },
    cycles_run: runs.reduce((n, r) => n + r.cycles, 0),
    seconds: +runs.reduce((n, r) => n + r.seconds, 0).toFixed(0),
  };
}

const results: RunOut[] = [];
for (const family of FAMILIES) {
  const mine: RunOut[] = [];
  for (let s = 1 + SEED_OFFSET; s <= SEEDS + SEED_OFFSET; s++) mine.push(await run(family, s));
  emit(summary(family, mine));
  results.push(...mine);
}
emit({ ...summary('all', results), seeds: SEEDS, cycles_per_run: CYCLES, bars: BARS, signal: SIGNAL, epochs: EPOCHS ?? 'config default' });
