import { createHash } from 'node:crypto';
import type { IndicatorType } from '../../domain/indicators.js';
import type { IndicatorDef, Strategy } from '../../domain/strategy.js';
import { FAMILY_TYPES, HORIZON_BANDS, type Cell, type HorizonBand } from '../coverage.js';
import { createDraw, type Draw } from './offline-random.js';
import {
  BARRIER_SIGMAS,
  draftStrategy,
  forwardReturnLabels,
  indicatorId,
  openingSigmas,
  outputKeys,
  sampleFuzzy,
  sampleParams,
  sampleTraining,
  thresholdRange,
  type SpaceContext,
} from './offline-space.js';

/**
 * The offline designer's opening: the first OPENING_LENGTH designs of a program walk a stratified
 * plan over label horizon band x feature family x decisions mode before the journal-driven search
 * takes over, so short horizons, lagged returns, volatility features and both trading modes are
 * all tried early, each with one indicator (plus a return for the volatility family) and a small
 * network. Design k of a program is cell k of the plan (k = the journal's trial count). The plan
 * is a 4 x 2 factorial over family x mode in two blocks of four (each block has every family once,
 * both modes twice and every horizon band), each family at two horizon bands and each mode at all
 * three. Trial 0 is always the most basic hypothesis: the 1-bar return predicting the next bar's
 * return, long-short. The program name seeds the order inside each block (every cycle of a program
 * sees the same plan whatever its cycle seed); the cycle seed draws the details of a cell
 * (indicator, periods, horizon within the band, threshold, model size).
 */
export const OPENING_LENGTH = 8;

const BASIC: Cell = { band: 'short', family: 'returns', mode: 'long_short' };
const BLOCK_A: Cell[] = [
  { band: 'medium', family: 'oscillator', mode: 'long_short' },
  { band: 'medium', family: 'trend', mode: 'long_only' },
  { band: 'long', family: 'volatility', mode: 'long_only' },
];
const BLOCK_B: Cell[] = [
  { band: 'medium', family: 'returns', mode: 'long_only' },
  { band: 'short', family: 'oscillator', mode: 'long_only' },
  { band: 'long', family: 'trend', mode: 'long_short' },
  { band: 'short', family: 'volatility', mode: 'long_short' },
];

/** The opening cells of a program, in order: the basic hypothesis, block A shuffled, block B shuffled. */
export function openingPlan(program: string): Cell[] {
  const draw = createDraw(programSeed(program));
  return [BASIC, ...draw.shuffle(BLOCK_A), ...draw.shuffle(BLOCK_B)];
}

/** The cell trial `trial` (0-based) of the program belongs to, or undefined once the opening is over. */
export function openingCell(program: string, trial: number): { cell: Cell; index: number } | undefined {
  if (!Number.isInteger(trial) || trial < 0 || trial >= OPENING_LENGTH) return undefined;
  return { cell: openingPlan(program)[trial]!, index: trial };
}

function programSeed(program: string): number {
  return createHash('sha256').update(program).digest().readUInt32LE(0);
}

/** Return periods (bars) by horizon band: the lag should be about as long as the move predicted. */
const RETURN_PERIODS: Record<HorizonBand, number[]> = { short: [1, 2, 3], medium: [2, 3, 5], long: [5, 10, 20] };
/** Networks for one or two inputs: a few thousand bars support no more. */
const SMALL_MODELS = [[8], [16], [16, 8]];

/**
 * A strategy for one cell. `basic`: the 1-bar return as the only input, 1-bar horizon; `wide`:
 * thresholds from the horizon's whole range rather than the opening's narrow one. Otherwise
 * one indicator of the family (its main output raw, sometimes a fuzzy partition over it too); the
 * volatility family also gets a lagged return, since volatility alone says how large the next
 * move is but not which way (a regime-dependent direction needs both).
 */
export function cellStrategy(cell: Cell, draw: Draw, ctx: SpaceContext, opts: { basic?: boolean; wide?: boolean } = {}): Strategy {
  const basic = opts.basic ?? false;
  const horizon = basic ? 1 : draw.pick(HORIZON_BANDS[cell.band]);
  const s = draftStrategy(ctx, {
    labels: forwardReturnLabels(horizon, draw.uniform(...(opts.wide ? thresholdRange(horizon) : openingSigmas(horizon))), ctx.scale),
    model: {
      type: 'mlp',
      hidden_layers: [...draw.pick(basic ? SMALL_MODELS.slice(0, 2) : SMALL_MODELS)], // one input: one layer
      activation: draw.pick(['relu', 'tanh'] as const),
      dropout: draw.pick([0, 0.1]),
      l2: draw.pick([0, 0.0001]),
    },
    // An opening design tests a hypothesis: it trains to convergence within the epoch budget (early
    // stopping decides when) instead of drawing a short budget that leaves a small model undertrained.
    training: { ...sampleTraining(draw, ctx.maxEpochs), epochs: ctx.maxEpochs, early_stopping_patience: Math.min(ctx.maxEpochs, 5) },
    decisions: { confidence_threshold: draw.pick([0.4, 0.45]), mode: cell.mode, cost_bps: 5, slippage_bps: 2 },
  });
  const ind = basic ? indicator('returns', { period: 1 }) : familyIndicator(cell, draw, ctx);
  s.indicators.push(ind);
  const keys = outputKeys(ind);
  const main = ind.type === 'macd' ? keys[2]! : ind.type === 'bollinger' && cell.family === 'volatility' ? keys[1]! : keys[0]!;
  s.features.raw.push(main);
  if (!basic && draw.chance(0.35)) s.fuzzy_sets[main] = sampleFuzzy(ind, main, draw, ctx.scale);
  if (cell.family === 'volatility') {
    s.features.lagged_returns = [cell.band === 'short' ? 1 : draw.pick(RETURN_PERIODS[cell.band])];
    s.labels = volatilityScaledLabels(horizon, draw);
  }
  return s;
}

/**
 * Labels scaled to the volatility of the moment (a triple barrier whose vertical barrier is the
 * horizon): the volatility family's hypothesis is that behaviour depends on the volatility regime,
 * and fixed return thresholds call almost every move of a calm regime "flat", hiding what happens
 * there. Barriers keep every class common: over one or two bars the barrier is about the terminal
 * move, and 0.3-0.55 one-bar vols x sqrt(horizon) brackets the 0.43 that splits a normal move into
 * thirds; over longer horizons a barrier is touched by any close on the way, so it sits at the free
 * search's 0.8-1.3 x sqrt(horizon) (about a third of Brownian paths stay inside +-1 sqrt(T)).
 */
function volatilityScaledLabels(horizon: number, draw: Draw): Strategy['labels'] {
  const range: [number, number] = horizon <= 2 ? [0.3, 0.55] : BARRIER_SIGMAS;
  const barrier = Math.round(draw.uniform(...range) * Math.sqrt(horizon) * 20) / 20;
  return { type: 'triple_barrier', profit_take: barrier, stop_loss: barrier, max_holding: horizon, volatility_window: draw.pick([10, 20]) };
}

function indicator(type: IndicatorType, params: Record<string, unknown>): IndicatorDef {
  return { id: indicatorId(type, params), type, params } as IndicatorDef;
}

function familyIndicator(cell: Cell, draw: Draw, ctx: SpaceContext): IndicatorDef {
  if (cell.family === 'returns') return indicator('returns', { period: draw.pick(RETURN_PERIODS[cell.band]) });
  const type = draw.pick(FAMILY_TYPES[cell.family]);
  return indicator(type, sampleParams(type, draw, ctx.scale));
}

/** A cell drawn for exploration after the opening, preferring ones no journal strategy covers. */
export function explorationCell(draw: Draw, missing: readonly Cell[], all: readonly Cell[]): Cell {
  return draw.pick(missing.length ? missing : all);
}
