// trainyard's TPE and random search against Optuna 3.1's (bench/optuna_tuning.py, python3-optuna)
// on the same test functions and budgets, then trainyard's pruners against Optuna's on the same
// learning curves. One JSON object per line on stdout, a table on stderr.
//
// Env: TUNING_SEEDS (seeds per arm, default 10), TUNING_BUDGETS (default "30,100"),
// TUNING_FUNCTIONS (default all: branin,hartmann6,logscale,mixed), TUNING_PRUNER_TRIALS (default 80).
//
// Verdict rule: per function and budget, a two-sided Mann-Whitney U test on the best value after N
// trials across seeds (trainyard TPE vs Optuna TPE), normal approximation with tie correction, and
// Holm's correction over all the comparisons of the run at family-wise alpha 0.05. "matches within
// noise" when Holm does not reject; otherwise "trainyard better" / "trainyard worse" by the medians.
// The same test of trainyard TPE against random search shows the test can tell samplers apart.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRng } from '../src/pipeline/random.js';
import { createSampler, type SamplerName } from '../src/tuning/samplers/index.js';
import { bracketOfTrial, createPruner, type PrunerSpec } from '../src/tuning/pruners.js';
import type { ParamValue, TrialRecord } from '../src/tuning/types.js';
import { emit, median } from './_shared.js';
import { holmRejects, kolmogorovSmirnov, mannWhitneyP, quantile } from './_tuning-stats.js';
import { testFunctions, type TestFunction } from './_tuning-functions.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const SEEDS = Array.from({ length: Number(process.env['TUNING_SEEDS'] ?? 10) }, (_, i) => i);
const BUDGETS = (process.env['TUNING_BUDGETS'] ?? '30,100').split(',').map(Number);
const TRIALS = BUDGETS.reduce((a, b) => (b > a ? b : a), 0);
const FUNCTIONS = testFunctions.filter((f) => (process.env['TUNING_FUNCTIONS'] ?? f.name).split(',').includes(f.name));
const PRUNER_TRIALS = Number(process.env['TUNING_PRUNER_TRIALS'] ?? 80);
const PROPOSALS = Number(process.env['TUNING_PROPOSALS'] ?? 300);
const HISTORY = 30;
const MAX_EPOCHS = 27;
const ARMS = ['trainyard_tpe', 'optuna_tpe', 'trainyard_random', 'optuna_random'] as const;
type Arm = (typeof ARMS)[number];

function runTrainyard(fn: TestFunction, sampler: SamplerName, seed: number): number[] {
  const s = createSampler(sampler, seed);
  const trials: TrialRecord[] = [];
  for (let i = 0; i < TRIALS; i++) {
    const params = s.sample(fn.space, trials, i);
    trials.push({ number: i, state: 'complete', params, value: fn.f(params), intermediate: [] });
  }
  return trials.map((t) => t.value!);
}

function bestAfter(values: readonly number[], n: number): number {
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < n && i < values.length; i++) if (values[i]! < best) best = values[i]!;
  return best;
}

/**
 * A fixed history for the proposal check: 30 random trials (seed 99), three of them pruned after
 * two epochs, so the split exercises Optuna's ranking of pruned trials too.
 */
function fixedHistory(fn: TestFunction): TrialRecord[] {
  const r = createSampler('random', 99);
  const trials: TrialRecord[] = [];
  for (let i = 0; i < HISTORY; i++) {
    const params = r.sample(fn.space, trials, i);
    const v = fn.f(params);
    trials.push(
      [5, 12, 20].includes(i)
        ? { number: i, state: 'pruned', params, value: null, intermediate: [1.5, 1.2].map((k, s) => ({ step: s + 1, value: k * v })) }
        : { number: i, state: 'complete', params, value: v, intermediate: [] },
    );
  }
  return trials;
}

/** A proposal's value as a number: choice index for categoricals, 12 significant digits for numbers. */
function asNumber(fn: TestFunction, name: string, v: ParamValue): number {
  const d = fn.space.params.find((p) => p.name === name)!.distribution;
  // Optuna's grid values carry binary noise (0.35000000000000003); trainyard's are tidied to 0.35.
  return d.kind === 'categorical' ? d.choices.indexOf(v) : Number((v as number).toPrecision(12));
}

/** Learning curves: exponential decay to a trial-specific floor plus noise, rounded to 3 decimals so ties occur; trial 5 turns NaN at epoch 3. */
function learningCurves(n: number, seed: number): (number | null)[][] {
  const rng = createRng(seed);
  return Array.from({ length: n }, (_, i) => {
    const floor = 0.3 + 0.4 * rng.next();
    const start = 1 + 0.3 * rng.next();
    const tau = 1 + 9 * rng.next();
    return Array.from({ length: MAX_EPOCHS }, (_, e) => {
      if (i === 5 && e >= 2) return null;
      return Math.round((floor + (start - floor) * Math.exp(-(e + 1) / tau) + 0.02 * rng.normal()) * 1000) / 1000;
    });
  });
}

function runPruner(spec: PrunerSpec, curves: (number | null)[][]): [number, number, boolean][] {
  const pruner = createPruner(spec);
  const trials: TrialRecord[] = [];
  const decisions: [number, number, boolean][] = [];
  curves.forEach((curve, number) => {
    const trial: TrialRecord & { intermediate: { step: number; value: number }[] } = {
      number,
      state: 'running',
      params: {},
      value: null,
      intermediate: [],
    };
    trials.push(trial);
    let pruned = false;
    for (let step = 1; step <= curve.length && !pruned; step++) {
      trial.intermediate.push({ step, value: curve[step - 1] ?? Number.NaN });
      pruned = pruner.shouldPrune(trial, step, trials);
      decisions.push([number, step, pruned]);
    }
    trials[number] = { ...trial, state: pruned ? 'pruned' : 'complete', value: pruned ? null : (curve.at(-1) ?? Number.NaN) };
  });
  return decisions;
}

function python(): string | undefined {
  return ['/usr/bin/python3', 'python3'].find((bin) => spawnSync(bin, ['-c', 'import optuna'], { encoding: 'utf8' }).status === 0);
}

function main(): void {
  const curves = learningCurves(PRUNER_TRIALS, 7);
  const pruners: { name: string; spec: PrunerSpec }[] = [
    { name: 'successive_halving', spec: { kind: 'successive_halving', min_resource: 1, reduction_factor: 4 } },
    {
      name: 'successive_halving_r2',
      spec: { kind: 'successive_halving', min_resource: 2, reduction_factor: 3, min_early_stopping_rate: 1 },
    },
    {
      name: 'hyperband',
      spec: { kind: 'hyperband', min_resource: 1, max_resource: MAX_EPOCHS, reduction_factor: 3, study_key: 'bench-study' },
    },
  ];

  const best = new Map<string, number[]>(); // `${arm}|${fn}|${budget}` -> best value per seed
  const record = (arm: Arm, fn: string, values: readonly number[]) => {
    for (const b of BUDGETS) {
      const key = `${arm}|${fn}|${b}`;
      best.set(key, [...(best.get(key) ?? []), bestAfter(values, b)]);
    }
  };

  const t0 = performance.now();
  for (const fn of FUNCTIONS)
    for (const seed of SEEDS) {
      record('trainyard_tpe', fn.name, runTrainyard(fn, 'tpe', seed));
      record('trainyard_random', fn.name, runTrainyard(fn, 'random', seed));
    }
  const trainyardSeconds = (performance.now() - t0) / 1000;

  const py = python();
  let optunaVersion: string | null = null;
  const optunaProposals = new Map<string, Record<string, ParamValue>[]>();
  const optunaDecisions = new Map<string, { decisions: [number, number, boolean][]; brackets: number[] }>();
  if (!py) emit({ bench: 'tuning_samplers', optuna: 'skipped: optuna not importable (apt-get install python3-optuna)' });
  else {
    const config = {
      functions: FUNCTIONS.map((f) => f.name),
      samplers: ['tpe', 'random'],
      seeds: SEEDS,
      trials: TRIALS,
      proposals: {
        seeds: Array.from({ length: PROPOSALS }, (_, i) => i),
        histories: Object.fromEntries(FUNCTIONS.map((f) => [f.name, fixedHistory(f)])),
      },
      curves,
      pruners: pruners.map((p) => ({ name: p.name, ...p.spec })),
    };
    const t1 = performance.now();
    const r = spawnSync(py, [path.join(here, 'optuna_tuning.py')], {
      input: JSON.stringify(config),
      encoding: 'utf8',
      maxBuffer: 256 << 20,
    });
    if (r.status !== 0) throw new Error(`optuna_tuning.py failed: ${r.stderr.slice(-2000)}`);
    emit({
      bench: 'tuning_samplers',
      seconds_trainyard: +trainyardSeconds.toFixed(1),
      seconds_optuna: +((performance.now() - t1) / 1000).toFixed(1),
    });
    for (const line of r.stdout.split('\n').filter(Boolean)) {
      const o = JSON.parse(line) as Record<string, unknown>;
      if (o['kind'] === 'version') optunaVersion = o['optuna'] as string;
      else if (o['kind'] === 'sampler') record(`optuna_${o['sampler'] as string}` as Arm, o['function'] as string, o['values'] as number[]);
      else if (o['kind'] === 'proposals') optunaProposals.set(o['function'] as string, o['proposals'] as Record<string, ParamValue>[]);
      else if (o['kind'] === 'pruner')
        optunaDecisions.set(o['name'] as string, {
          decisions: o['decisions'] as [number, number, boolean][],
          brackets: o['brackets'] as number[],
        });
    }
  }

  // Samplers: one line per function and budget.
  const rows: {
    fn: string;
    budget: number;
    stats: Record<Arm, { median: number; q1: number; q3: number } | null>;
    p: number | null;
    pRandom: number;
  }[] = [];
  for (const fn of FUNCTIONS)
    for (const budget of BUDGETS) {
      const get = (arm: Arm) => best.get(`${arm}|${fn.name}|${budget}`);
      const stats = Object.fromEntries(
        ARMS.map((arm) => {
          const xs = get(arm);
          return [arm, xs ? { median: median(xs), q1: quantile(xs, 0.25), q3: quantile(xs, 0.75) } : null];
        }),
      ) as Record<Arm, { median: number; q1: number; q3: number } | null>;
      const ty = get('trainyard_tpe')!;
      const op = get('optuna_tpe');
      rows.push({ fn: fn.name, budget, stats, p: op ? mannWhitneyP(ty, op) : null, pRandom: mannWhitneyP(ty, get('trainyard_random')!) });
    }
  const tested = rows.filter((r) => r.p !== null);
  const rejects = holmRejects(
    tested.map((r) => r.p!),
    0.05,
  );
  const fmt = (x: number) => (Math.abs(x) >= 100 ? x.toFixed(1) : x.toPrecision(3));
  const table: string[] = [
    `optuna ${optunaVersion ?? 'n/a'}; ${SEEDS.length} seeds per arm; best value after N trials: median [q1, q3]`,
    `${'function'.padEnd(10)} ${'N'.padStart(4)}  ${ARMS.map((a) => a.padEnd(30)).join('')}p(ty~op)  p(tpe~rnd)  verdict`,
  ];
  for (const r of rows) {
    const i = tested.indexOf(r);
    const tyMed = r.stats.trainyard_tpe!.median;
    const opMed = r.stats.optuna_tpe?.median;
    const verdict =
      r.p === null ? 'optuna not run' : !rejects[i] ? 'matches within noise' : tyMed < opMed! ? 'trainyard better' : 'trainyard worse';
    emit({
      bench: 'tuning_samplers',
      function: r.fn,
      budget: r.budget,
      seeds: SEEDS.length,
      optimum: FUNCTIONS.find((f) => f.name === r.fn)!.optimum,
      ...Object.fromEntries(
        ARMS.map((a) => [
          a,
          r.stats[a] && { median: +r.stats[a].median.toPrecision(5), iqr: [+r.stats[a].q1.toPrecision(5), +r.stats[a].q3.toPrecision(5)] },
        ]),
      ),
      p_trainyard_vs_optuna_tpe: r.p === null ? null : +r.p.toFixed(4),
      p_trainyard_tpe_vs_random: +r.pRandom.toFixed(4),
      verdict,
      rule: 'two-sided Mann-Whitney U on best-after-N across seeds, Holm over this run at family alpha 0.05',
    });
    const cells = ARMS.map((a) => {
      const s = r.stats[a];
      return (s ? `${fmt(s.median)} [${fmt(s.q1)}, ${fmt(s.q3)}]` : 'n/a').padEnd(30);
    }).join('');
    table.push(
      `${r.fn.padEnd(10)} ${String(r.budget).padStart(4)}  ${cells}${(r.p === null ? 'n/a' : r.p.toFixed(3)).padEnd(10)}${r.pRandom.toFixed(3).padEnd(12)}${verdict}`,
    );
  }

  // Proposals: TPE's next trial after the same fixed history, one per seed, parameter by parameter.
  const proposalRows: { fn: string; param: string; n: [number, number]; d: number; p: number }[] = [];
  for (const fn of FUNCTIONS) {
    const theirs = optunaProposals.get(fn.name);
    if (!theirs) continue;
    const history = fixedHistory(fn);
    const ours = Array.from({ length: PROPOSALS }, (_, seed) => createSampler('tpe', seed).sample(fn.space, history, HISTORY));
    for (const { name } of fn.space.params) {
      const pick = (ps: Record<string, ParamValue>[]) => ps.filter((p) => name in p).map((p) => asNumber(fn, name, p[name]!));
      const [a, b] = [pick(ours), pick(theirs)];
      const { d, p } = kolmogorovSmirnov(a, b);
      proposalRows.push({ fn: fn.name, param: name, n: [a.length, b.length], d, p });
    }
  }
  const proposalRejects = holmRejects(
    proposalRows.map((r) => r.p),
    0.05,
  );
  for (const fn of FUNCTIONS) {
    const rowsOf = proposalRows.map((r, i) => ({ ...r, rejected: proposalRejects[i]! })).filter((r) => r.fn === fn.name);
    if (rowsOf.length === 0) continue;
    const verdict = rowsOf.some((r) => r.rejected) ? 'proposals differ' : 'same proposal distribution within noise';
    emit({
      bench: 'tuning_proposals',
      function: fn.name,
      history: HISTORY,
      proposals: PROPOSALS,
      params: Object.fromEntries(
        rowsOf.map((r) => [r.param, { n_trainyard: r.n[0], n_optuna: r.n[1], ks_d: +r.d.toFixed(3), p: +r.p.toFixed(4) }]),
      ),
      verdict,
      rule: 'two-sample Kolmogorov-Smirnov per parameter, Holm over all parameters of the run at family alpha 0.05',
    });
    const worst = rowsOf.reduce((a, b) => (b.p < a.p ? b : a));
    table.push(
      `proposals ${fn.name.padEnd(10)} ${PROPOSALS} per side after ${HISTORY} trials: min KS p ${worst.p.toFixed(3)} (${worst.param}, D ${worst.d.toFixed(3)}): ${verdict}`,
    );
  }

  // Pruners: the same curves through both, decision by decision.
  for (const { name, spec } of pruners) {
    const ours = runPruner(spec, curves);
    const theirs = optunaDecisions.get(name);
    const ourBrackets = curves.map((_, i) => bracketOfTrial(spec, i));
    const prunedAt = (ds: [number, number, boolean][]) => ds.filter((d) => d[2]).map((d) => `${d[0]}@${d[1]}`);
    let agree = 0;
    let compared = 0;
    if (theirs) {
      const key = (d: [number, number, boolean]) => `${d[0]}:${d[1]}`;
      const theirMap = new Map(theirs.decisions.map((d) => [key(d), d[2]]));
      for (const d of ours) {
        const t = theirMap.get(key(d));
        if (t === undefined) continue;
        compared++;
        if (t === d[2]) agree++;
      }
    }
    const bracketsAgree =
      theirs && spec.kind === 'hyperband' ? ourBrackets.filter((b, i) => b === theirs.brackets[i]).length / curves.length : null;
    const line = {
      bench: 'tuning_pruners',
      pruner: name,
      trials: curves.length,
      decisions: ours.length,
      pruned_trials: prunedAt(ours).length,
      decisions_compared: theirs ? compared : null,
      decisions_total_optuna: theirs ? theirs.decisions.length : null,
      agreement: theirs ? +(agree / Math.max(compared, 1)).toFixed(4) : null,
      bracket_agreement: bracketsAgree,
    };
    emit(line);
    table.push(
      `pruner ${name.padEnd(22)} decisions ${ours.length}/${theirs?.decisions.length ?? 'n/a'} (trainyard/optuna), pruned trials ${line.pruned_trials}, agreement ${line.agreement ?? 'n/a'}${bracketsAgree === null ? '' : `, brackets ${bracketsAgree}`}`,
    );
  }
  console.error(table.join('\n'));
}

main();
