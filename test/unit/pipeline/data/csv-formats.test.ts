import { describe, expect, it } from 'vitest';
import { parseCsv, readCsv } from '../../../../src/pipeline/data/csv.js';
import { iso } from './helpers.js';

const YAHOO = `Date,Open,High,Low,Close,Adj Close,Volume
2020-01-02,3244.669922,3258.139893,3235.530029,3257.850098,3257.850098,3458250000
2020-01-03,3226.360107,3246.149902,3222.340088,3234.850098,3234.850098,3461290000
`;

describe('parseCsv accepted formats', () => {
  it('reads Yahoo Finance exports (close, not adj close)', () => {
    const [bars, ...rest] = parseCsv(YAHOO, 'data/SPY.csv');
    expect(rest).toHaveLength(0);
    expect(bars?.symbol).toBe('SPY');
    expect(iso(bars?.time[0])).toBe('2020-01-02T00:00:00.000Z');
    expect(Array.from(bars?.close ?? [])).toEqual([3257.850098, 3234.850098]);
    expect(bars?.volume[1]).toBe(3461290000);
  });

  it('reads lower-case headers and the bundled layout', () => {
    const text = 'date,open,high,low,close,volume\n2000-01-03,10,12,9,11,100\n2000-01-04,11,13,10,12,200\n';
    const [bars] = parseCsv(text, 'x.csv', { symbol: 'X' });
    expect(bars?.symbol).toBe('X');
    expect(Array.from(bars?.high ?? [])).toEqual([12, 13]);
  });

  it('reads Unix seconds and Unix milliseconds, deciding by magnitude', () => {
    const secs = parseCsv('timestamp,open,high,low,close,volume\n1577836800,1,2,0.5,1.5,10\n1577840400,1.5,2,1,1.8,10\n', 's.csv');
    const ms = parseCsv('time,open,high,low,close,volume\n1577836800000,1,2,0.5,1.5,10\n1577840400000,1.5,2,1,1.8,10\n', 'ms.csv');
    expect(iso(secs[0]?.time[0])).toBe('2020-01-01T00:00:00.000Z');
    expect(iso(ms[0]?.time[1])).toBe('2020-01-01T01:00:00.000Z');
    expect(Array.from(secs[0]?.time ?? [])).toEqual(Array.from(ms[0]?.time ?? []));
  });

  it('reads ISO date-times with and without zone', () => {
    const text = [
      'datetime,open,high,low,close,volume',
      '2020-01-01T00:00:00Z,1,2,0.5,1.5,10',
      '2020-01-01 01:00,1,2,0.5,1.5,10',
      '2020-01-01T04:00:00+02:00,1,2,0.5,1.5,10',
      '2020-01-01T03:00:00.500,1,2,0.5,1.5,10',
    ].join('\n');
    const [bars] = parseCsv(text, 'dt.csv');
    expect(Array.from(bars?.time ?? []).map((t) => iso(t))).toEqual([
      '2020-01-01T00:00:00.000Z',
      '2020-01-01T01:00:00.000Z',
      '2020-01-01T02:00:00.000Z',
      '2020-01-01T03:00:00.500Z',
    ]);
  });

  it('joins separate date and time-of-day columns', () => {
    const [bars] = parseCsv('Date,Time,Open,High,Low,Close\n2020.01.02,09:30,1,2,0.5,1.5\n2020.01.02,10:30,1,2,0.5,1.5\n', 'mt.csv');
    expect(iso(bars?.time[1])).toBe('2020-01-02T10:30:00.000Z');
  });

  it('splits a symbol column into series in order of first appearance', () => {
    const text = [
      'ticker,date,open,high,low,close,volume',
      'MSFT,2020-01-02,10,11,9,10.5,5',
      'AAPL,2020-01-02,20,21,19,20.5,6',
      'MSFT,2020-01-03,10.5,12,10,11,7',
      'AAPL,2020-01-03,20.5,22,20,21,8',
    ].join('\n');
    const series = parseCsv(text, 'multi.csv');
    expect(series.map((s) => s.symbol)).toEqual(['MSFT', 'AAPL']);
    expect(Array.from(series[1]?.close ?? [])).toEqual([20.5, 21]);
    expect(Array.from(series[0]?.volume ?? [])).toEqual([5, 7]);
  });

  it('sorts descending input and says so', () => {
    const text = 'date,open,high,low,close,volume\n2020-01-03,2,3,1,2.5,1\n2020-01-02,1,2,0.5,1.5,1\n2020-01-01,1,2,0.5,1.5,1\n';
    const { series, notes } = readCsv(text, 'desc.csv');
    expect(Array.from(series[0]?.time ?? []).map((t) => iso(t).slice(0, 10))).toEqual(['2020-01-01', '2020-01-02', '2020-01-03']);
    expect(series[0]?.close[2]).toBe(2.5);
    expect(notes).toContain('desc.csv: sorted 3 rows that were in descending order');
  });

  it('parses quoted fields holding commas, including thousands separators', () => {
    const text =
      'Date,Open,High,Low,Close,Volume,Name\n"2020-01-02","3,244.67","3,258.14","3,235.53","3,257.85","3,458,250,000","S&P 500, index"\n';
    const [bars] = parseCsv(text, 'q.csv');
    expect(bars?.open[0]).toBeCloseTo(3244.67, 6);
    expect(bars?.volume[0]).toBe(3458250000);
  });

  it('tolerates a BOM, CRLF, blank lines, padding, extra columns and case', () => {
    const text =
      '\uFEFF  DATE , " Open ",HIGH,low,Close,VOLUME,extra\r\n\r\n 2020-01-02 , 1 ,2,0.5,1.5, 10 ,zzz\r\n2020-01-03,1.5,2,1,1.8,20,\r\n';
    const [bars] = parseCsv(text, 'bom.csv');
    expect(bars?.time.length).toBe(2);
    expect(bars?.open[0]).toBe(1);
    expect(bars?.volume[1]).toBe(20);
  });

  it('accepts semicolon-separated files', () => {
    const [bars] = parseCsv('date;open;high;low;close;volume\n2020-01-02;1;2;0.5;1.5;10\n', 'semi.csv');
    expect(bars?.close[0]).toBe(1.5);
  });

  it('fills a missing volume column with 0 and notes it', () => {
    const { series, notes } = readCsv('date,open,high,low,close\n2020-01-02,1,2,0.5,1.5\n', 'novol.csv');
    expect(Array.from(series[0]?.volume ?? [])).toEqual([0]);
    expect(notes.join('\n')).toMatch(/no volume column/);
  });
});
