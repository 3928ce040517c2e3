/**
 * Random search, drawn the way Optuna 3.1's RandomSampler draws (samplers/_random.py
 * sample_independent over _transform.py's _SearchSpaceTransform): uniform on the transformed
 * range, where log ranges are uniform in log space and stepped/int ranges are widened by half a
 * step each side before rounding, so the end points are as likely as the inner points.
 */
import { createRng, type Rng } from '../../pipeline/random.js';
import type { Distribution, ParamValue, SearchSpace, Sampler, TrialRecord } from '../types.js';
import { checkSpace, gridHigh, isActive, paramSeed, singleValue, snap, stepOf } from './space.js';

/** One uniform draw from a distribution (_transform.py lines 176-220 for the bounds, 248-288 for the way back). */
export function drawUniform(d: Distribution, rng: Rng): ParamValue {
  const single = singleValue(d);
  if (single) return single.value;
  if (d.kind === 'categorical') return d.choices[Math.floor(rng.next() * d.choices.length)]!;
  const high = gridHigh(d);
  if (d.log) {
    // Int log ranges widen by half a step in the original space before the log (_transform.py 197-201).
    const half = d.kind === 'int' ? 0.5 : 0;
    const lo = Math.log(d.low - half);
    const hi = Math.log(high + half);
    return snap(d, Math.exp(lo + rng.next() * (hi - lo)));
  }
  const step = stepOf(d);
  const half = step === undefined ? 0 : 0.5 * step;
  return snap(d, d.low - half + rng.next() * (high - d.low + 2 * half));
}

/** Draws every active parameter of `space` in order; each parameter has its own seeded stream. */
export function sampleRandomly(space: SearchSpace, seed: number, trialNumber: number): Record<string, ParamValue> {
  const out: Record<string, ParamValue> = {};
  for (const p of space.params) {
    if (!isActive(p, out)) continue;
    out[p.name] = drawUniform(p.distribution, createRng(paramSeed(seed, trialNumber, p.name)));
  }
  return out;
}

export function createRandomSampler(seed: number): Sampler {
  return {
    name: 'random',
    sample(space: SearchSpace, _trials: readonly TrialRecord[], trialNumber: number) {
      checkSpace(space);
      return sampleRandomly(space, seed, trialNumber);
    },
  };
}
