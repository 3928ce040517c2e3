/**
 * What every sampler needs to know about a search space: which parameters are active, how a value
 * sits on its grid, and a reproducible random stream per (seed, trial, parameter).
 */
import { DomainError } from '../../domain/errors.js';
import { deriveSeed } from '../../pipeline/random.js';
import type { Distribution, ParamValue, SearchSpace, SpaceParam } from '../types.js';

export type NumericDistribution = Exclude<Distribution, { kind: 'categorical' }>;

/** Deep equality for parameter values (a choice may be a list such as hidden layer sizes). */
export function sameValue(a: ParamValue, b: ParamValue): boolean {
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
  }
  return a === b;
}

/** Index of `value` among `choices`, -1 when absent (Optuna's CategoricalDistribution.to_internal_repr). */
export function choiceIndex(choices: readonly ParamValue[], value: ParamValue): number {
  for (let i = 0; i < choices.length; i++) if (sameValue(choices[i]!, value)) return i;
  return -1;
}

/** A conditional parameter is active when its parent is active and took one of `condition.values`. */
export function isActive(param: SpaceParam, chosen: Readonly<Record<string, ParamValue>>): boolean {
  if (!param.condition) return true;
  if (!Object.hasOwn(chosen, param.condition.parent)) return false;
  return choiceIndex(param.condition.values, chosen[param.condition.parent]!) >= 0;
}

/** Step of a numeric distribution: ints default to 1 (Optuna's IntDistribution), floats to continuous. */
export function stepOf(d: NumericDistribution): number | undefined {
  if (d.step !== undefined) return d.step;
  return d.kind === 'int' ? 1 : undefined;
}

/**
 * The highest value on the grid low + k * step: Optuna lowers `high` the same way
 * (distributions._adjust_discrete_uniform_high / _adjust_int_uniform_high). The 1e-9 absorbs
 * binary rounding of decimal steps (Optuna uses decimal.Decimal for the same reason).
 */
export function gridHigh(d: NumericDistribution): number {
  const step = stepOf(d);
  if (step === undefined) return d.high;
  const k = Math.floor((d.high - d.low) / step + 1e-9);
  return tidy(d.low + k * step);
}

/** Snaps `x` to the distribution's grid (step, integers) and keeps it inside [low, high]. */
export function snap(d: NumericDistribution, x: number): number {
  const step = stepOf(d);
  const high = gridHigh(d);
  let v = x;
  if (step !== undefined) v = tidy(d.low + Math.round((x - d.low) / step) * step);
  if (d.kind === 'int') v = Math.round(v);
  return v < d.low ? d.low : v > high ? high : v;
}

/** The one value a distribution can take (low == high, one choice); Optuna skips the sampler for these (Trial._suggest). */
export function singleValue(d: Distribution): { value: ParamValue } | undefined {
  if (d.kind === 'categorical') return d.choices.length === 1 ? { value: d.choices[0]! } : undefined;
  return gridHigh(d) === d.low ? { value: d.low } : undefined;
}

/** Rejects spaces no sampler can draw from, with a message that says which parameter and why. */
export function checkSpace(space: SearchSpace): void {
  const seen = new Set<string>();
  for (const p of space.params) {
    const d = p.distribution;
    const bad = (why: string) => new DomainError('INVALID_ARGUMENT', `Search-space parameter "${p.name}": ${why}.`);
    if (seen.has(p.name)) throw bad('appears twice');
    if (p.condition && !seen.has(p.condition.parent)) throw bad(`its parent "${p.condition.parent}" must come earlier in the space`);
    seen.add(p.name);
    if (d.kind === 'categorical') {
      if (d.choices.length === 0) throw bad('needs at least one choice');
      continue;
    }
    if (!Number.isFinite(d.low) || !Number.isFinite(d.high) || d.low > d.high) throw bad('needs finite low <= high');
    if (d.log && d.low <= 0) throw bad('a log range needs low > 0');
    if (d.step !== undefined && !(d.step > 0)) throw bad('step must be > 0');
    if (d.kind === 'int' && (!Number.isInteger(d.low) || !Number.isInteger(d.high) || (d.step !== undefined && !Number.isInteger(d.step))))
      throw bad('an int range needs integer low, high and step');
  }
}

/**
 * Seed of one parameter's stream in one trial: a pure function of (seed, trial number, name), so a
 * proposal never depends on call order, on which other parameters were active, or on other trials' draws.
 */
export function paramSeed(seed: number, trialNumber: number, name: string): number {
  let h = 0x811c9dc5; // FNV-1a over the name
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193);
  return deriveSeed(deriveSeed(seed, trialNumber), h >>> 0);
}

/** Removes binary noise such as 0.30000000000000004 from grid points (15 significant digits are exact for doubles). */
function tidy(x: number): number {
  return Number(x.toPrecision(15));
}
