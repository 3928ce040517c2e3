import type { Bars } from '../data/types.js';
import { nanArray, rollingExtreme, seededEma, sma } from './rolling.js';

/**
 * Wilder RSI, 0..100. Gains and losses start at bar 1; their averages are seeded with the simple
 * mean of the first n and then smoothed with alpha 1/n, so the first value is at bar n.
 * RSI = 100 * avgGain / (avgGain + avgLoss); a flat window (both 0) gives 50.
 */
export function rsi(bars: Bars, period: number): Float64Array {
  const c = bars.close;
  const len = c.length;
  const out = nanArray(len);
  if (period >= len) return out;
  let gain = 0;
  let loss = 0;
  for (let t = 1; t <= period; t++) {
    const d = c[t]! - c[t - 1]!;
    if (d > 0) gain += d;
    else loss -= d;
  }
  gain /= period;
  loss /= period;
  out[period] = rsiValue(gain, loss);
  const a = 1 / period;
  for (let t = period + 1; t < len; t++) {
    const d = c[t]! - c[t - 1]!;
    gain += a * ((d > 0 ? d : 0) - gain);
    loss += a * ((d < 0 ? -d : 0) - loss);
    out[t] = rsiValue(gain, loss);
  }
  return out;
}

function rsiValue(gain: number, loss: number): number {
  const total = gain + loss;
  return total > 0 ? (100 * gain) / total : 50;
}

/**
 * Stochastic oscillator. %K = 100 * (close - LL) / (HH - LL) with HH / LL the highest high /
 * lowest low of the last k bars (valid from k - 1); HH == LL gives 50. %D = SMA(d) of %K.
 */
export function stochastic(bars: Bars, kPeriod: number, dPeriod: number): { k: Float64Array; d: Float64Array } {
  const c = bars.close;
  const hh = rollingExtreme(bars.high, kPeriod, 1);
  const ll = rollingExtreme(bars.low, kPeriod, -1);
  const k = hh; // reuse the buffer: hh[t] is read before k[t] is written
  for (let t = 0; t < c.length; t++) {
    const range = hh[t]! - ll[t]!;
    k[t] = range > 0 ? (100 * (c[t]! - ll[t]!)) / range : range === 0 ? 50 : NaN;
  }
  return { k, d: sma(k, dPeriod, kPeriod - 1) };
}

/** Rate of change in percent: 100 * (close / close[t - n] - 1). Valid from n. */
export function roc(bars: Bars, period: number): Float64Array {
  const c = bars.close;
  const out = nanArray(c.length);
  for (let t = period; t < c.length; t++) out[t] = 100 * (c[t]! / c[t - period]! - 1);
  return out;
}

/** Wilder smoothing (alpha 1/n, seeded with a simple mean) — exported for ATR. */
export function wilder(x: Float64Array, period: number, start: number): Float64Array {
  return seededEma(x, period, 1 / period, start);
}
