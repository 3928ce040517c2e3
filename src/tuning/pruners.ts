/**
 * Pruners that stop unpromising trials at an epoch: asynchronous successive halving (ASHA, as
 * Optuna 3.1's SuccessiveHalvingPruner, optuna/pruners/_successive_halving.py) and Hyperband (as
 * Optuna 3.1's HyperbandPruner, optuna/pruners/_hyperband.py). Objective values are minimised.
 *
 * Optuna keeps each trial's value at a rung in the storage when the pruner is asked; here it is
 * read back from the intermediate values: a trial "reached" rung r with its value at the first
 * reported step >= the rung's step. That is the same value as long as the pruner is asked after
 * every reported epoch, which is how the training loop calls it.
 */
import { z } from 'zod';
import { DomainError } from '../domain/errors.js';
import { strictObject } from '../domain/strict-object.js';
import type { Pruner, TrialRecord } from './types.js';

const resource = z.number().int().min(1);

export const prunerSpecSchema = z.discriminatedUnion('kind', [
  strictObject({ kind: z.literal('none') }),
  strictObject({
    kind: z.literal('successive_halving'),
    min_resource: resource.optional().describe('Epochs before the first rung; default max(floor(max_resource / 100), 1), Optuna\'s "auto"'),
    max_resource: resource.optional().describe('Epochs a full trial trains; only used to derive min_resource and list the rungs'),
    reduction_factor: z.number().int().min(2).default(4).describe('Keep the top 1/reduction_factor at each rung'),
    min_early_stopping_rate: z.number().int().min(0).default(0),
    bootstrap_count: z.number().int().min(0).default(0).describe('Trials a rung needs before any is promoted'),
  }),
  strictObject({
    kind: z.literal('hyperband'),
    min_resource: resource.default(1),
    max_resource: resource.describe('Epochs a full trial trains'),
    reduction_factor: z.number().int().min(2).default(3),
    bootstrap_count: z.number().int().min(0).default(0),
    study_key: z.string().min(1).describe('Hashed with the trial number to pick its bracket (Optuna hashes the study name)'),
  }),
]);
export type PrunerSpec = z.input<typeof prunerSpecSchema>;

/** One successive-halving ladder: a trial stops at the first rung where it is not in the top 1/reduction_factor. */
export interface BracketDescription {
  bracket: number;
  /** Fraction of trials assigned to this bracket (1 for plain successive halving). */
  share: number;
  /** Epochs at which the bracket's promotion decisions are taken (those <= max_resource). */
  rung_steps: number[];
}

export interface PrunerDescription {
  kind: PrunerSpec['kind'];
  reduction_factor: number | null;
  brackets: BracketDescription[];
}

export function createPruner(input: PrunerSpec): Pruner {
  const spec = parseSpec(input);
  if (spec.kind === 'none') return { name: 'none', shouldPrune: () => false };
  if (spec.kind === 'successive_halving') {
    const ladder = {
      min: minResourceOf(spec),
      rf: spec.reduction_factor,
      rate: spec.min_early_stopping_rate,
      bootstrap: spec.bootstrap_count,
    };
    return { name: 'successive_halving', shouldPrune: (trial, step, trials) => haltsAt(ladder, trial, step, trials) };
  }
  const plan = hyperbandPlan(spec);
  return {
    name: 'hyperband',
    shouldPrune(trial, step, trials) {
      const bracket = plan.bracketOf(trial.number);
      // Each bracket runs successive halving among its own trials only (_hyperband.py, _BracketStudy.get_trials).
      const own = trials.filter((t) => plan.bracketOf(t.number) === bracket);
      const ladder = { min: spec.min_resource, rf: spec.reduction_factor, rate: bracket, bootstrap: spec.bootstrap_count };
      return haltsAt(ladder, trial, step, own);
    },
  };
}

/** The Hyperband bracket a trial belongs to (0 for the other pruners): a crc32 of "<study_key>_<trial number>", as Optuna hashes "<study name>_<number>". */
export function bracketOfTrial(input: PrunerSpec, trialNumber: number): number {
  const spec = parseSpec(input);
  return spec.kind === 'hyperband' ? hyperbandPlan(spec).bracketOf(trialNumber) : 0;
}

/** The rungs a pruner decides at, per bracket, for status pages and docs. */
export function describePruner(input: PrunerSpec, maxSteps?: number): PrunerDescription {
  const spec = parseSpec(input);
  if (spec.kind === 'none') return { kind: 'none', reduction_factor: null, brackets: [] };
  if (spec.kind === 'successive_halving') {
    const last = maxSteps ?? spec.max_resource;
    const min = minResourceOf(spec);
    return {
      kind: spec.kind,
      reduction_factor: spec.reduction_factor,
      brackets: [{ bracket: 0, share: 1, rung_steps: rungSteps(min, spec.reduction_factor, spec.min_early_stopping_rate, last) }],
    };
  }
  const plan = hyperbandPlan(spec);
  return {
    kind: spec.kind,
    reduction_factor: spec.reduction_factor,
    brackets: plan.budgets.map((b, bracket) => ({
      bracket,
      share: b / plan.total,
      rung_steps: rungSteps(spec.min_resource, spec.reduction_factor, bracket, maxSteps ?? spec.max_resource),
    })),
  };
}

type Spec = z.output<typeof prunerSpecSchema>;
type SuccessiveHalvingSpec = Extract<Spec, { kind: 'successive_halving' }>;
type HyperbandSpec = Extract<Spec, { kind: 'hyperband' }>;

interface Ladder {
  min: number;
  rf: number;
  rate: number;
  bootstrap: number;
}

function parseSpec(input: PrunerSpec): Spec {
  const parsed = prunerSpecSchema.safeParse(input);
  if (!parsed.success) {
    const why = parsed.error.issues.map((i) => `${i.path.join('.') || 'pruner'}: ${i.message}`).join('; ');
    throw new DomainError('INVALID_ARGUMENT', `Invalid pruner: ${why}.`);
  }
  const spec = parsed.data;
  if (spec.kind === 'successive_halving' && spec.min_resource === undefined && spec.max_resource === undefined)
    throw new DomainError('INVALID_ARGUMENT', 'successive_halving needs min_resource or max_resource (epochs).');
  if (spec.kind === 'hyperband' && spec.max_resource < spec.min_resource)
    throw new DomainError('INVALID_ARGUMENT', 'hyperband needs max_resource >= min_resource.');
  return spec;
}

/** Optuna's min_resource="auto" takes the first complete trial's last step // 100, at least 1 (_estimate_min_resource); a full trial's last step is max_resource. */
function minResourceOf(spec: SuccessiveHalvingSpec): number {
  return spec.min_resource ?? Math.max(Math.floor(spec.max_resource! / 100), 1);
}

/** Step of rung r: min_resource * rf^(min_early_stopping_rate + r) (_successive_halving.py 182-184). */
function rungStep(l: Ladder, rung: number): number {
  return l.min * l.rf ** (l.rate + rung);
}

function rungSteps(min: number, rf: number, rate: number, last: number | undefined): number[] {
  const out: number[] = [];
  const limit = last ?? min * rf ** (rate + 3); // no end given: the first four rungs
  for (let r = 0; min * rf ** (rate + r) <= limit; r++) out.push(min * rf ** (rate + r));
  return out;
}

/** SuccessiveHalvingPruner.prune (_successive_halving.py 163-213) for `trial` reporting at `step`. */
function haltsAt(l: Ladder, trial: TrialRecord, step: number, trials: readonly TrialRecord[]): boolean {
  let value: number | undefined;
  let previous = 0;
  for (const iv of trial.intermediate) {
    if (iv.step === step) value = iv.value;
    else if (iv.step < step && iv.step > previous) previous = iv.step;
  }
  if (value === undefined) return false;
  // Rungs passed at earlier reports were already decided (Optuna's completed_rung_* attributes).
  let rung = 0;
  while (rungStep(l, rung) <= previous) rung++;
  for (; ; rung++) {
    const at = rungStep(l, rung);
    if (step < at) return false;
    if (Number.isNaN(value)) return true;
    // 'competing' holds this trial's value plus every other trial's recorded value at the rung (244-250).
    const competing = [value];
    for (const t of trials) {
      if (t.number === trial.number) continue;
      const v = valueAtRung(t, at);
      if (v !== undefined) competing.push(v);
    }
    if (competing.length <= l.bootstrap) return true;
    if (!promotable(value, competing, l.rf)) return true;
  }
}

/** The value a trial recorded at the rung of step `at`: the one at its first report at or past it; NaN values never record. */
function valueAtRung(t: TrialRecord, at: number): number | undefined {
  let first: { step: number; value: number } | undefined;
  for (const iv of t.intermediate) if (iv.step >= at && (!first || iv.step < first.step)) first = iv;
  return first && !Number.isNaN(first.value) ? first.value : undefined;
}

/**
 * In the top floor(n / rf) of the values recorded at the rung, or the best one while fewer than rf
 * have arrived, since a trial cannot wait for others (_is_trial_promotable_to_next_rung, 253-271).
 */
function promotable(value: number, competing: number[], rf: number): boolean {
  let idx = Math.floor(competing.length / rf) - 1;
  if (idx === -1) idx = 0;
  competing.sort((a, b) => a - b);
  return value <= competing[idx]!;
}

/** Brackets, their trial budgets and the trial -> bracket map of HyperbandPruner (_hyperband.py 186-254). */
function hyperbandPlan(spec: HyperbandSpec): { budgets: number[]; total: number; bracketOf: (trialNumber: number) => number } {
  const rf = spec.reduction_factor;
  // floor(log_rf(max / min)) + 1, computed as Python's math.log(x, base) does: log(x) / log(base).
  const nBrackets = Math.floor(Math.log(spec.max_resource / spec.min_resource) / Math.log(rf)) + 1;
  const budgets: number[] = [];
  for (let b = 0; b < nBrackets; b++) {
    const s = nBrackets - 1 - b;
    budgets.push(Math.ceil((nBrackets * rf ** s) / (s + 1)));
  }
  let total = 0;
  for (const b of budgets) total += b;
  const bracketOf = (trialNumber: number): number => {
    let n = crc32(`${spec.study_key}_${trialNumber}`) % total;
    for (let b = 0; b < nBrackets; b++) {
      n -= budgets[b]!;
      if (n < 0) return b;
    }
    return nBrackets - 1;
  };
  return { budgets, total, bracketOf };
}

/** CRC-32 (IEEE, as Python's binascii.crc32) of the UTF-8 bytes of `text`. */
export function crc32(text: string): number {
  let crc = 0xffffffff;
  for (const byte of new TextEncoder().encode(text)) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}
