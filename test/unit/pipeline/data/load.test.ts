import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadMarketData } from '../../../../src/pipeline/data/index.js';
import { iso, rejectsDomainError } from './helpers.js';

const DATA_DIR = resolve(import.meta.dirname, '../../../../data');
let dir: string;

const MULTI = [
  'symbol,date,open,high,low,close,volume',
  ...['2020-01-06', '2020-01-07', '2020-01-08', '2020-01-09', '2020-01-10', '2020-01-13'].flatMap((d, i) => [
    `AAA,${d},${10 + i},${11 + i},${9 + i},${10.5 + i},${100 + i}`,
    `BBB,${d},${20 + i},${21 + i},${19 + i},${20.5 + i},${200 + i}`,
  ]),
].join('\n');

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'trainyard-data-'));
  mkdirSync(join(dir, 'sub'));
  writeFileSync(join(dir, 'sub', 'multi.csv'), MULTI);
  writeFileSync(join(dir, 'garbage.csv'), Buffer.from([0x64, 0x61, 0x74, 0x65, 0x0a, 0x00, 0xff, 0x13]));
  writeFileSync(join(dir, 'bad.csv'), 'date,open,high,low,close\n2020-01-02,1,2,0.5,-1\n');
});

describe('loadMarketData', () => {
  it('sample:sp500 loads the bundled daily S&P 500 series', async () => {
    const data = await loadMarketData('sample:sp500', { dataDir: DATA_DIR });
    const [bars] = data.series;
    expect(data.series).toHaveLength(1);
    expect(bars?.symbol).toBe('SP500');
    // the bundled file has 5105 data rows (5106 lines with the header, no final newline)
    expect(bars?.time.length).toBe(5105);
    expect(iso(bars?.time[0])).toBe('2000-01-03T00:00:00.000Z');
    expect(iso(bars?.time[(bars?.time.length ?? 1) - 1])).toBe('2020-04-17T00:00:00.000Z');
    expect(bars?.close[0]).toBe(1455.219971);
    expect(data.timeframe).toBe('1d');
    expect(data.source).toBe('sample:sp500');
    expect(data.hash).toMatch(/^[0-9a-f]{64}$/);
    // default data dir resolves to the package's data folder
    expect((await loadMarketData('sample:sp500')).hash).toBe(data.hash);
  });

  it('filters by date range (inclusive) and changes the hash; resamples to weeks', async () => {
    const full = await loadMarketData('sample:sp500', { dataDir: DATA_DIR });
    const jan = await loadMarketData('sample:sp500', { dataDir: DATA_DIR, from: '2020-01-02', to: '2020-01-31' });
    const times = Array.from(jan.series[0]?.time ?? []);
    expect(iso(times[0]).slice(0, 10)).toBe('2020-01-02');
    expect(iso(times[times.length - 1]).slice(0, 10)).toBe('2020-01-31');
    expect(times).toHaveLength(21);
    expect(jan.hash).not.toBe(full.hash);
    const weekly = await loadMarketData('sample:sp500', { dataDir: DATA_DIR, from: '2020-01-06', to: '2020-01-31', timeframe: '1w' });
    expect(weekly.timeframe).toBe('1w');
    expect(weekly.series[0]?.time.length).toBe(4);
    expect(weekly.notes.join('\n')).toMatch(/resampled 1d bars to 1w: 19 -> 4 bars/);
  });

  it('an empty range names the range asked for and the data range', async () => {
    const e = await rejectsDomainError(loadMarketData('sample:sp500', { dataDir: DATA_DIR, from: '2021-01-01' }), 'INVALID_ARGUMENT');
    expect(e.message).toBe(
      'No bars from 2021-01-01 to the end in sample:sp500; the data covers 2000-01-03 to 2020-04-17. Choose dates inside that range.',
    );
    await rejectsDomainError(
      loadMarketData('sample:sp500', { dataDir: DATA_DIR, from: '2020-02-01', to: '2020-01-01' }),
      'INVALID_ARGUMENT',
    );
    await rejectsDomainError(loadMarketData('sample:sp500', { dataDir: DATA_DIR, from: 'last year' }), 'INVALID_ARGUMENT');
  });

  it('reads csv paths relative to cwd, with symbol filter', async () => {
    const data = await loadMarketData('csv:sub/multi.csv', { cwd: dir });
    expect(data.series.map((s) => s.symbol)).toEqual(['AAA', 'BBB']);
    expect(data.timeframe).toBe('1d');
    const only = await loadMarketData('csv:sub/multi.csv', { cwd: dir, symbols: ['bbb'] });
    expect(only.series.map((s) => s.symbol)).toEqual(['BBB']);
    const e = await rejectsDomainError(loadMarketData('csv:sub/multi.csv', { cwd: dir, symbols: ['AAA', 'ZZZ'] }), 'INVALID_ARGUMENT');
    expect(e.message).toBe('Symbol "ZZZ" not in csv:sub/multi.csv. Available symbols: AAA, BBB.');
  });

  it('a missing file is DATA_NOT_FOUND naming the absolute path', async () => {
    const e = await rejectsDomainError(loadMarketData('csv:nope/none.csv', { cwd: dir }), 'DATA_NOT_FOUND');
    expect(e.message).toContain(join(dir, 'nope', 'none.csv'));
    await rejectsDomainError(loadMarketData('sample:sp500', { dataDir: dir }), 'DATA_NOT_FOUND');
  });

  it('bad and binary files are INVALID_DATA naming the file as given', async () => {
    const bad = await rejectsDomainError(loadMarketData('csv:bad.csv', { cwd: dir }), 'INVALID_DATA');
    expect(bad.message).toMatch(/^bad\.csv line 2: close is -1; prices must be positive/);
    const garbage = await rejectsDomainError(loadMarketData(`csv:${join(dir, 'garbage.csv')}`, {}), 'INVALID_DATA');
    expect(garbage.message).toMatch(/garbage\.csv line 2: NUL byte/);
  });

  it('synthetic specs load with their timeframe; finer resampling is refused', async () => {
    const data = await loadMarketData('synthetic:seed=4,bars=480,symbols=2,timeframe=1h', { timeframe: '4h' });
    expect(data.timeframe).toBe('4h');
    expect(data.series.map((s) => s.time.length)).toEqual([120, 120]);
    const again = await loadMarketData('synthetic:seed=4,bars=480,symbols=2,timeframe=1h', { timeframe: '4h' });
    expect(again.hash).toBe(data.hash);
    const e = await rejectsDomainError(loadMarketData('synthetic:seed=4,bars=50,timeframe=1d', { timeframe: '1h' }), 'INVALID_ARGUMENT');
    expect(e.message).toMatch(/Cannot resample 1d bars to 1h/);
    await rejectsDomainError(loadMarketData('parquet:x', {}), 'INVALID_DATA_SPEC');
  });
});
