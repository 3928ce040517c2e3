import { describe, expect, it } from 'vitest';
import { readCsv } from '../../../../src/pipeline/data/csv.js';
import { decodeCsvBytes } from '../../../../src/pipeline/data/decode.js';
import { inferTimeframe } from '../../../../src/pipeline/data/timeframe.js';
import { catchDomainError, iso } from './helpers.js';

const read = (text: string) => readCsv(text, 'f.csv');
const fail = (text: string) => catchDomainError(() => readCsv(text, 'f.csv'), 'INVALID_DATA');
const days = (text: string) => Array.from(read(text).series[0]?.time ?? []).map((t) => iso(t).slice(0, 10));

/** `n` consecutive calendar days from 2021-03-01 as cells written by `fmt(y, m, d)`. */
function dailyRows(n: number, fmt: (y: number, m: number, d: number) => string, sep = ','): string[] {
  return Array.from({ length: n }, (_, i) => {
    const t = new Date(Date.UTC(2021, 2, 1 + i));
    const cell = fmt(t.getUTCFullYear(), t.getUTCMonth() + 1, t.getUTCDate());
    return [cell, '10', '12', '9', String(11 + i / 100), '100'].join(sep);
  });
}
const p2 = (n: number) => String(n).padStart(2, '0');
const HEAD = 'date,open,high,low,close,volume';

describe('timestamps: decided per column from all rows', () => {
  it('YYYYMMDD is a date, never Unix seconds: a daily file reads as daily', () => {
    const { series, notes } = read([HEAD, ...dailyRows(20, (y, m, d) => `${y}${p2(m)}${p2(d)}`)].join('\n'));
    const bars = series[0]!;
    expect(iso(bars.time[0]).slice(0, 10)).toBe('2021-03-01');
    expect(iso(bars.time[19]).slice(0, 10)).toBe('2021-03-20');
    expect(inferTimeframe(bars.time)).toBe('1d');
    expect(notes.join('\n')).toMatch(/compact dates \(YYYYMMDD/);
  });

  it('YYYYMMDDHHMMSS and YYYYMMDDHHMM are date-times', () => {
    const secs = read(`timestamp,open,high,low,close\n20210315143000,1,2,0.5,1.5\n20210315144500,1,2,0.5,1.5\n`).series[0]!;
    expect(iso(secs.time[1])).toBe('2021-03-15T14:45:00.000Z');
    expect(inferTimeframe(secs.time)).toBe('15m');
    const mins = read(`timestamp,open,high,low,close\n202103151430,1,2,0.5,1.5\n202103151500,1,2,0.5,1.5\n`).series[0]!;
    expect(iso(mins.time[0])).toBe('2021-03-15T14:30:00.000Z');
  });

  it('a compact date with a separate time-of-day column', () => {
    const bars = read('Date,Time,Open,High,Low,Close\n20210315,09:30,1,2,0.5,1.5\n20210315,10:30,1,2,0.5,1.5\n').series[0]!;
    expect(iso(bars.time[1])).toBe('2021-03-15T10:30:00.000Z');
  });

  it('Unix seconds, milliseconds and microseconds still read, one unit for the column', () => {
    const s = read('timestamp,open,high,low,close\n1577836800,1,2,0.5,1.5\n1577840400,1,2,0.5,1.5\n');
    const ms = read('timestamp,open,high,low,close\n1577836800000,1,2,0.5,1.5\n1577840400000,1,2,0.5,1.5\n');
    const us = read('timestamp,open,high,low,close\n1577836800000000,1,2,0.5,1.5\n1577840400000000,1,2,0.5,1.5\n');
    for (const r of [s, ms, us]) expect(iso(r.series[0]?.time[1])).toBe('2020-01-01T01:00:00.000Z');
    expect(s.notes.join('\n')).toMatch(/Unix seconds/);
    expect(ms.notes.join('\n')).toMatch(/Unix milliseconds/);
  });

  it('numbers that are neither compact dates nor plausible epochs are refused, not read as 1970', () => {
    const small = fail('timestamp,open,high,low,close\n1,1,2,0.5,1.5\n2,1,2,0.5,1.5\n');
    expect(small.message).toMatch(/not dates/);
    // 8 digits that are no valid date (month 13): as seconds they would be 1970
    const bad = fail('timestamp,open,high,low,close\n20211301,1,2,0.5,1.5\n20211302,1,2,0.5,1.5\n');
    expect(bad.message).toMatch(/neither dates \(YYYYMMDD, YYYYMMDDHHMMSS\) nor Unix times/);
    // seconds and milliseconds mixed in one column
    const mixed = fail('timestamp,open,high,low,close\n1577836800,1,2,0.5,1.5\n1577840400000,1,2,0.5,1.5\n');
    expect(mixed.message).toMatch(/in one unit between 1971 and 2100/);
  });

  it('EU dates (15.03.2021, 15/03/2021) when a day above 12 settles the order', () => {
    expect(days([HEAD, ...dailyRows(20, (y, m, d) => `${p2(d)}.${p2(m)}.${y}`)].join('\n')).slice(0, 2)).toEqual([
      '2021-03-01',
      '2021-03-02',
    ]);
    const { series, notes } = read([HEAD, ...dailyRows(20, (y, m, d) => `${p2(d)}/${p2(m)}/${y}`)].join('\n'));
    expect(iso(series[0]?.time[12]).slice(0, 10)).toBe('2021-03-13');
    expect(notes.join('\n')).toMatch(/day\/month\/year \(15\.03\.2021\): line 14 has a first number above 12/);
  });

  it('US dates (03/15/2021) when a day above 12 settles the order', () => {
    const out = days([HEAD, ...dailyRows(20, (y, m, d) => `${p2(m)}/${p2(d)}/${y}`)].join('\n'));
    expect(out[0]).toBe('2021-03-01');
    expect(out[19]).toBe('2021-03-20');
  });

  it('ambiguous or mixed day/month orders are refused with the format to use', () => {
    const ambiguous = fail([HEAD, ...dailyRows(10, (y, m, d) => `${p2(d)}/${p2(m)}/${y}`)].join('\n'));
    expect(ambiguous.message).toMatch(/no day in the file is above 12.*ISO year-month-day \(2021-03-15\)/);
    const mixed = fail(`${HEAD}\n15/03/2021,10,12,9,11,1\n03/16/2021,10,12,9,11,1\n`);
    expect(mixed.message).toMatch(/mix day\/month\/year \(line 2\) and month\/day\/year \(line 3\)/);
  });
});

describe('delimiter and decimal comma, detected together', () => {
  const SEMI = 'Datum;Open;High;Low;Close;Volume';

  it('";" with three-digit decimal commas is 3.080, never 3080', () => {
    const { series, notes } = read(
      `${SEMI}\n2021-03-15;3,080;3,120;3,010;3,100;1200\n2021-03-16;3,100;3,150;3,050;3,140;1300\n`.replace('Datum', 'Date'),
    );
    const bars = series[0]!;
    expect(bars.open[0]).toBeCloseTo(3.08, 12);
    expect(bars.close[1]).toBeCloseTo(3.14, 12);
    expect(bars.volume[0]).toBe(1200);
    expect(notes.join('\n')).toMatch(/decimal commas/);
  });

  it('";" with decimal commas and thousands points (1.234,56)', () => {
    const bars = read('date;open;high;low;close;volume\n2021-03-15;1.234,56;1.240,00;1.230,5;1.238,1;1.500.000\n').series[0]!;
    expect(bars.open[0]).toBeCloseTo(1234.56, 9);
    expect(bars.low[0]).toBeCloseTo(1230.5, 9);
    expect(bars.volume[0]).toBe(1_500_000);
  });

  it('";" with two-digit decimal commas loads (no flood of "not a number")', () => {
    const bars = read('date;open;high;low;close\n2021-03-15;3,08;3,12;3,01;3,1\n').series[0]!;
    expect(bars.high[0]).toBeCloseTo(3.12, 12);
  });

  it('"," files keep decimal points; quoted US thousands still read', () => {
    const bars = read('date,open,high,low,close,volume\n2021-03-15,"3,080.5","3,120",3010,3100.25,"1,200"\n').series[0]!;
    expect(bars.open[0]).toBe(3080.5);
    expect(bars.high[0]).toBe(3120);
    expect(bars.volume[0]).toBe(1200);
    expect(read('date;open;high;low;close\n2021-03-15;3.08;3.12;3.01;3.1\n').series[0]?.close[0]).toBe(3.1);
  });

  it('ambiguous or contradictory separators are refused, naming decimal commas', () => {
    const ambiguous = fail('date;open;high;low;close\n2021-03-15;3,080;3.120;3,010;3,100\n');
    expect(ambiguous.message).toMatch(/cannot tell decimal commas from thousands separators/);
    expect(ambiguous.message).toMatch(/Export the file with decimal points/);
    const mixed = fail('date;open;high;low;close\n2021-03-15;3,08;3,12;3,01;3,1\n2021-03-16;3.08;3.12;3.01;3.1\n');
    expect(mixed.message).toMatch(/decimal commas \(line 2\) and with decimal points \(line 3\)/);
  });

  it('decimal commas in a comma-separated file: one message with what to do', () => {
    const e = fail('date,open,high,low,close\n2021-03-15,3,08,3,12,3,01,3,1\n2021-03-16,3,08,3,12,3,01,3,1\n');
    expect(e.message).toMatch(/line 2: has 9 fields but the header has 5\. If the numbers are written with decimal commas/);
  });
});

describe('close-only and volume-less files', () => {
  it('date + close loads with open = high = low = close, noted', () => {
    const { series, notes } = read('Date,Close\n2021-03-15,10\n2021-03-16,10.5\n');
    const bars = series[0]!;
    expect(Array.from(bars.open)).toEqual([10, 10.5]);
    expect(Array.from(bars.high)).toEqual([10, 10.5]);
    expect(Array.from(bars.low)).toEqual([10, 10.5]);
    expect(Array.from(bars.volume)).toEqual([0, 0]);
    expect(notes.join('\n')).toMatch(/close-only file .*open, high and low set to the close/);
  });

  it('date + price and date + adj close load as close-only', () => {
    expect(read('date,price\n2021-03-15,10\n').series[0]?.close[0]).toBe(10);
    const adj = read('Date,Adj Close,Volume\n2021-03-15,10,5\n');
    expect(adj.series[0]?.high[0]).toBe(10);
    expect(adj.notes.join('\n')).toMatch(/used adjusted close/);
  });

  it('some but not all of open/high/low is still a missing-column error', () => {
    expect(fail('date,open,close\n2020-01-02,1,2\n').message).toMatch(/missing columns high, low/);
  });
});

describe('hostile inputs', () => {
  it('empty, blank and header-only files', () => {
    expect(fail('').message).toMatch(/the file is empty/);
    expect(fail('\n\n  \n').message).toMatch(/line 1/);
    expect(fail('date,close\n').message).toMatch(/header but no data rows/);
  });

  it('binary bytes are refused before parsing', () => {
    const e = catchDomainError(() => decodeCsvBytes(Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2]), 'x.csv'), 'INVALID_DATA');
    expect(e.message).toMatch(/not a text file/);
  });

  it('mixed delimiters: said once, without quoting the line', () => {
    const e = fail('date,open,high,low,close\n2021-03-15;1;2;0.5;1.5\n2021-03-16;1;2;0.5;1.5\n');
    expect(e.message).toBe('f.csv line 2: the header is separated by commas but this line by semicolons. Use one delimiter on every line.');
  });

  it('a huge file of compact dates is decided without argument spreads', () => {
    const n = 200_000;
    const rows = new Array<string>(n + 1);
    rows[0] = 'timestamp,close';
    for (let i = 0; i < n; i++) {
      const t = new Date(Date.UTC(2000, 0, 1) + i * 60_000);
      rows[i + 1] =
        `${t.getUTCFullYear()}${p2(t.getUTCMonth() + 1)}${p2(t.getUTCDate())}${p2(t.getUTCHours())}${p2(t.getUTCMinutes())},${1 + (i % 7)}`;
    }
    const bars = read(rows.join('\n')).series[0]!;
    expect(bars.time.length).toBe(n);
    expect(inferTimeframe(bars.time)).toBe('1m');
  });
});
