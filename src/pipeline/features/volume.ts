import type { Bars } from '../data/types.js';
import { nanArray, rollingMoments } from './rolling.js';

/**
 * On-balance-volume flow over the last n bars, -1..1: sum of sign(close[i] - close[i-1]) *
 * volume[i] divided by sum of volume[i], for i in t-n+1..t (that is OBV[t] - OBV[t-n] over the
 * volume traded). Valid from n (bar 0 has no previous close). No volume at all in the window
 * gives 0: no flow either way.
 */
export function obvFlow(bars: Bars, period: number): Float64Array {
  const { close: c, volume: v } = bars;
  const len = c.length;
  const signed = nanArray(len);
  for (let t = 1; t < len; t++) {
    const d = c[t]! - c[t - 1]!;
    signed[t] = d > 0 ? v[t]! : d < 0 ? -v[t]! : 0;
  }
  const flow = new Float64Array(len);
  const volume = new Float64Array(len);
  rollingMoments(signed, period, 1, flow, null);
  rollingMoments(v, period, 1, volume, null);
  for (let t = 0; t < len; t++) {
    const total = volume[t]!;
    flow[t] = total > 0 ? flow[t]! / total : total === 0 ? 0 : NaN;
  }
  return flow;
}
