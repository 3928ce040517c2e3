import type { IndicatorType } from '../domain/indicators.js';
import type { Strategy } from '../domain/strategy.js';

/**
 * The coarse map of the strategy space both designers reason about: label horizon band x feature
 * family x decisions mode (3 x 4 x 2 = 24 cells). The offline designer's opening walks it
 * (providers/offline-opening.ts); the Claude designer is shown which cells the journal covers.
 */
export type HorizonBand = 'short' | 'medium' | 'long';
export type Family = 'returns' | 'oscillator' | 'trend' | 'volatility';
export type Mode = Strategy['decisions']['mode'];

export interface Cell {
  band: HorizonBand;
  family: Family;
  mode: Mode;
}

/** Forward-return horizons (bars) of each band: a bar or two, about a week, two to four weeks of daily bars. */
export const HORIZON_BANDS: Record<HorizonBand, readonly number[]> = { short: [1, 2], medium: [3, 5, 8], long: [10, 15, 20] };
export const BANDS: readonly HorizonBand[] = ['short', 'medium', 'long'];
export const MODES: readonly Mode[] = ['long_only', 'long_short'];

/** Indicator types by what they measure; obv (volume flow) belongs to none and is left to free exploration. */
export const FAMILY_TYPES: Record<Family, readonly IndicatorType[]> = {
  returns: ['returns'],
  oscillator: ['rsi', 'stochastic', 'roc'],
  trend: ['sma', 'ema', 'macd'],
  volatility: ['volatility', 'atr', 'bollinger'],
};
export const FAMILIES: readonly Family[] = ['returns', 'oscillator', 'trend', 'volatility'];

export const ALL_CELLS: readonly Cell[] = BANDS.flatMap((band) =>
  FAMILIES.flatMap((family) => MODES.map((mode) => ({ band, family, mode }))),
);

export function bandOf(horizon: number): HorizonBand {
  return horizon <= 2 ? 'short' : horizon <= 8 ? 'medium' : 'long';
}

/** The label horizon: forward_return's horizon, triple_barrier's max_holding. */
export function horizonOf(s: Strategy): number {
  return s.labels.type === 'forward_return' ? s.labels.horizon : s.labels.max_holding;
}

/** Families whose features the strategy uses (lagged returns count as the returns family). */
export function familiesOf(s: Strategy): Family[] {
  const used = new Set<string>([
    ...s.features.raw.map((k) => k.split('.')[0]!),
    ...(s.features.fuzzy ? Object.keys(s.fuzzy_sets).map((k) => k.split('.')[0]!) : []),
  ]);
  const types = new Set(s.indicators.filter((i) => used.has(i.id)).map((i) => i.type));
  const out = FAMILIES.filter((f) => FAMILY_TYPES[f].some((t) => types.has(t)));
  if (s.features.lagged_returns.length && !out.includes('returns')) out.unshift('returns');
  return out;
}

export const cellKey = (c: Cell): string => `${c.band}/${c.family}/${c.mode}`;

/** The cells a strategy tests: its horizon band and mode with each family it uses. */
export function cellsOf(s: Strategy): Cell[] {
  const band = bandOf(horizonOf(s));
  return familiesOf(s).map((family) => ({ band, family, mode: s.decisions.mode }));
}

/** Cells the strategies cover, and the ones none of them touches (in ALL_CELLS order). */
export function coverage(strategies: readonly Strategy[]): { covered: Cell[]; missing: Cell[] } {
  const keys = new Set(strategies.flatMap(cellsOf).map(cellKey));
  return { covered: ALL_CELLS.filter((c) => keys.has(cellKey(c))), missing: ALL_CELLS.filter((c) => !keys.has(cellKey(c))) };
}
