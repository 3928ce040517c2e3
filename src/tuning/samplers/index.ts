/** The samplers a tuning study can use, by name. */
import { DomainError } from '../../domain/errors.js';
import type { Sampler } from '../types.js';
import { createRandomSampler } from './random.js';
import { createTpeSampler, type TpeOptions } from './tpe.js';

export type SamplerName = Sampler['name'];
export type { TpeOptions } from './tpe.js';

/**
 * `seed` fixes every proposal: sample(space, trials, n) depends only on (seed, n, trials).
 * `options` tunes TPE (Optuna 3.1's TPESampler() defaults when omitted); random search takes none.
 */
export function createSampler(name: SamplerName, seed: number, options?: TpeOptions): Sampler {
  if (name === 'tpe') return createTpeSampler(seed, options);
  if (name === 'random') return createRandomSampler(seed);
  throw new DomainError('INVALID_ARGUMENT', `Unknown sampler "${String(name)}": use "tpe" or "random".`);
}
