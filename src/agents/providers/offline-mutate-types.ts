import type { Strategy } from '../../domain/strategy.js';
import type { Draw } from './offline-random.js';
import type { DataScale } from './offline-scale.js';

/**
 * Mutation operators of the offline designer. Each changes one thing in a strategy (in place)
 * and returns what it changed and why, in words for the hypothesis, or null when it does not
 * apply (nothing to remove, a limit reached). `direction` steers an operator when an earlier
 * experiment showed which way to go (e.g. 'down' = smaller model after an overfit verdict).
 */
export type Direction = 'up' | 'down';
export type MutationKind =
  | 'indicator_period'
  | 'add_indicator'
  | 'remove_indicator'
  | 'fuzzy_breakpoints'
  | 'label_horizon'
  | 'label_threshold'
  | 'model_size'
  | 'dropout'
  | 'confidence_threshold'
  | 'lagged_returns'
  | 'raw_features'
  | 'training_budget'
  | 'trade_mode';

/** Kinds drawn at random; training_budget and trade_mode are only ever directed (at a diagnosed problem). */
export const MUTATION_KINDS: MutationKind[] = [
  'indicator_period',
  'add_indicator',
  'remove_indicator',
  'fuzzy_breakpoints',
  'label_horizon',
  'label_threshold',
  'model_size',
  'dropout',
  'confidence_threshold',
  'lagged_returns',
  'raw_features',
];

export interface Mutation {
  kind: MutationKind;
  /** e.g. "RSI period 14 -> 21". */
  change: string;
  /** Why this direction is worth testing. */
  reason: string;
}

export type Operator = (s: Strategy, draw: Draw, scale: DataScale, direction?: Direction) => Mutation | null;
const FACTORS_UP = [1.5, 2];
const FACTORS_DOWN = [0.5, 0.67];

/** A period multiplier: up, down, or either way. */
export function factor(draw: Draw, direction?: Direction): number {
  if (direction === 'up') return draw.pick(FACTORS_UP);
  if (direction === 'down') return draw.pick(FACTORS_DOWN);
  return draw.pick([...FACTORS_DOWN, ...FACTORS_UP]);
}

/** Features the strategy yields (the schema wants at least one). */
export function featureCount(s: Strategy): number {
  const fuzzy = s.features.fuzzy ? Object.values(s.fuzzy_sets).reduce((n, sets) => n + Object.keys(sets).length, 0) : 0;
  return fuzzy + s.features.raw.length + s.features.lagged_returns.length;
}

/** Renames an indicator and every fuzzy / raw key that refers to it. */
