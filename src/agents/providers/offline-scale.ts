import type { IndicatorDef, Membership, Strategy } from '../../domain/strategy.js';
import { timeframeMinutes } from '../../pipeline/data/timeframe.js';
import type { DataSummary } from '../types.js';

/**
 * How big the numbers of this data set are, so fuzzy breakpoints and label thresholds suit it:
 * a 1% threshold is noise on daily index bars over 20 days and a rare event on 5-minute bars.
 */
export interface DataScale {
  /** Standard deviation of one bar's log return (annual volatility / sqrt(bars per year)). */
  sigmaBar: number;
  /** Longest indicator period worth using: a tenth of the bars of one symbol. */
  maxPeriod: number;
}

/** Trading days a year (equities); the daily-bar convention the backtest metrics also use. */
const TRADING_DAYS = 252;
const WEEKS = 52;
const WEEK_MINUTES = 7 * 1440;
/** Annual volatility assumed when the data summary has none: about the long-run S&P 500 figure. */
const FALLBACK_ANNUAL_VOL = 0.2;
/** A period longer than a tenth of the history leaves too few bars after the indicator warm-up. */
const MAX_PERIOD_FRACTION = 0.1;
const MIN_MAX_PERIOD = 5;

export function dataScale(data: DataSummary): DataScale {
  const vol = Number.isFinite(data.annual_volatility) && data.annual_volatility > 0 ? data.annual_volatility : FALLBACK_ANNUAL_VOL;
  const sigmaBar = vol / Math.sqrt(barsPerYear(data));
  const perSymbol = data.bars / Math.max(1, data.symbols.length);
  const maxPeriod = Math.max(MIN_MAX_PERIOD, Math.floor((Number.isFinite(perSymbol) ? perSymbol : 0) * MAX_PERIOD_FRACTION));
  return { sigmaBar, maxPeriod };
}

/**
 * Bars a year as observed over the data's from..to span (the convention of
 * features/volatility.ts observedBarsPerYear, which annualises volatility), so dividing the
 * annual volatility by its square root gives back one bar's; without a usable span, 252 trading
 * days of the timeframe's bars. `bars` is taken as the total over all symbols.
 */
export function barsPerYear(data: DataSummary): number {
  const years = (Date.parse(data.to) - Date.parse(data.from)) / (365.25 * 86_400_000);
  const perSymbol = data.bars / Math.max(1, data.symbols.length);
  if (Number.isFinite(years) && years > 0.02 && perSymbol > 1) return (perSymbol - 1) / years;
  let minutes = 1440;
  try {
    minutes = timeframeMinutes(data.timeframe);
  } catch {
    // an unreadable timeframe: assume daily bars
  }
  if (minutes % WEEK_MINUTES === 0) return WEEKS / (minutes / WEEK_MINUTES);
  return (TRADING_DAYS * 1440) / minutes;
}

/** The range an indicator output lives in: bounded (oscillators), signed around 0, or positive. */
export type OutputRange =
  { kind: 'bounded'; lo: number; hi: number } | { kind: 'signed'; scale: number } | { kind: 'positive'; level: number };

/**
 * Typical magnitude of each indicator output on this data (see domain/indicators.ts): `scale` is
 * about one standard deviation of a signed output, `level` about the mean of a positive one. The
 * factors were fitted on sample:sp500 and synthetic daily bars (test/unit/agents/offline-scale.test.ts
 * checks they stay within a factor of two of the measured figures).
 */
export function outputRange(ind: IndicatorDef, output: string, scale: DataScale): OutputRange {
  const s = scale.sigmaBar;
  const p = ind.params as Record<string, number>;
  switch (ind.type) {
    case 'rsi':
    case 'stochastic':
      return { kind: 'bounded', lo: 0, hi: 100 };
    case 'bollinger':
      // %B is 0 at the lower band and 1 at the upper; width = 2 x stddev x the window's price std / SMA
      return output === 'percent_b'
        ? { kind: 'bounded', lo: 0, hi: 1 }
        : { kind: 'positive', level: 0.65 * (p['stddev'] ?? 2) * s * Math.sqrt(p['period'] ?? 20) };
    case 'obv':
      // -1..1 in principle, but the flow of n bars is mostly within +-0.25 (sp500: std 0.22)
      return { kind: 'signed', scale: 0.25 };
    case 'sma':
    case 'ema':
      // distance of close from an n-bar average grows like sqrt(n) bars of returns
      return { kind: 'signed', scale: 0.45 * s * Math.sqrt(p['period'] ?? 20) };
    case 'macd': {
      const line = 0.6 * s * Math.max(0.2, Math.sqrt(p['slow'] ?? 26) - Math.sqrt(p['fast'] ?? 12));
      return { kind: 'signed', scale: output === 'hist' ? 0.25 * line : line };
    }
    case 'roc':
      return { kind: 'signed', scale: 100 * s * Math.sqrt(p['period'] ?? 10) };
    case 'returns':
      return { kind: 'signed', scale: s * Math.sqrt(p['period'] ?? 1) };
    case 'atr':
      // a bar's true range is about 1.1-1.6 x the std of close-to-close returns
      return { kind: 'positive', level: 1.3 * s };
    case 'volatility':
      return { kind: 'positive', level: s };
  }
}

export const SET_NAMES: Record<number, string[]> = {
  2: ['low', 'high'],
  3: ['low', 'mid', 'high'],
  4: ['very_low', 'low', 'high', 'very_high'],
  5: ['very_low', 'low', 'mid', 'high', 'very_high'],
};

/**
 * A fuzzy partition over ascending centres: triangles peaking at each centre, each reaching
 * zero at its neighbours' centres, with shoulders at both ends (membership 1 beyond the outer
 * centres), so every finite value belongs to some set and memberships sum to 1.
 */
export function partition(centres: number[]): FuzzySets {
  const names = SET_NAMES[centres.length];
  if (!names) throw new Error(`partition needs 2 to 5 centres, got ${centres.length}`);
  const c = centres.map(round4);
  const out: Record<string, Membership> = {};
  c.forEach((x, i) => {
    const left = i === 0 ? x : c[i - 1]!;
    const right = i === c.length - 1 ? x : c[i + 1]!;
    out[names[i]!] = { type: 'triangular', params: [left, x, right] };
  });
  return out as FuzzySets;
}

/** The fuzzy sets of one indicator output, as a parsed strategy holds them. */
export type FuzzySets = Strategy['fuzzy_sets'][string];

/** Centres suited to an output's range: `spread` in (0, 1] widens or narrows them. */
export function centresFor(range: OutputRange, count: number, spread: number): number[] {
  const unit = (i: number) => (count === 1 ? 0 : i / (count - 1)) * 2 - 1; // -1 .. 1
  const xs = Array.from({ length: count }, (_, i) => unit(i));
  switch (range.kind) {
    case 'bounded': {
      const mid = (range.lo + range.hi) / 2;
      const half = ((range.hi - range.lo) / 2) * spread;
      return xs.map((u) => mid + u * half);
    }
    case 'signed':
      return xs.map((u) => u * 1.5 * spread * range.scale); // outer centres at 0.75..1.5 std
    case 'positive':
      return xs.map((u) => range.level * (1 + u * spread * 0.9));
  }
}

/** Four significant digits: readable YAML, and monotone so ascending points stay ascending. */
export function round4(x: number): number {
  return x === 0 ? 0 : Number(x.toPrecision(4));
}
