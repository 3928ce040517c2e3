/**
 * Tree-structured Parzen Estimator (Bergstra et al. 2011), a port of Optuna 3.1's default
 * `TPESampler()`: independent (univariate) sampling, 10 random start-up trials, 24 expected-
 * improvement candidates, gamma(n) = min(ceil(0.1 n), 25), the default weight ramp, prior weight 1,
 * prior, magic clip, no endpoints. Line numbers refer to optuna/samplers/_tpe/sampler.py.
 *
 * Per parameter: rank the finished trials (complete first by value, then pruned ones by how far
 * they got and their last value), split the best gamma(n) from the rest, fit one Parzen estimator
 * to each side from the trials where the parameter was active, draw candidates from the good
 * side and keep the one with the largest l(x) / g(x).
 */
import { createRng } from '../../pipeline/random.js';
import type { ParamValue, SearchSpace, Sampler, SpaceParam, TrialRecord } from '../types.js';
import { buildParzenEstimator, defaultWeights, parzenLogPdf, sampleParzen, type ParzenOptions } from './parzen-estimator.js';
import { drawUniform } from './random.js';
import { checkSpace, choiceIndex, isActive, paramSeed, singleValue } from './space.js';

export interface TpeOptions {
  /** Random trials before the model is used (counted over complete + pruned trials). Default 10. */
  nStartupTrials?: number;
  /** Candidates drawn from l(x) per parameter. Default 24. */
  nEiCandidates?: number;
  /** Size of the "good" group from the number of finished trials. Default min(ceil(0.1 n), 25). */
  gamma?: (n: number) => number;
  priorWeight?: number;
  considerPrior?: boolean;
  considerMagicClip?: boolean;
  considerEndpoints?: boolean;
  /**
   * true: each Gaussian's log density includes -log(sigma) (Optuna >= 3.5, optuna/optuna#5110).
   * Default false: Optuna 3.1's densities, so that proposals follow the reference implementation.
   */
  normalisedLogPdf?: boolean;
}

export function defaultGamma(n: number): number {
  return Math.min(Math.ceil(0.1 * n), 25); // sampler.py 39-41
}

/** A finished trial's rank key, compared lexicographically: (-step, value); complete trials have step = Infinity (sampler.py 635-652). */
interface Observation {
  trial: TrialRecord;
  step: number;
  score: number;
}

export function createTpeSampler(seed: number, options: TpeOptions = {}): Sampler {
  const nStartup = options.nStartupTrials ?? 10;
  const nCandidates = options.nEiCandidates ?? 24;
  const gamma = options.gamma ?? defaultGamma;
  const parzen: ParzenOptions = {
    considerPrior: options.considerPrior ?? true,
    priorWeight: options.priorWeight ?? 1,
    considerMagicClip: options.considerMagicClip ?? true,
    considerEndpoints: options.considerEndpoints ?? false,
    weights: defaultWeights,
    normalisedLogPdf: options.normalisedLogPdf ?? false,
  };

  return {
    name: 'tpe',
    sample(space: SearchSpace, trials: readonly TrialRecord[], trialNumber: number) {
      checkSpace(space);
      const { n, below, above } = splitTrials(trials, gamma);

      const out: Record<string, ParamValue> = {};
      for (const p of space.params) {
        if (!isActive(p, out)) continue;
        const rng = createRng(paramSeed(seed, trialNumber, p.name));
        const single = singleValue(p.distribution);
        if (single) out[p.name] = single.value;
        else if (n < nStartup)
          out[p.name] = drawUniform(p.distribution, rng); // 453-456
        else {
          const l = buildParzenEstimator(valuesOf(p, below), p.distribution, parzen);
          const g = buildParzenEstimator(valuesOf(p, above), p.distribution, parzen);
          const candidates = sampleParzen(l, rng, nCandidates);
          const logL = parzenLogPdf(l, candidates, parzen.normalisedLogPdf);
          const logG = parzenLogPdf(g, candidates, parzen.normalisedLogPdf);
          const best = candidates[argmaxDifference(logL, logG)]!;
          out[p.name] = p.distribution.kind === 'categorical' ? p.distribution.choices[best]! : best;
        }
      }
      return out;
    },
  };
}

/**
 * The finished trials split into the best gamma(n) ("below", fitted by l(x)) and the rest ("above",
 * g(x)), both oldest first (_split_observation_pairs, 693-732); n counts every finished trial, also
 * those where a given parameter was inactive (sample_independent, 447).
 */
export function splitTrials(
  trials: readonly TrialRecord[],
  gamma: (n: number) => number = defaultGamma,
): { n: number; below: TrialRecord[]; above: TrialRecord[] } {
  const observations = finishedObservations(trials);
  const ranked = Array.from(observations.keys()).sort((i, j) => compareObservations(observations[i]!, observations[j]!) || i - j);
  const nBelow = gamma(observations.length);
  const pick = (idx: number[]) => idx.sort((i, j) => i - j).map((i) => observations[i]!.trial);
  return { n: observations.length, below: pick(ranked.slice(0, nBelow)), above: pick(ranked.slice(nBelow)) };
}

/**
 * Complete trials with a value and pruned trials, oldest first; running and failed trials do not
 * count (_get_observation_pairs, 587-690). A pruned trial ranks by its last reported step (further
 * is better) and the value there (NaN ranks last); one that reported nothing ranks after all others.
 */
function finishedObservations(trials: readonly TrialRecord[]): Observation[] {
  const out: Observation[] = [];
  const sorted = [...trials].sort((a, b) => a.number - b.number);
  for (const t of sorted) {
    if (t.state === 'complete') {
      if (t.value === null) continue;
      out.push({ trial: t, step: Number.NEGATIVE_INFINITY, score: Number.isNaN(t.value) ? Number.POSITIVE_INFINITY : t.value });
    } else if (t.state === 'pruned') {
      let last: { step: number; value: number } | undefined;
      for (const iv of t.intermediate) if (!last || iv.step > last.step) last = iv;
      if (!last) out.push({ trial: t, step: 1, score: 0 });
      else out.push({ trial: t, step: -last.step, score: Number.isNaN(last.value) ? Number.POSITIVE_INFINITY : last.value });
    }
  }
  return out;
}

function compareObservations(a: Observation, b: Observation): number {
  if (a.step !== b.step) return a.step < b.step ? -1 : 1;
  if (a.score !== b.score) return a.score < b.score ? -1 : 1;
  return 0;
}

/** The parameter's values in the given trials where it was active and its value fits the distribution (internal repr, 664-671). */
function valuesOf(p: SpaceParam, trials: readonly TrialRecord[]): number[] {
  const d = p.distribution;
  const out: number[] = [];
  for (const t of trials) {
    const params = t.params;
    if (!Object.hasOwn(params, p.name)) continue;
    const v = params[p.name]!;
    if (d.kind === 'categorical') {
      const c = choiceIndex(d.choices, v);
      if (c >= 0) out.push(c);
    } else if (typeof v === 'number' && Number.isFinite(v) && v >= d.low && v <= d.high) out.push(v);
  }
  return out;
}

/** np.argmax(log_l - log_g) (_compare, 492-514); a NaN score never wins. */
function argmaxDifference(logL: readonly number[], logG: readonly number[]): number {
  let best = 0;
  let bestScore = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < logL.length; i++) {
    const s = logL[i]! - logG[i]!;
    if (s > bestScore) {
      best = i;
      bestScore = s;
    }
  }
  return best;
}
