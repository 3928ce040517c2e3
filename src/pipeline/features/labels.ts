import type { LabelsDef } from '../../domain/strategy.js';
import type { Bars } from '../data/types.js';
import { rollingLogReturnStd } from './rolling.js';

/** Label codes: index into LABEL_CLASSES (down, flat, up); UNLABELED marks a bar with no label. */
export const DOWN = 0;
export const FLAT = 1;
export const UP = 2;
export const UNLABELED = -1;

/**
 * Class of every bar: 0 down, 1 flat, 2 up, -1 unlabeled. A label at t reads no bar after
 * t + labelHorizon(labels).
 *
 * - forward_return: r = close[t + h] / close[t] - 1 (simple return); up when r > up_threshold,
 *   down when r < down_threshold, flat otherwise. The last h bars are -1.
 * - triple_barrier (López de Prado), close-based: vol = sample std of one-bar log returns over
 *   the volatility_window returns ending at t (-1 while it is not defined); upper barrier
 *   close[t] * exp(profit_take * vol), lower close[t] * exp(-stop_loss * vol). Walking
 *   t+1 .. t+max_holding, the first close at or above the upper barrier gives up, at or below the
 *   lower one down; no touch is the vertical barrier: flat. Closes only, not highs / lows, so an
 *   intrabar touch that closes back inside does not count. Bars with fewer than max_holding bars
 *   ahead are -1 even when a barrier was touched, so no class is favoured near the end.
 */
export function buildLabels(labels: LabelsDef, bars: Bars): Int8Array {
  return labels.type === 'forward_return'
    ? forwardReturnLabels(bars.close, labels.horizon, labels.up_threshold, labels.down_threshold)
    : tripleBarrierLabels(bars.close, labels.profit_take, labels.stop_loss, labels.max_holding, labels.volatility_window);
}

/** Realised simple return over the next `horizon` bars, close[t + h] / close[t] - 1; NaN for the last h bars. */
export function labelForwardReturns(horizon: number, bars: Bars): Float64Array {
  const c = bars.close;
  const out = new Float64Array(c.length).fill(NaN);
  for (let t = 0; t + horizon < c.length; t++) out[t] = c[t + horizon]! / c[t]! - 1;
  return out;
}

function forwardReturnLabels(close: Float64Array, h: number, upAt: number, downAt: number): Int8Array {
  const out = new Int8Array(close.length).fill(UNLABELED);
  for (let t = 0; t + h < close.length; t++) {
    const r = close[t + h]! / close[t]! - 1;
    out[t] = r > upAt ? UP : r < downAt ? DOWN : r === r ? FLAT : UNLABELED;
  }
  return out;
}

function tripleBarrierLabels(close: Float64Array, pt: number, sl: number, maxHolding: number, window: number): Int8Array {
  const len = close.length;
  const out = new Int8Array(len).fill(UNLABELED);
  const vol = rollingLogReturnStd(close, window);
  for (let t = 0; t + maxHolding < len; t++) {
    const v = vol[t]!;
    if (!Number.isFinite(v)) continue;
    const c0 = close[t]!;
    const upper = c0 * Math.exp(pt * v);
    const lower = c0 * Math.exp(-sl * v);
    let label = FLAT;
    for (let j = t + 1; j <= t + maxHolding; j++) {
      const c = close[j]!;
      // the strict c0 comparisons only matter for a flat window (vol 0): an unchanged close touches nothing
      if (c >= upper && c > c0) {
        label = UP;
        break;
      }
      if (c <= lower && c < c0) {
        label = DOWN;
        break;
      }
    }
    out[t] = label;
  }
  return out;
}
