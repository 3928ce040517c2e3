import { describe, expect, it } from 'vitest';
import { resampleBars } from '../../../../src/pipeline/data/resample.js';
import { inferTimeframe, timeframeMinutes } from '../../../../src/pipeline/data/timeframe.js';
import type { Bars } from '../../../../src/pipeline/data/types.js';
import { catchDomainError, iso } from './helpers.js';

const H = 3_600_000;
const DAY = 24 * H;
const T0 = Date.UTC(2020, 0, 6); // a Monday

function bars(times: number[], rows: [number, number, number, number, number][]): Bars {
  const col = (k: number) => Float64Array.from(rows.map((r) => r[k] ?? 0));
  return { symbol: 'T', time: Float64Array.from(times), open: col(0), high: col(1), low: col(2), close: col(3), volume: col(4) };
}

describe('resampleBars', () => {
  it('aggregates 1h bars into UTC-aligned 4h buckets (hand-computed)', () => {
    // 02:00 and 03:00 fall in the 00:00 bucket, 04:00..06:00 in the 04:00 bucket, 09:00 in 08:00
    const input = bars(
      [2, 3, 4, 5, 6, 9].map((h) => T0 + h * H),
      [
        [10, 11, 9, 10.5, 100],
        [10.5, 12, 10, 11, 200],
        [11, 11.5, 10.2, 10.4, 50],
        [10.4, 13, 10.1, 12.5, 70],
        [12.5, 12.6, 9.5, 9.8, 30],
        [9.8, 10, 9.7, 9.9, 5],
      ],
    );
    const out = resampleBars(input, '1h', '4h');
    expect(Array.from(out.time).map(iso)).toEqual(['2020-01-06T00:00:00.000Z', '2020-01-06T04:00:00.000Z', '2020-01-06T08:00:00.000Z']);
    expect(Array.from(out.open)).toEqual([10, 11, 9.8]);
    expect(Array.from(out.high)).toEqual([12, 13, 10]);
    expect(Array.from(out.low)).toEqual([9, 9.5, 9.7]);
    expect(Array.from(out.close)).toEqual([11, 9.8, 9.9]);
    expect(Array.from(out.volume)).toEqual([300, 150, 5]);
  });

  it('aggregates daily bars into Monday-aligned weeks', () => {
    // Wed..Fri of one week, Mon..Tue of the next
    const times = [2, 3, 4, 7, 8].map((d) => T0 + d * DAY);
    const input = bars(times, [
      [1, 2, 0.5, 1.5, 1],
      [1.5, 3, 1, 2, 2],
      [2, 2.5, 1.8, 2.2, 3],
      [2.2, 2.4, 0.9, 1, 4],
      [1, 1.2, 0.8, 1.1, 5],
    ]);
    const out = resampleBars(input, '1d', '1w');
    expect(Array.from(out.time).map((t) => iso(t).slice(0, 10))).toEqual(['2020-01-06', '2020-01-13']);
    expect(Array.from(out.open)).toEqual([1, 2.2]);
    expect(Array.from(out.high)).toEqual([3, 2.4]);
    expect(Array.from(out.low)).toEqual([0.5, 0.8]);
    expect(Array.from(out.close)).toEqual([2.2, 1.1]);
    expect(Array.from(out.volume)).toEqual([6, 9]);
  });

  it('same timeframe is a no-op; finer or non-multiple is an error', () => {
    const input = bars([T0], [[1, 2, 0.5, 1.5, 1]]);
    expect(resampleBars(input, '1d', '1d')).toBe(input);
    expect(catchDomainError(() => resampleBars(input, '1d', '1h'), 'INVALID_ARGUMENT').message).toMatch(
      /Cannot resample 1d bars to 1h: resampling only makes bars coarser/,
    );
    expect(catchDomainError(() => resampleBars(input, '4h', '6h'), 'INVALID_ARGUMENT').message).toMatch(/6h is not a whole multiple of 4h/);
    expect(catchDomainError(() => resampleBars(input, '1d', '1y'), 'INVALID_ARGUMENT').message).toMatch(/Unknown timeframe "1y"/);
  });
});

describe('inferTimeframe', () => {
  const spaced = (step: number, n = 20) => Float64Array.from({ length: n }, (_, i) => T0 + i * step);
  it('names the median spacing', () => {
    expect(inferTimeframe(spaced(60_000))).toBe('1m');
    expect(inferTimeframe(spaced(5 * 60_000))).toBe('5m');
    expect(inferTimeframe(spaced(15 * 60_000))).toBe('15m');
    expect(inferTimeframe(spaced(30 * 60_000))).toBe('30m');
    expect(inferTimeframe(spaced(H))).toBe('1h');
    expect(inferTimeframe(spaced(4 * H))).toBe('4h');
    expect(inferTimeframe(spaced(DAY))).toBe('1d');
    expect(inferTimeframe(spaced(7 * DAY))).toBe('1w');
    expect(inferTimeframe(spaced(2 * H))).toBe('2h');
  });

  it('daily data with weekend and holiday gaps is 1d', () => {
    const times: number[] = [];
    for (let d = 0; d < 70; d++) {
      const t = T0 + d * DAY;
      const wd = new Date(t).getUTCDay();
      if (wd !== 0 && wd !== 6 && d !== 17) times.push(t);
    }
    expect(inferTimeframe(Float64Array.from(times))).toBe('1d');
  });

  it('irregular spacing snaps to the nearest standard size; too few bars default to 1d', () => {
    expect(inferTimeframe(spaced(61_234))).toBe('1m');
    expect(inferTimeframe(spaced(3.7 * H + 1234))).toBe('4h');
    expect(inferTimeframe(new Float64Array([T0]))).toBe('1d');
    expect(inferTimeframe([spaced(H, 3), spaced(H, 4)])).toBe('1h');
    expect(timeframeMinutes('1w')).toBe(10_080);
  });
});
