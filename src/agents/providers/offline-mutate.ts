import type { Strategy } from '../../domain/strategy.js';
import type { Draw } from './offline-random.js';
import type { DataScale } from './offline-scale.js';
import { addIndicator, fuzzyBreakpoints, indicatorPeriod, laggedReturns, rawFeatures, removeIndicator } from './offline-mutate-inputs.js';
import {
  confidenceThreshold,
  dropout,
  labelHorizon,
  labelThreshold,
  modelSize,
  tradeMode,
  trainingBudget,
} from './offline-mutate-setup.js';
import { MUTATION_KINDS, type Direction, type Mutation, type MutationKind, type Operator } from './offline-mutate-types.js';

export { MUTATION_KINDS, type Direction, type Mutation, type MutationKind } from './offline-mutate-types.js';

const OPERATORS: Record<MutationKind, Operator> = {
  indicator_period: indicatorPeriod,
  add_indicator: addIndicator,
  remove_indicator: removeIndicator,
  fuzzy_breakpoints: fuzzyBreakpoints,
  label_horizon: labelHorizon,
  label_threshold: labelThreshold,
  model_size: modelSize,
  dropout,
  confidence_threshold: confidenceThreshold,
  lagged_returns: laggedReturns,
  raw_features: rawFeatures,
  training_budget: trainingBudget,
  trade_mode: tradeMode,
};

/** Applies one operator of the given kind (in place); null when it does not apply to this strategy. */
export function applyMutation(kind: MutationKind, s: Strategy, draw: Draw, scale: DataScale, direction?: Direction): Mutation | null {
  return OPERATORS[kind](s, draw, scale, direction);
}

/** Some applicable random mutation (tries kinds in a drawn order); null when none applies. */
export function randomMutation(s: Strategy, draw: Draw, scale: DataScale): Mutation | null {
  for (const kind of draw.shuffle(MUTATION_KINDS)) {
    const m = applyMutation(kind, s, draw, scale);
    if (m) return m;
  }
  return null;
}

/**
 * Recombination: the indicators, fuzzy sets and features of `a` with the labels, model, training
 * and decisions of `b` (both left unchanged).
 */
export function recombine(a: Strategy, b: Strategy): Strategy {
  const c = structuredClone(a);
  c.labels = structuredClone(b.labels);
  c.model = structuredClone(b.model);
  c.training = structuredClone(b.training);
  c.decisions = structuredClone(b.decisions);
  return c;
}
