// Does counting every tuning trial make promotion harder where it should, and only there?
// Independent tuning studies on markets with no edge (random_walk, garch: a winner that passes is a
// false promotion) and with a planted one (momentum, mean_reversion at SIGNAL), one study per seed,
// each on data of its own seed. For each registered winner the deflated Sharpe is computed twice
// from the same test-segment backtest: with every trial of the study counted (what the promotion
// gate does) and as if the winner were the only trial (N = 1, i.e. the probabilistic Sharpe). The
// rates of DSR >= the gate's bar (0.95) give both error rates: false passes on no-edge markets and
// misses on edge markets, with and without the count. One JSON line per study, a table on stderr.
// Env: SEEDS (6), TRIALS (16), EPOCHS (8), BARS (4000), SIGNAL (0.3), FAMILIES.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../src/config/load.js';
import { createLogger } from '../src/config/logger.js';
import { deflatedSharpe } from '../src/monitoring/deflated-sharpe.js';
import { createServices } from '../src/services/index.js';
import { emit } from './_shared.js';

const SEEDS = Number(process.env['SEEDS'] ?? 6);
const TRIALS = Number(process.env['TRIALS'] ?? 16);
const EPOCHS = Number(process.env['EPOCHS'] ?? 8);
const BARS = Number(process.env['BARS'] ?? 4000);
const SIGNAL = Number(process.env['SIGNAL'] ?? 0.3);
const FAMILIES = (process.env['FAMILIES'] ?? 'random_walk,garch,momentum,mean_reversion').split(',');
const EDGE = new Set(['momentum', 'mean_reversion', 'regime_direction']);
const STRATEGY = path.resolve(import.meta.dirname, '..', 'test', 'fixtures', 'momentum-test.yaml');
const SEARCH = {
  'training.learning_rate': { low: 1e-4, high: 3e-2, log: true },
  'model.hidden_layers': { choices: [[8], [16, 8], [32, 16]] },
  'model.dropout': { low: 0, high: 0.5 },
  'indicators.rsi_5.params.period': { low: 3, high: 21 },
};

interface Row {
  family: string;
  seed: number;
  trials_counted: number;
  sharpe: number | null;
  dsr_counted: number | null;
  dsr_alone: number | null;
  seconds: number;
}

async function study(family: string, seed: number): Promise<Row> {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'trainyard-bench-mt-'));
  const config = loadConfig({ argv: { home, log_level: 'silent', wasm_threads: 1 }, env: {} });
  const services = createServices(config, { logger: createLogger('silent') });
  const t0 = performance.now();
  try {
    const signal = EDGE.has(family) ? `,signal=${SIGNAL}` : '';
    const op = services.tuning.start(
      {
        strategy: STRATEGY,
        search: SEARCH,
        data: `synthetic:seed=${1000 + seed},bars=${BARS},family=${family}${signal}`,
        trials: TRIALS,
        seed,
        overrides: { epochs: EPOCHS },
      },
      'bench',
    );
    const done = await services.tuning.waitFor(op.id);
    const r = done.result as { model_id: string | null; promotion: { deflated_sharpe: number | null } | null; trials_counted: number };
    let sharpe: number | null = null;
    let alone: number | null = null;
    if (r.model_id) {
      const m = services.registry.models.get(r.model_id);
      const b = (m.metrics.backtest as { strategy?: Record<string, number> } | undefined)?.strategy ?? {};
      sharpe = b['sharpe'] ?? null;
      if (b['sharpe_per_period'] !== undefined)
        alone = deflatedSharpe({
          sharpe: b['sharpe_per_period'],
          observations: b['bars'] ?? 0,
          skew: b['skew'] ?? 0,
          kurtosis: b['kurtosis'] ?? 3,
          trialSharpes: [b['sharpe_per_period']],
        }).dsr;
    }
    return {
      family,
      seed,
      trials_counted: r.trials_counted,
      sharpe,
      dsr_counted: r.promotion?.deflated_sharpe ?? null,
      dsr_alone: alone,
      seconds: (performance.now() - t0) / 1000,
    };
  } finally {
    await services.close();
    fs.rmSync(home, { recursive: true, force: true });
  }
}

const BAR = 0.95;
const rows: Row[] = [];
for (const family of FAMILIES) {
  for (let seed = 1; seed <= SEEDS; seed++) {
    const row = await study(family, seed);
    rows.push(row);
    emit({ bench: 'tuning_multiple_testing', ...row });
  }
}
const rate = (xs: Row[], key: 'dsr_counted' | 'dsr_alone') => xs.filter((r) => (r[key] ?? 0) >= BAR).length;
const lines = [`family          edge  studies  DSR>=0.95 counted  DSR>=0.95 alone (N=1)  median trials counted`];
for (const family of FAMILIES) {
  const xs = rows.filter((r) => r.family === family);
  const counted = xs.map((r) => r.trials_counted).sort((a, b) => a - b);
  lines.push(
    `${family.padEnd(15)} ${(EDGE.has(family) ? 'yes' : 'no').padEnd(5)} ${String(xs.length).padEnd(8)} ${`${rate(xs, 'dsr_counted')}/${xs.length}`.padEnd(18)} ${`${rate(xs, 'dsr_alone')}/${xs.length}`.padEnd(22)} ${counted[counted.length >> 1]}`,
  );
}
const noEdge = rows.filter((r) => !EDGE.has(r.family));
const edge = rows.filter((r) => EDGE.has(r.family));
const summary = {
  bench: 'tuning_multiple_testing_summary',
  trials: TRIALS,
  seeds: SEEDS,
  false_pass_counted: noEdge.length ? rate(noEdge, 'dsr_counted') / noEdge.length : null,
  false_pass_alone: noEdge.length ? rate(noEdge, 'dsr_alone') / noEdge.length : null,
  hit_counted: edge.length ? rate(edge, 'dsr_counted') / edge.length : null,
  hit_alone: edge.length ? rate(edge, 'dsr_alone') / edge.length : null,
};
emit(summary);
process.stderr.write(`${lines.join('\n')}\n${JSON.stringify(summary)}\n`);
