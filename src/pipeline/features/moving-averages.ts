import type { Bars } from '../data/types.js';
import { nanArray, seededEma, sma } from './rolling.js';

/** Distance of close from its simple moving average: close / SMA(n) - 1. Valid from n - 1. */
export function smaDistance(bars: Bars, period: number): Float64Array {
  return distance(bars.close, sma(bars.close, period));
}

/** Distance of close from its EMA (alpha 2/(n+1), seeded with the SMA of the first n closes). Valid from n - 1. */
export function emaDistance(bars: Bars, period: number): Float64Array {
  return distance(bars.close, seededEma(bars.close, period, 2 / (period + 1)));
}

/** Un-normalised EMA of close (exported for tests and other callers). */
export function emaOf(x: Float64Array, period: number, start = 0): Float64Array {
  return seededEma(x, period, 2 / (period + 1), start);
}

export interface MacdRaw {
  line: Float64Array;
  signal: Float64Array;
  hist: Float64Array;
}

/**
 * MACD in price units: line = EMA(fast) - EMA(slow) of close, valid from max(fast, slow) - 1;
 * signal = EMA(signal) of the line over its valid part (seeded with the SMA of its first
 * `signal` values); hist = line - signal.
 */
export function macdRaw(close: Float64Array, fast: number, slow: number, signal: number): MacdRaw {
  const len = close.length;
  const f = emaOf(close, fast);
  const s = emaOf(close, slow);
  const line = nanArray(len);
  const lineStart = Math.max(fast, slow) - 1;
  for (let t = lineStart; t < len; t++) line[t] = f[t]! - s[t]!;
  const sig = emaOf(line, signal, lineStart);
  const hist = new Float64Array(len);
  for (let t = 0; t < len; t++) hist[t] = line[t]! - sig[t]!;
  return { line, signal: sig, hist };
}

/** MACD line, signal and histogram, each divided by the close of the same bar. */
export function macd(bars: Bars, fast: number, slow: number, signal: number): MacdRaw {
  const raw = macdRaw(bars.close, fast, slow, signal);
  const c = bars.close;
  for (let t = 0; t < c.length; t++) {
    raw.line[t] = raw.line[t]! / c[t]!;
    raw.signal[t] = raw.signal[t]! / c[t]!;
    raw.hist[t] = raw.hist[t]! / c[t]!;
  }
  return raw;
}

/** close / average - 1, in place over `avg`; NaN stays NaN. */
function distance(close: Float64Array, avg: Float64Array): Float64Array {
  for (let t = 0; t < avg.length; t++) avg[t] = close[t]! / avg[t]! - 1;
  return avg;
}
