import { DomainError } from '../../domain/errors.js';
import { formatTimeframe, timeframeMinutes } from './timeframe.js';
import type { Bars } from './types.js';

const MINUTE_MS = 60_000;
const WEEK_MINUTES = 10_080;
/** 1970-01-05T00:00Z, the first Monday of the epoch: weekly buckets start on Mondays (ISO weeks). */
const MONDAY_ORIGIN_MS = 4 * 86_400_000;

/**
 * Checks that bars of `from` size can be aggregated into `to` size: `to` must be coarser and a
 * whole multiple of `from` (1h -> 4h, 4h -> 1d, 1d -> 1w). Throws INVALID_ARGUMENT otherwise.
 */
export function assertResamplable(from: string, to: string): void {
  const src = timeframeMinutes(from);
  const dst = timeframeMinutes(to);
  if (dst < src) {
    throw new DomainError(
      'INVALID_ARGUMENT',
      `Cannot resample ${from} bars to ${to}: resampling only makes bars coarser. Use ${from} or a coarser timeframe, or load ${to} data.`,
      { from, to },
    );
  }
  if (dst % src !== 0) {
    const options = [2, 3, 4, 6].map((k) => formatTimeframe(src * k)).join(', ');
    throw new DomainError(
      'INVALID_ARGUMENT',
      `Cannot resample ${from} bars to ${to}: ${to} is not a whole multiple of ${from}. Choose a multiple such as ${options}.`,
      { from, to },
    );
  }
}

/**
 * OHLCV aggregation into UTC-aligned buckets of `to` size: first open, highest high, lowest low,
 * last close, summed volume. Buckets are aligned to the Unix epoch (so 4h buckets start at
 * 00:00, 04:00, ... UTC and 1d at midnight UTC), weekly ones to Monday 00:00 UTC. Each output bar
 * is stamped with its bucket start; empty buckets produce no bar. Same size: returned as is.
 */
export function resampleBars(bars: Bars, from: string, to: string): Bars {
  assertResamplable(from, to);
  const dstMinutes = timeframeMinutes(to);
  if (dstMinutes === timeframeMinutes(from)) return bars;
  const size = dstMinutes * MINUTE_MS;
  const origin = dstMinutes % WEEK_MINUTES === 0 ? MONDAY_ORIGIN_MS : 0;
  const bucketOf = (t: number) => origin + Math.floor((t - origin) / size) * size;

  const n = bars.time.length;
  const out = {
    time: [] as number[],
    open: [] as number[],
    high: [] as number[],
    low: [] as number[],
    close: [] as number[],
    volume: [] as number[],
  };
  let current = Number.NaN;
  for (let i = 0; i < n; i++) {
    const t = bars.time[i] ?? 0;
    const [o, h, l, c, v] = [bars.open[i] ?? 0, bars.high[i] ?? 0, bars.low[i] ?? 0, bars.close[i] ?? 0, bars.volume[i] ?? 0];
    const bucket = bucketOf(t);
    if (bucket !== current) {
      current = bucket;
      out.time.push(bucket);
      out.open.push(o);
      out.high.push(h);
      out.low.push(l);
      out.close.push(c);
      out.volume.push(v);
      continue;
    }
    const k = out.time.length - 1;
    out.high[k] = Math.max(out.high[k] ?? h, h);
    out.low[k] = Math.min(out.low[k] ?? l, l);
    out.close[k] = c;
    out.volume[k] = (out.volume[k] ?? 0) + v;
  }
  return {
    symbol: bars.symbol,
    time: Float64Array.from(out.time),
    open: Float64Array.from(out.open),
    high: Float64Array.from(out.high),
    low: Float64Array.from(out.low),
    close: Float64Array.from(out.close),
    volume: Float64Array.from(out.volume),
  };
}
