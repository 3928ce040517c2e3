// Tuning on a real training objective: trainyard's own trial (runTrial on fixed data, the
// momentum-test fixture, a 4-parameter space: learning rate (log), hidden layers (choice), dropout,
// RSI period (int)) driven by trainyard TPE, trainyard random search and Optuna 3.1's TPE
// (bench/optuna_training.py, which sends every trial's parameters to bench/_trial-server.ts, the
// same objective over a pipe). Then the same trainyard TPE study with the Hyperband pruner against
// none, and trials per hour through the real tuning service with 1 worker and with config.workers
// workers. One JSON object per line on stdout, tables on stderr.
//
// Env: TRAINING_TRIALS (N, default 20), TRAINING_SEEDS (default 5), TRAINING_DATA (default
// synthetic:seed=1,bars=3000,signal=0.3; e.g. sample:sp500), TRAINING_EPOCHS (12),
// TRAINING_SERVICE_TRIALS (trials per service run, default 16), TRAINING_WORKERS (default 2),
// TRAINING_PARTS (default objective,pruning,throughput), TRAINING_CACHE (a memo file to keep
// between runs; default a fresh temporary one).
//
// 1. Best value after N trials across seeds, median [q1, q3] per arm; verdict as
//    bench/tuning-samplers.ts: two-sided Mann-Whitney U (trainyard TPE vs Optuna TPE), Holm over the
//    run's comparisons at family alpha 0.05. Memo: the same parameters on the same data train to the
//    same value (seeded), so random search and Optuna's objective reuse any identical parameter set
//    already trained (_trial-objective.ts); the trainyard TPE arm always trains afresh (it is timed).
// 2. Pruning: trainyard TPE with pruner none (the arm of part 1) and with Hyperband (as the service
//    builds it: min_resource = config tuning.min_epochs = 1, max_resource = epochs, reduction factor
//    3, study key "<strategy>:<seed>"), interleaved seed by seed, both trained afresh: study wall
//    time, epochs run, best value; the difference of medians and the same Mann-Whitney test.
// 3. Throughput: services.tuning.start/waitFor on a temporary home, random sampler (both runs train
//    the same trials), no pruner, no retrain, parallel = workers; trials/hour and the speed-up.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { loadConfig } from '../src/config/load.js';
import { createLogger } from '../src/config/logger.js';
import { createServices } from '../src/services/index.js';
import { createPruner, type PrunerSpec } from '../src/tuning/pruners.js';
import { createSampler, type SamplerName } from '../src/tuning/samplers/index.js';
import type { TrialRecord } from '../src/tuning/types.js';
import { emit, median } from './_shared.js';
import { createObjective, SEARCH, STRATEGY_FILE, type Objective } from './_trial-objective.js';
import { holmRejects, mannWhitneyP, quantile } from './_tuning-stats.js';

const root = path.resolve(import.meta.dirname, '..');
const env = process.env;
const N = Number(env['TRAINING_TRIALS'] ?? 20);
const SEEDS = Array.from({ length: Number(env['TRAINING_SEEDS'] ?? 5) }, (_, i) => i);
const DATA = env['TRAINING_DATA'] ?? 'synthetic:seed=1,bars=3000,signal=0.3';
const EPOCHS = Number(env['TRAINING_EPOCHS'] ?? 12);
const SERVICE_TRIALS = Number(env['TRAINING_SERVICE_TRIALS'] ?? 16);
const WORKERS = Number(env['TRAINING_WORKERS'] ?? 2);
const PARTS = (env['TRAINING_PARTS'] ?? 'objective,pruning,throughput').split(',');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'trainyard-tuning-training-'));
const CACHE = env['TRAINING_CACHE'] || path.join(tmp, 'trials.jsonl');

interface StudyRun {
  values: (number | null)[];
  best: number;
  epochs: number;
  /** Wall seconds of the whole study (sampling, pruning decisions and training). */
  seconds: number;
  pruned: number;
  failed: number;
}

const bestOf = (values: readonly (number | null)[]) => {
  let best = Number.POSITIVE_INFINITY;
  for (const v of values) if (v !== null && v < best) best = v;
  return best;
};
const fmt = (x: number) => (Number.isFinite(x) ? x.toFixed(4) : 'n/a');
const iqr = (xs: number[]) => ({ median: median(xs), q1: quantile(xs, 0.25), q3: quantile(xs, 0.75) });
const cell = (xs: number[], f = fmt) => {
  const s = iqr(xs);
  return `${f(s.median)} [${f(s.q1)}, ${f(s.q3)}]`;
};
const round = (x: number, d = 5) => +x.toPrecision(d);
const load = () => os.loadavg().map((l) => +l.toFixed(2));

/** One study, in process, as src/tuning/run.ts runs it with parallel 1: sample from every trial so far, train, prune at epoch ends. */
async function study(objective: Objective, sampler: SamplerName, seed: number, pruner: PrunerSpec, useCache: boolean): Promise<StudyRun> {
  const s = createSampler(sampler, seed);
  const p = createPruner(pruner);
  const trials: TrialRecord[] = [];
  const t0 = performance.now();
  let epochs = 0;
  for (let i = 0; i < N; i++) {
    const params = s.sample(objective.space, trials, i);
    const record: TrialRecord = { number: i, state: 'running', params, value: null, intermediate: [] };
    trials.push(record);
    const report =
      pruner.kind === 'none'
        ? undefined
        : (step: number, value: number) => {
            record.intermediate = [...record.intermediate, { step, value }];
            return p.shouldPrune(record, step, trials);
          };
    const e = await objective.evaluate(params, { useCache, report });
    epochs += e.epochs_run;
    trials[i] = {
      number: i,
      state: e.value === null ? 'failed' : e.state,
      params,
      value: e.state === 'complete' ? e.value : null,
      intermediate: e.intermediate,
    };
  }
  const values = trials.map((t) => t.value);
  return {
    values,
    best: bestOf(values),
    epochs,
    seconds: (performance.now() - t0) / 1000,
    pruned: trials.filter((t) => t.state === 'pruned').length,
    failed: trials.filter((t) => t.state === 'failed').length,
  };
}

function python(): string | undefined {
  return ['/usr/bin/python3', 'python3'].find((bin) => spawnSync(bin, ['-c', 'import optuna'], { encoding: 'utf8' }).status === 0);
}

async function throughput(workers: number): Promise<Record<string, unknown>> {
  const home = fs.mkdtempSync(path.join(tmp, `home-${workers}-`));
  const config = loadConfig({ argv: { home, log_level: 'silent', wasm_threads: 1, workers }, env: {} });
  const services = createServices(config, { logger: createLogger('silent') });
  try {
    const t0 = performance.now();
    const op = services.tuning.start(
      {
        strategy: STRATEGY_FILE,
        search: SEARCH,
        data: DATA,
        trials: SERVICE_TRIALS,
        sampler: 'random',
        pruner: 'none',
        parallel: workers,
        seed: 1,
        overrides: { epochs: EPOCHS },
        retrain: false,
      },
      'bench',
    );
    const done = await services.tuning.waitFor(op.id);
    const seconds = (performance.now() - t0) / 1000;
    if (done.status !== 'completed') throw new Error(`tuning run ${done.status}: ${done.message ?? ''}`);
    const trials = services.registry.tuning.list(op.id);
    const inWorker = trials.map((t) => Number(t.metrics?.['seconds'] ?? Number.NaN));
    return {
      workers,
      parallel: workers,
      trials: trials.length,
      states: trials.map((t) => t.state).join(','),
      seconds: round(seconds, 4),
      trials_per_hour: round((trials.length / seconds) * 3600, 4),
      trial_duration_s_median: round(median(trials.map((t) => t.duration_s ?? Number.NaN)), 4),
      trial_in_worker_s_median: round(median(inWorker), 4),
      epochs_run: trials.reduce((n, t) => n + t.intermediate.length, 0),
      values: trials.map((t) => t.value),
      load: load(),
    };
  } finally {
    await services.close();
  }
}

async function main(): Promise<void> {
  const t0 = performance.now();
  const table: string[] = [];
  const objective = await createObjective({ data: DATA, epochs: EPOCHS, cacheFile: CACHE });
  emit({
    bench: 'tuning_training',
    data: DATA,
    epochs: EPOCHS,
    trials: N,
    seeds: SEEDS.length,
    strategy: path.relative(root, STRATEGY_FILE),
    space: objective.space.params.map((p) => p.name),
    cpus: os.cpus().length,
    load: load(),
  });
  const doObjective = PARTS.includes('objective');
  const doPruning = PARTS.includes('pruning');

  // Parts 1 and 2: seed by seed, TPE without pruning, TPE with Hyperband, random search.
  const runs: Record<'tpe' | 'tpe_hyperband' | 'random' | 'optuna_tpe', (StudyRun | null)[]> = {
    tpe: [],
    tpe_hyperband: [],
    random: [],
    optuna_tpe: [],
  };
  const hyperband = (seed: number): PrunerSpec => ({
    kind: 'hyperband',
    min_resource: 1,
    max_resource: EPOCHS,
    reduction_factor: 3,
    study_key: `${objective.base.strategy.name}:${seed}`,
  });
  // Warm-up (the first trial of a process compiles the wasm kernels), and the determinism check's reference:
  // the first TPE study's first parameters, trained afresh here; Optuna's trial server trains them again.
  const checkParams = createSampler('tpe', 0).sample(objective.space, [], 0);
  const own = await objective.evaluate(checkParams, { useCache: false });
  if (doObjective || doPruning)
    for (const seed of SEEDS) {
      // The two timed arms alternate which goes first, so a drift of the machine's load hits both.
      const none = () => study(objective, 'tpe', seed, { kind: 'none' }, false);
      const pruned = () => study(objective, 'tpe', seed, hyperband(seed), false);
      if (!doPruning) runs.tpe.push(await none());
      else if (seed % 2 === 0) {
        runs.tpe.push(await none());
        runs.tpe_hyperband.push(await pruned());
      } else {
        runs.tpe_hyperband.push(await pruned());
        runs.tpe.push(await none());
      }
      if (doObjective) runs.random.push(await study(objective, 'random', seed, { kind: 'none' }, true));
      const last = (k: keyof typeof runs) => runs[k].at(-1);
      console.error(
        `seed ${seed}: tpe ${fmt(last('tpe')!.best)} (${last('tpe')!.seconds.toFixed(0)} s)` +
          (doPruning ? `, tpe+hyperband ${fmt(last('tpe_hyperband')!.best)} (${last('tpe_hyperband')!.seconds.toFixed(0)} s)` : '') +
          (doObjective ? `, random ${fmt(last('random')!.best)}` : '') +
          `; ${((performance.now() - t0) / 1000).toFixed(0)} s so far`,
      );
    }

  if (doObjective) {
    const py = python();
    let optunaVersion = 'n/a';
    let check: number | null | undefined;
    if (!py) emit({ bench: 'tuning_training', optuna: 'skipped: optuna not importable (apt-get install python3-optuna)' });
    else {
      const t1 = performance.now();
      const r = spawnSync(py, [path.join(import.meta.dirname, 'optuna_training.py')], {
        input: JSON.stringify({
          space: objective.space.params,
          seeds: SEEDS,
          trials: N,
          training_seed: objective.trainingSeed,
          check: checkParams,
          server: {
            cmd: [process.execPath, '--import', 'tsx', path.join(import.meta.dirname, '_trial-server.ts')],
            cwd: root,
            env: { TRIAL_DATA: DATA, TRIAL_EPOCHS: String(EPOCHS), TRIAL_CACHE: CACHE },
          },
        }),
        encoding: 'utf8',
        stdio: ['pipe', 'pipe', 'inherit'],
        maxBuffer: 64 << 20,
      });
      if (r.status !== 0) throw new Error(`optuna_training.py failed (status ${r.status})`);
      let cached = 0;
      for (const line of r.stdout.split('\n').filter(Boolean)) {
        const o = JSON.parse(line) as Record<string, unknown>;
        if (o['kind'] === 'version') optunaVersion = o['optuna'] as string;
        else if (o['kind'] === 'check') check = o['value'] as number | null;
        else if (o['kind'] === 'study') {
          const values = o['values'] as (number | null)[];
          cached += o['cached'] as number;
          runs.optuna_tpe.push({ values, best: bestOf(values), epochs: 0, seconds: o['seconds'] as number, pruned: 0, failed: 0 });
        }
      }
      emit({
        bench: 'tuning_training',
        optuna: optunaVersion,
        seconds_optuna: round((performance.now() - t1) / 1000, 4),
        optuna_trials_from_memo: cached,
        determinism: { params: checkParams, in_process: own.value, trial_server: check ?? null, identical: own.value === check },
      });
    }

    const best = (k: keyof typeof runs) => runs[k].filter((r): r is StudyRun => r !== null).map((r) => r.best);
    const arms = ['tpe', 'random', 'optuna_tpe'] as const;
    const pOp = runs.optuna_tpe.length ? mannWhitneyP(best('tpe'), best('optuna_tpe')) : null;
    const pRandom = mannWhitneyP(best('tpe'), best('random'));
    const rejects = pOp === null ? [] : holmRejects([pOp], 0.05);
    const verdict =
      pOp === null
        ? 'optuna not run'
        : !rejects[0]
          ? 'matches within noise'
          : median(best('tpe')) < median(best('optuna_tpe'))
            ? 'trainyard better'
            : 'trainyard worse';
    emit({
      bench: 'tuning_training',
      part: 'objective',
      budget: N,
      seeds: SEEDS.length,
      ...Object.fromEntries(
        arms.map((a) => {
          const xs = best(a);
          if (!xs.length) return [a, null];
          const s = iqr(xs);
          return [a, { median: round(s.median), iqr: [round(s.q1), round(s.q3)], per_seed: xs.map((x) => round(x)) }];
        }),
      ),
      p_trainyard_vs_optuna_tpe: pOp === null ? null : +pOp.toFixed(4),
      p_trainyard_tpe_vs_random: +pRandom.toFixed(4),
      verdict,
      rule: 'two-sided Mann-Whitney U on best-after-N across seeds, Holm over this run at family alpha 0.05',
      memo: { ...objective.stats(), note: 'identical parameter sets reuse the seeded training result; the trainyard TPE arm never does' },
    });
    table.push(
      `1. objective: best validation loss after ${N} trials, ${SEEDS.length} seeds, median [q1, q3]; ${DATA}, ${EPOCHS} epochs; optuna ${optunaVersion}`,
      `   ${'trainyard TPE'.padEnd(28)}${'trainyard random'.padEnd(28)}${'optuna TPE'.padEnd(28)}p(ty~op)  p(tpe~rnd)  verdict`,
      `   ${arms.map((a) => (best(a).length ? cell(best(a)) : 'n/a').padEnd(28)).join('')}${(pOp === null ? 'n/a' : pOp.toFixed(3)).padEnd(10)}${pRandom.toFixed(3).padEnd(12)}${verdict}`,
    );
  }

  if (doPruning) {
    const none = runs.tpe as StudyRun[];
    const hb = runs.tpe_hyperband as StudyRun[];
    const b0 = none.map((r) => r.best);
    const b1 = hb.map((r) => r.best);
    const p = mannWhitneyP(b1, b0);
    const dBest = median(b1) - median(b0);
    const s0 = none.map((r) => r.seconds);
    const s1 = hb.map((r) => r.seconds);
    const e0 = none.map((r) => r.epochs);
    const e1 = hb.map((r) => r.epochs);
    const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
    const timeSaved = 1 - sum(s1) / sum(s0);
    const epochsSaved = 1 - sum(e1) / sum(e0);
    const verdict = p < 0.05 ? (dBest > 0 ? 'hyperband loses best value' : 'hyperband finds better') : 'best value kept within noise';
    emit({
      bench: 'tuning_training',
      part: 'pruning',
      budget: N,
      seeds: SEEDS.length,
      none: { seconds: s0.map((x) => round(x, 4)), epochs: e0, best: b0.map((x) => round(x)) },
      hyperband: {
        seconds: s1.map((x) => round(x, 4)),
        epochs: e1,
        pruned: hb.map((r) => r.pruned),
        best: b1.map((x) => round(x)),
      },
      time_saved_share: +timeSaved.toFixed(4),
      epochs_saved_share: +epochsSaved.toFixed(4),
      median_best_difference: round(dBest),
      p_hyperband_vs_none: +p.toFixed(4),
      verdict,
      rule: 'two-sided Mann-Whitney U on best-after-N across seeds at alpha 0.05; positive difference = hyperband worse',
    });
    const f1 = (x: number) => x.toFixed(1);
    const f0 = (x: number) => x.toFixed(0);
    table.push(
      `2. pruning: trainyard TPE, ${N} trials, ${SEEDS.length} seeds, median [q1, q3] per study`,
      `   ${'pruner'.padEnd(11)}${'wall s'.padEnd(22)}${'epochs run'.padEnd(20)}${'pruned'.padEnd(16)}best val loss`,
      `   ${'none'.padEnd(11)}${cell(s0, f1).padEnd(22)}${cell(e0, f0).padEnd(20)}${'0'.padEnd(16)}${cell(b0)}`,
      `   ${'hyperband'.padEnd(11)}${cell(s1, f1).padEnd(22)}${cell(e1, f0).padEnd(20)}${cell(
        hb.map((r) => r.pruned),
        f0,
      ).padEnd(16)}${cell(b1)}`,
      `   time saved ${(100 * timeSaved).toFixed(0)}%, epochs saved ${(100 * epochsSaved).toFixed(0)}%; median best hyperband - none ${dBest >= 0 ? '+' : ''}${dBest.toFixed(4)}, p ${p.toFixed(3)}: ${verdict}`,
    );
  }

  if (PARTS.includes('throughput')) {
    const counts = [...new Set([1, WORKERS])];
    const results: Record<string, unknown>[] = [];
    for (const w of counts) {
      const r = await throughput(w);
      results.push(r);
      emit({ bench: 'tuning_training', part: 'throughput', data: DATA, epochs: EPOCHS, ...r });
    }
    const tph = results.map((r) => r['trials_per_hour'] as number);
    const speedup = tph.length > 1 ? tph[1]! / tph[0]! : 1;
    const sameTrials = results.every((r) => JSON.stringify(r['values']) === JSON.stringify(results[0]!['values']));
    emit({
      bench: 'tuning_training',
      part: 'throughput_summary',
      workers: counts,
      speedup: +speedup.toFixed(3),
      same_trials: sameTrials,
      cpus: os.cpus().length,
    });
    table.push(
      `3. throughput: service, ${SERVICE_TRIALS} trials, random sampler, no pruner, no retrain, wasm 1 thread per worker, ${os.cpus().length} CPUs`,
      `   ${'workers'.padEnd(9)}${'wall s'.padEnd(9)}${'trials/h'.padEnd(10)}${'trial s (row)'.padEnd(15)}${'in worker s'.padEnd(13)}load 1/5/15`,
      ...results.map(
        (r) =>
          `   ${String(r['workers']).padEnd(9)}${(r['seconds'] as number).toFixed(1).padEnd(9)}${(r['trials_per_hour'] as number).toFixed(0).padEnd(10)}${(r['trial_duration_s_median'] as number).toFixed(2).padEnd(15)}${(r['trial_in_worker_s_median'] as number).toFixed(2).padEnd(13)}${(r['load'] as number[]).join('/')}`,
      ),
      `   speed-up ${speedup.toFixed(2)}x; same trials and values in both runs: ${sameTrials}`,
    );
  }
  const seconds = (performance.now() - t0) / 1000;
  emit({ bench: 'tuning_training', seconds_total: round(seconds, 4), load: load() });
  table.push(`total ${seconds.toFixed(0)} s`);
  console.error(table.join('\n'));
  fs.rmSync(tmp, { recursive: true, force: true });
}

await main();
