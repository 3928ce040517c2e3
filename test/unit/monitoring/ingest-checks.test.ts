import { describe, expect, it } from 'vitest';
import { classifyBars, findGaps, typicalSpacing } from '../../../src/monitoring/ingest-checks.js';
import type { Bars } from '../../../src/pipeline/data/types.js';

const DAY = 86_400_000;
const t = (d: string) => Date.parse(`${d}T00:00:00Z`);

function bars(times: number[], close: number[]): Bars {
  const c = Float64Array.from(close);
  return {
    symbol: 'SPX',
    time: Float64Array.from(times),
    open: c,
    high: c.map((x) => x + 1),
    low: c.map((x) => x - 1),
    close: c,
    volume: c.map(() => 1000),
  };
}
const row = (time: number, close: number) => ({ time, open: close, high: close + 1, low: close - 1, close, volume: 1000 });

describe('classifyBars', () => {
  it('sorts a batch into new bars, identical duplicates and conflicts with the differing fields', () => {
    const incoming = bars([t('2024-01-02'), t('2024-01-03'), t('2024-01-04')], [100, 101, 102]);
    const stored = [row(t('2024-01-02'), 100), row(t('2024-01-03'), 101.5)];
    const c = classifyBars(incoming, stored);
    expect(c.fresh).toEqual([2]);
    expect(c.duplicates).toEqual([0]);
    expect(c.conflicts).toHaveLength(1);
    expect(c.conflicts[0]!.index).toBe(1);
    expect(c.conflicts[0]!.conflict).toEqual({
      symbol: 'SPX',
      time: '2024-01-03T00:00:00.000Z',
      differences: {
        open: { stored: 101.5, incoming: 101 },
        high: { stored: 102.5, incoming: 102 },
        low: { stored: 100.5, incoming: 100 },
        close: { stored: 101.5, incoming: 101 },
      },
    });
  });

  it('treats a last-digit float difference as the same value, a cent as a conflict', () => {
    const stored = [row(t('2024-01-02'), 0.1 + 0.2)];
    expect(classifyBars(bars([t('2024-01-02')], [0.3]), stored).duplicates).toEqual([0]);
    expect(classifyBars(bars([t('2024-01-02')], [0.31]), stored).conflicts).toHaveLength(1);
  });
});

describe('findGaps', () => {
  // Weekdays of January 2024 (Mon 1st .. Wed 31st), with Mon 15th (a holiday) missing.
  const weekdays: number[] = [];
  for (let d = t('2024-01-01'); d <= t('2024-01-31'); d += DAY) {
    const day = new Date(d).getUTCDay();
    if (day !== 0 && day !== 6 && d !== t('2024-01-15')) weekdays.push(d);
  }

  it('the median spacing of weekday bars is one day', () => {
    expect(typicalSpacing(weekdays)).toBe(DAY);
  });

  it('weekends and a holiday weekend (Fri -> Tue, 4 days) are not gaps', () => {
    expect(findGaps('SPX', new Float64Array(), Float64Array.from(weekdays), 4)).toEqual([]);
  });

  it('a missing week next to new bars is reported with its from/to; an old hole inside the store is not repeated', () => {
    const stored = Float64Array.from(weekdays.filter((d) => d < t('2024-01-08') || d > t('2024-01-12'))); // Jan 8-12 missing
    const fresh = Float64Array.from([t('2024-02-12'), t('2024-02-13')]); // Feb 1-9 missing
    const gaps = findGaps('SPX', stored, fresh, 4);
    expect(gaps).toEqual([{ symbol: 'SPX', from: '2024-01-31T00:00:00.000Z', to: '2024-02-12T00:00:00.000Z', spacing_days: 12 }]);
    // One new bar inside the stored hole (Fri 5th .. Tue 16th): both sides are still holes, seen from the new bar.
    const filling = Float64Array.from([t('2024-01-10')]);
    expect(findGaps('SPX', stored, filling, 4).map((g) => [g.from.slice(0, 10), g.to.slice(0, 10), g.spacing_days])).toEqual([
      ['2024-01-05', '2024-01-10', 5],
      ['2024-01-10', '2024-01-16', 6],
    ]);
  });
});
