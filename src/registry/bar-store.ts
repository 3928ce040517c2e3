import { z } from 'zod';
import type { Bars } from '../pipeline/data/types.js';
import type { Db } from './db.js';
import { fromJson } from './json-columns.js';
import type { Actor } from './types.js';

/** One stored bar's values, for comparing a new batch with what is there. */
export interface StoredBar {
  time: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

export const gapSchema = z.object({
  symbol: z.string(),
  from: z.string().describe('Last bar before the gap (ISO)'),
  to: z.string().describe('First bar after the gap (ISO)'),
  spacing_days: z.number().describe('Calendar days between the two bars'),
});
export type Gap = z.infer<typeof gapSchema>;

export const ingestBatchSchema = z.object({
  id: z.number().int(),
  at: z.string(),
  actor: z.string(),
  source: z.string(),
  timeframe: z.string(),
  symbols: z.array(z.string()),
  on_conflict: z.enum(['reject', 'replace']),
  received: z.number().int(),
  added: z.number().int(),
  duplicates: z.number().int(),
  replaced: z.number().int(),
  gaps: z.array(gapSchema),
});
export type IngestBatch = z.infer<typeof ingestBatchSchema>;

export interface BatchWrite {
  actor: Actor;
  source: string;
  timeframe: string;
  on_conflict: 'reject' | 'replace';
  received: number;
  duplicates: number;
  gaps: Gap[];
  /** Rows to insert (new timestamps) and to overwrite (conflicts the caller chose to replace), per symbol. */
  rows: { symbol: string; insert: StoredBar[]; replace: StoredBar[] }[];
}

/** The `bars` and `ingest_batches` tables: ingested OHLCV bars, one timeframe per symbol. */
export function createBarStore(db: Db, clock: () => Date) {
  const timeframeStmt = db.prepare('SELECT DISTINCT timeframe FROM bars WHERE symbol = ?');
  const rangeStmt = db.prepare(
    'SELECT time, open, high, low, close, volume FROM bars WHERE symbol = ? AND timeframe = ? AND time BETWEEN ? AND ? ORDER BY time',
  );
  const timesStmt = db.prepare('SELECT time FROM bars WHERE symbol = ? AND timeframe = ? ORDER BY time').pluck();
  const insertBatch = db.prepare(
    `INSERT INTO ingest_batches (at, actor, source, timeframe, symbols, on_conflict, received, added, duplicates, replaced, gaps)
     VALUES (@at, @actor, @source, @timeframe, @symbols, @on_conflict, @received, @added, @duplicates, @replaced, @gaps)`,
  );
  const insertBar = db.prepare(
    `INSERT INTO bars (symbol, timeframe, time, open, high, low, close, volume, batch_id)
     VALUES (@symbol, @timeframe, @time, @open, @high, @low, @close, @volume, @batch_id)`,
  );
  const replaceBar = db.prepare(
    `UPDATE bars SET open = @open, high = @high, low = @low, close = @close, volume = @volume, batch_id = @batch_id
     WHERE symbol = @symbol AND timeframe = @timeframe AND time = @time`,
  );
  const countSince = db.prepare('SELECT symbol, COUNT(*) AS n FROM bars WHERE time > ? GROUP BY symbol');
  const batchRows = db.prepare('SELECT * FROM ingest_batches ORDER BY id DESC LIMIT ?');

  return {
    /** The timeframe a symbol is stored at, or null when it has no bars. */
    timeframeOf(symbol: string): string | null {
      return (timeframeStmt.get(symbol) as { timeframe: string } | undefined)?.timeframe ?? null;
    },
    /** Stored bars of a symbol from `from` to `to` (Unix ms, inclusive). */
    range(symbol: string, timeframe: string, from: number, to: number): StoredBar[] {
      return rangeStmt.all(symbol, timeframe, from, to) as StoredBar[];
    },
    /** Every stored timestamp of a symbol, oldest first. */
    times(symbol: string, timeframe: string): Float64Array {
      return Float64Array.from(timesStmt.all(symbol, timeframe) as number[]);
    },
    /** Writes one batch in one transaction: the batch row, new bars, replaced bars. Returns the batch. */
    writeBatch(b: BatchWrite): IngestBatch {
      const run = db.transaction(() => {
        const added = b.rows.reduce((n, r) => n + r.insert.length, 0);
        const replaced = b.rows.reduce((n, r) => n + r.replace.length, 0);
        const row = {
          at: clock().toISOString(),
          actor: b.actor,
          source: b.source,
          timeframe: b.timeframe,
          symbols: JSON.stringify(b.rows.map((r) => r.symbol)),
          on_conflict: b.on_conflict,
          received: b.received,
          added,
          duplicates: b.duplicates,
          replaced,
          gaps: JSON.stringify(b.gaps),
        };
        const id = Number(insertBatch.run(row).lastInsertRowid);
        for (const r of b.rows) {
          for (const bar of r.insert) insertBar.run({ ...bar, symbol: r.symbol, timeframe: b.timeframe, batch_id: id });
          for (const bar of r.replace) replaceBar.run({ ...bar, symbol: r.symbol, timeframe: b.timeframe, batch_id: id });
        }
        return parseBatch({ ...row, id });
      });
      return run.immediate();
    },
    /** Bars with a bar time after `afterMs`, per symbol (all symbols when `symbols` is empty). */
    countAfter(symbols: readonly string[], afterMs: number): Record<string, number> {
      const out: Record<string, number> = {};
      for (const r of countSince.all(afterMs) as { symbol: string; n: number }[]) {
        if (symbols.length === 0 || symbols.includes(r.symbol)) out[r.symbol] = r.n;
      }
      for (const s of symbols) out[s] ??= 0;
      return out;
    },
    batches(limit = 20): IngestBatch[] {
      return (batchRows.all(limit) as Record<string, unknown>[]).map(parseBatch);
    },
  };
}

export type BarStore = ReturnType<typeof createBarStore>;

function parseBatch(row: Record<string, unknown>): IngestBatch {
  return ingestBatchSchema.parse({ ...row, symbols: fromJson(row['symbols']), gaps: fromJson(row['gaps']) });
}

/** A symbol's bars as rows (for writing). */
export function barRows(bars: Bars, idx: readonly number[]): StoredBar[] {
  return idx.map((i) => ({
    time: bars.time[i]!,
    open: bars.open[i]!,
    high: bars.high[i]!,
    low: bars.low[i]!,
    close: bars.close[i]!,
    volume: bars.volume[i]!,
  }));
}
