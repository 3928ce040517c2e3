import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadMarketData, parseDataSpec, withStoreFile } from '../../../../src/pipeline/data/index.js';
import { openRegistry } from '../../../../src/registry/index.js';
import { createBarStore } from '../../../../src/registry/bar-store.js';
import { catchDomainError, rejectsDomainError } from './helpers.js';

describe('store: data spec', () => {
  it('parses symbols, timeframe and the database', () => {
    expect(parseDataSpec('store:')).toEqual({ kind: 'store', params: { symbols: null, timeframe: null, db: null } });
    expect(parseDataSpec('store:SPX, QQQ,timeframe=1d')).toEqual({
      kind: 'store',
      params: { symbols: ['SPX', 'QQQ'], timeframe: '1d', db: null },
    });
    expect(catchDomainError(() => parseDataSpec('store:SPX,foo=1'), 'INVALID_DATA_SPEC').message).toMatch(/unknown store parameter "foo"/);
    expect(catchDomainError(() => parseDataSpec('store:SPX,timeframe=daily'), 'INVALID_DATA_SPEC').message).toMatch(
      /timeframe must look like/,
    );
  });

  it('withStoreFile names the database for store: specs only', () => {
    expect(withStoreFile('store:', '/s/t.db')).toBe('store:db=/s/t.db');
    expect(withStoreFile('store:SPX', '/s/t.db')).toBe('store:SPX,db=/s/t.db');
    expect(withStoreFile('store:SPX,db=/x.db', '/s/t.db')).toBe('store:SPX,db=/x.db');
    expect(withStoreFile('sample:sp500', '/s/t.db')).toBe('sample:sp500');
    expect(withStoreFile(undefined, '/s/t.db')).toBeUndefined();
  });

  it('loads stored bars read-only; one timeframe per request; clear errors for missing data', async () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'ty-store-'));
    const registry = openRegistry({ file: path.join(home, 'trainyard.db'), modelsDir: path.join(home, 'models') });
    const storeFile = registry.file;
    await rejectsDomainError(loadMarketData('store:', { storeFile }), 'DATA_NOT_FOUND');
    const bars = createBarStore(registry.db, () => new Date('2024-06-01T00:00:00Z'));
    const row = (time: string, close: number) => ({ time: Date.parse(time), open: close, high: close, low: close, close, volume: 1 });
    const write = (symbol: string, timeframe: string, times: string[]) =>
      bars.writeBatch({
        actor: 'test',
        source: 'test',
        timeframe,
        on_conflict: 'reject',
        received: times.length,
        duplicates: 0,
        gaps: [],
        rows: [{ symbol, insert: times.map((t, i) => row(t, 100 + i)), replace: [] }],
      });
    write('SPX', '1d', ['2024-01-02T00:00:00Z', '2024-01-03T00:00:00Z', '2024-01-04T00:00:00Z']);
    write('BTC', '1h', ['2024-01-02T00:00:00Z', '2024-01-02T01:00:00Z']);

    const spx = await loadMarketData('store:SPX', { storeFile });
    expect(spx.timeframe).toBe('1d');
    expect(Array.from(spx.series[0]!.close)).toEqual([100, 101, 102]);
    expect((await loadMarketData('store:timeframe=1h', { storeFile })).series.map((s) => s.symbol)).toEqual(['BTC']);
    expect((await rejectsDomainError(loadMarketData('store:', { storeFile }), 'INVALID_ARGUMENT')).message).toMatch(
      /different timeframes .*Add timeframe=/,
    );
    expect((await rejectsDomainError(loadMarketData('store:QQQ', { storeFile }), 'INVALID_ARGUMENT')).message).toMatch(
      /no ingested bars for QQQ\. Stored: BTC \(1h, 2 bars\), SPX \(1d, 3 bars\)/,
    );
    expect((await rejectsDomainError(loadMarketData('store:SPX,timeframe=1h', { storeFile }), 'INVALID_ARGUMENT')).message).toMatch(
      /SPX is stored as 1d/,
    );
    await rejectsDomainError(loadMarketData('store:SPX'), 'INVALID_DATA_SPEC');
    expect(bars.countAfter(['SPX'], Date.parse('2024-01-02T12:00:00Z'))).toEqual({ SPX: 2 });
    expect(bars.batches().map((b) => b.symbols)).toEqual([['BTC'], ['SPX']]);
    registry.close();
  });
});
