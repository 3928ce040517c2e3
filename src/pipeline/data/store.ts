import fs from 'node:fs';
import Database from 'better-sqlite3';
import { DomainError } from '../../domain/errors.js';
import type { StoreParams } from './spec.js';
import type { Bars } from './types.js';

/** What a `store:` spec resolves to. */
export interface StoredSeries {
  series: Bars[];
  timeframe: string;
}

interface BarRow {
  symbol: string;
  timeframe: string;
  time: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

/** The part of a database handle the reader needs (a better-sqlite3 Database). */
export interface SqlReader {
  prepare(sql: string): { all(...args: unknown[]): unknown[] };
}

/**
 * Bars ingested into the registry's `bars` table (see registry/migrations.ts), as a normal data
 * set: the requested symbols (all when none), which must share one timeframe. Reads through the
 * handle it is given: the registry's own connection, or a read-only one (readStoreFile).
 */
export function readStoredBars(db: SqlReader, params: Pick<StoreParams, 'symbols' | 'timeframe'>, spec: string): StoredSeries {
  const stored = db.prepare('SELECT symbol, timeframe, COUNT(*) AS n FROM bars GROUP BY symbol, timeframe ORDER BY symbol').all() as {
    symbol: string;
    timeframe: string;
    n: number;
  }[];
  if (stored.length === 0) {
    throw new DomainError(
      'DATA_NOT_FOUND',
      `${spec}: no bars have been ingested yet. Ingest some first (ingest_data, or "trainyard ingest --data <spec>").`,
      {
        spec,
      },
    );
  }
  const available = stored.map((s) => `${s.symbol} (${s.timeframe}, ${s.n} bars)`).join(', ');
  let chosen = stored;
  if (params.symbols) {
    const missing = params.symbols.filter((sym) => !stored.some((s) => s.symbol === sym));
    if (missing.length > 0) {
      throw new DomainError('INVALID_ARGUMENT', `${spec}: no ingested bars for ${missing.join(', ')}. Stored: ${available}.`, {
        missing,
        spec,
      });
    }
    chosen = params.symbols.map((sym) => stored.find((s) => s.symbol === sym)!);
  }
  if (params.timeframe) {
    const other = chosen.filter((s) => s.timeframe !== params.timeframe);
    if (params.symbols && other.length > 0) {
      const list = other.map((s) => `${s.symbol} is stored as ${s.timeframe}`).join(', ');
      throw new DomainError('INVALID_ARGUMENT', `${spec}: ${list}, not ${params.timeframe}. Drop timeframe= or ask for those bars.`, {
        spec,
      });
    }
    chosen = chosen.filter((s) => s.timeframe === params.timeframe);
    if (chosen.length === 0) {
      throw new DomainError('DATA_NOT_FOUND', `${spec}: no ingested ${params.timeframe} bars. Stored: ${available}.`, { spec });
    }
  }
  const timeframes = [...new Set(chosen.map((s) => s.timeframe))];
  if (timeframes.length > 1) {
    throw new DomainError(
      'INVALID_ARGUMENT',
      `${spec}: the stored symbols have different timeframes (${available}). Add timeframe=<one of ${timeframes.join(', ')}> or name the symbols.`,
      { spec, timeframes },
    );
  }
  const query = db.prepare('SELECT * FROM bars WHERE symbol = ? AND timeframe = ? ORDER BY time');
  const series = chosen.map((s) => toBars(s.symbol, query.all(s.symbol, s.timeframe) as BarRow[]));
  return { series, timeframe: timeframes[0]! };
}

/** readStoredBars over its own read-only connection (a worker thread opens the file itself). */
export function readStoreFile(file: string, params: Pick<StoreParams, 'symbols' | 'timeframe'>, spec: string): StoredSeries {
  if (!fs.existsSync(file)) {
    throw new DomainError('DATA_NOT_FOUND', `${spec}: the registry database ${file} does not exist; nothing has been ingested there.`, {
      spec,
    });
  }
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'bars'").all();
    if (tables.length === 0) {
      throw new DomainError('DATA_NOT_FOUND', `${spec}: ${file} has no ingested bars yet (an older registry). Ingest some first.`, {
        spec,
      });
    }
    return readStoredBars(db, params, spec);
  } finally {
    db.close();
  }
}

function toBars(symbol: string, rows: BarRow[]): Bars {
  const col = (k: keyof Omit<BarRow, 'symbol' | 'timeframe'>) => Float64Array.from(rows, (r) => r[k]);
  return {
    symbol,
    time: col('time'),
    open: col('open'),
    high: col('high'),
    low: col('low'),
    close: col('close'),
    volume: col('volume'),
  };
}
