/**
 * The search-space and trial shapes every tuning part shares (samplers, pruners, the trial store,
 * the tuning service). Plain data: they cross the worker boundary and are stored as JSON.
 */

/** A value a parameter takes: numbers for ranges, any of these for choices (a list = e.g. hidden layer sizes). */
export type ParamValue = number | string | boolean | null | number[];

/** How one parameter is drawn. Ranges are inclusive; `step` snaps a value to low + k * step; `log` samples log-uniformly (low > 0). */
export type Distribution =
  | { kind: 'float'; low: number; high: number; log: boolean; step?: number | undefined }
  | { kind: 'int'; low: number; high: number; log: boolean; step?: number | undefined }
  | { kind: 'categorical'; choices: readonly ParamValue[] };

export interface SpaceParam {
  /** Where the value goes in the strategy, e.g. "training.learning_rate" (also the parameter's name). */
  name: string;
  distribution: Distribution;
  /** Active only when the parent parameter (earlier in the space) took one of these values. */
  condition?: { parent: string; values: readonly ParamValue[] } | undefined;
}

/** Parameters in order: every parent comes before the parameters it enables. */
export interface SearchSpace {
  params: readonly SpaceParam[];
}

export type TrialState = 'running' | 'complete' | 'pruned' | 'failed';

/** One trial as samplers and pruners see it. Objective values are minimised (validation loss). */
export interface TrialRecord {
  /** 0, 1, 2, ... in the order trials were started. */
  number: number;
  state: TrialState;
  /** Only the active parameters (a conditional one whose parent disabled it is absent). */
  params: Record<string, ParamValue>;
  /** Final objective (complete trials); null otherwise. */
  value: number | null;
  /** Intermediate objective per step (epoch 1, 2, ...), as reported. */
  intermediate: readonly { step: number; value: number }[];
}

/** Proposes the next trial's parameters from the finished (and running) trials; deterministic given `seed` and history. */
export interface Sampler {
  readonly name: 'random' | 'tpe';
  sample(space: SearchSpace, trials: readonly TrialRecord[], trialNumber: number): Record<string, ParamValue>;
}

/** Decides whether a running trial stops at a step, from every trial's intermediate values (asynchronous: no waiting for others). */
export interface Pruner {
  readonly name: 'none' | 'successive_halving' | 'hyperband';
  /** `trial.intermediate` already holds the value reported at `step`. */
  shouldPrune(trial: TrialRecord, step: number, trials: readonly TrialRecord[]): boolean;
}
