import type { Bars } from '../data/types.js';
import { nanArray, rollingLogReturnStd, rollingMoments } from './rolling.js';
import { wilder } from './oscillators.js';

/**
 * Bollinger bands over n closes with the population std: middle = SMA, upper / lower =
 * middle +- k * std. %B = (close - lower) / (upper - lower) (0.5 when std is 0: close is then the
 * middle); width = (upper - lower) / middle. Valid from n - 1.
 */
export function bollinger(bars: Bars, period: number, k: number): { percent_b: Float64Array; width: Float64Array } {
  const c = bars.close;
  const len = c.length;
  const mean = new Float64Array(len);
  const variance = new Float64Array(len);
  rollingMoments(c, period, 0, mean, variance, 0);
  const percentB = mean; // reuse buffers: each slot is read before it is overwritten
  const width = variance;
  for (let t = 0; t < len; t++) {
    const m = mean[t]!;
    const band = 2 * k * Math.sqrt(variance[t]!);
    percentB[t] = band > 0 ? (c[t]! - (m - band / 2)) / band : band === 0 ? 0.5 : NaN;
    width[t] = band / m;
  }
  return { percent_b: percentB, width };
}

/**
 * True range from bar 1 on: max(high - low, |high - prev close|, |low - prev close|). Bar 0 has
 * no previous close and no true range (as in TA-Lib and technicalindicators).
 */
export function trueRange(bars: Bars): Float64Array {
  const { high: h, low: l, close: c } = bars;
  const out = nanArray(c.length);
  for (let t = 1; t < c.length; t++) {
    const pc = c[t - 1]!;
    out[t] = Math.max(h[t]! - l[t]!, Math.abs(h[t]! - pc), Math.abs(l[t]! - pc));
  }
  return out;
}

/** ATR in price units: Wilder smoothing of the true range seeded with the mean of TR[1..n]. Valid from n. */
export function atrRaw(bars: Bars, period: number): Float64Array {
  return wilder(trueRange(bars), period, 1);
}

/** ATR / close. */
export function atr(bars: Bars, period: number): Float64Array {
  const out = atrRaw(bars, period);
  const c = bars.close;
  for (let t = 0; t < out.length; t++) out[t] = out[t]! / c[t]!;
  return out;
}

/**
 * Sample std of one-bar log returns over the last n returns (valid from max(n, 2)); times
 * sqrt(barsPerYear) when annualised.
 */
export function volatility(bars: Bars, period: number, annualize: boolean, barsPerYear: number): Float64Array {
  const out = rollingLogReturnStd(bars.close, period);
  if (annualize) {
    const f = Math.sqrt(barsPerYear);
    for (let t = 0; t < out.length; t++) out[t] = out[t]! * f;
  }
  return out;
}

const MS_PER_YEAR = 365.25 * 24 * 3600 * 1000;
/** Fallback when timestamps cannot tell: trading days in a year. */
const DEFAULT_BARS_PER_YEAR = 252;

/**
 * Bars per year as observed in the series: (bars - 1) / span in years. It measures the sampling
 * frequency (about 252 for daily equities, 365 for daily crypto, ~1,640 for hourly equities), so
 * annualised volatility means the same thing on every timeframe; falls back to 252.
 */
export function observedBarsPerYear(time: Float64Array): number {
  const n = time.length;
  if (n < 2) return DEFAULT_BARS_PER_YEAR;
  const years = (time[n - 1]! - time[0]!) / MS_PER_YEAR;
  return years > 0 && Number.isFinite(years) ? (n - 1) / years : DEFAULT_BARS_PER_YEAR;
}
