import { DomainError } from '../../domain/errors.js';

const MINUTE_MS = 60_000;
const UNIT_MINUTES: Record<string, number> = { m: 1, h: 60, d: 1440, w: 10080 };

/** The bar sizes inferTimeframe names; a spacing between two of them snaps to the nearest. */
export const STANDARD_TIMEFRAMES = ['1m', '5m', '15m', '30m', '1h', '4h', '1d', '1w'] as const;

/** "4h" -> 240 (minutes). Throws INVALID_ARGUMENT for anything but <number><m|h|d|w>. */
export function timeframeMinutes(timeframe: string): number {
  const m = /^(\d+)(m|h|d|w)$/.exec(timeframe.trim());
  const n = m ? Number(m[1]) : 0;
  const unit = m?.[2];
  if (!unit || n <= 0) {
    throw new DomainError(
      'INVALID_ARGUMENT',
      `Unknown timeframe "${timeframe}". Use a number and a unit: 1m, 5m, 15m, 30m, 1h, 4h, 1d, 1w.`,
      { timeframe },
    );
  }
  return n * (UNIT_MINUTES[unit] ?? 1);
}

export function timeframeMs(timeframe: string): number {
  return timeframeMinutes(timeframe) * MINUTE_MS;
}

/** 240 -> "4h", 1440 -> "1d", 90 -> "90m": the largest unit that divides the minutes. */
export function formatTimeframe(minutes: number): string {
  for (const unit of ['w', 'd', 'h'] as const) {
    const size = UNIT_MINUTES[unit] ?? 1;
    if (minutes % size === 0) return `${minutes / size}${unit}`;
  }
  return `${minutes}m`;
}

/**
 * Bar size from the median spacing of the timestamps (Unix ms, one array per symbol or one
 * array for all). The median makes daily data with weekend and holiday gaps read as "1d" (most
 * steps are one day) and hourly data with overnight gaps read as "1h". An exact whole number of
 * minutes is named as is ("2h"); an irregular spacing snaps to the nearest standard bar size.
 * Fewer than two bars: "1d".
 */
export function inferTimeframe(times: Float64Array | readonly Float64Array[]): string {
  const arrays = times instanceof Float64Array ? [times] : times;
  const steps: number[] = [];
  for (const t of arrays) {
    for (let i = 1; i < t.length; i++) {
      const d = (t[i] ?? 0) - (t[i - 1] ?? 0);
      if (d > 0) steps.push(d);
    }
  }
  if (steps.length === 0) return '1d';
  steps.sort((a, b) => a - b);
  const median = steps[Math.floor((steps.length - 1) / 2)] ?? 0;
  const minutes = median / MINUTE_MS;
  if (Number.isInteger(minutes) && minutes > 0) return formatTimeframe(minutes);
  let best: string = STANDARD_TIMEFRAMES[0];
  let bestDist = Infinity;
  for (const tf of STANDARD_TIMEFRAMES) {
    const dist = Math.abs(Math.log(timeframeMinutes(tf) / Math.max(minutes, 1e-9)));
    if (dist < bestDist) {
      best = tf;
      bestDist = dist;
    }
  }
  return best;
}
