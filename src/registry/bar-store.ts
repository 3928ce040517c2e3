import { z } from 'zod';
import type { Bars } from '../pipeline/data/types.js';
import type { Db } from './db.js';
import { fromJson } from './json-columns.js';
import type { Actor } from './types.js';
import { mainWriteWaiting, waitForMainWrites, type WriteGate } from './write-gate.js';

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

/** A symbol's bars as columns: what crosses from the ingest worker (typed arrays are copied in one piece, not row by row). */
export type BarColumns = Omit<Bars, 'symbol'>;

/** A batch whose rows are columns, for `writeBatchInChunks`. */
export interface ColumnBatchWrite extends Omit<BatchWrite, 'rows'> {
  rows: { symbol: string; insert: BarColumns; replace: BarColumns }[];
}

// A chunked batch's write transaction ends after this many bars or this many milliseconds,
// whichever comes first (~5 us a bar here, so usually the time), then pauses as long: another
// process's writer (5 s busy timeout) and this process's event loop both get a turn between chunks.
export const WRITE_CHUNK_ROWS = 1000;
export const WRITE_CHUNK_MS = 4;

/** What ingest reads from the store to classify a batch; over a read-only connection in the worker. */
export function createBarReader(db: Db) {
  const timeframeStmt = db.prepare('SELECT DISTINCT timeframe FROM bars WHERE symbol = ?');
  const rangeStmt = db.prepare(
    'SELECT time, open, high, low, close, volume FROM bars WHERE symbol = ? AND timeframe = ? AND time BETWEEN ? AND ? ORDER BY time',
  );
  const timesStmt = db.prepare('SELECT time FROM bars WHERE symbol = ? AND timeframe = ? ORDER BY time').pluck();
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
  };
}

export type BarReader = ReturnType<typeof createBarReader>;

/** The `bars` and `ingest_batches` tables: ingested OHLCV bars, one timeframe per symbol. */
export function createBarStore(db: Db, clock: () => Date) {
  const reader = createBarReader(db);
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
  // Positional twins of insertBar / replaceBar for chunked writes: no object per bar.
  const insertBarAt = db.prepare(
    'INSERT INTO bars (symbol, timeframe, time, open, high, low, close, volume, batch_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const replaceBarAt = db.prepare(
    'UPDATE bars SET open = ?, high = ?, low = ?, close = ?, volume = ?, batch_id = ? WHERE symbol = ? AND timeframe = ? AND time = ?',
  );
  const countSince = db.prepare('SELECT symbol, COUNT(*) AS n FROM bars WHERE time > ? GROUP BY symbol');
  const batchRows = db.prepare('SELECT * FROM ingest_batches ORDER BY id DESC LIMIT ?');
  const batchRow = (b: Omit<BatchWrite, 'rows'>, symbols: string[], added: number, replaced: number) => ({
    at: clock().toISOString(),
    actor: b.actor,
    source: b.source,
    timeframe: b.timeframe,
    symbols: JSON.stringify(symbols),
    on_conflict: b.on_conflict,
    received: b.received,
    added,
    duplicates: b.duplicates,
    replaced,
    gaps: JSON.stringify(b.gaps),
  });

  return {
    ...reader,
    /** Writes one batch in one transaction: the batch row, new bars, replaced bars. Returns the batch. */
    writeBatch(b: BatchWrite): IngestBatch {
      const run = db.transaction(() => {
        const added = b.rows.reduce((n, r) => n + r.insert.length, 0);
        const replaced = b.rows.reduce((n, r) => n + r.replace.length, 0);
        const row = batchRow(
          b,
          b.rows.map((r) => r.symbol),
          added,
          replaced,
        );
        const id = Number(insertBatch.run(row).lastInsertRowid);
        for (const r of b.rows) {
          for (const bar of r.insert) insertBar.run({ ...bar, symbol: r.symbol, timeframe: b.timeframe, batch_id: id });
          for (const bar of r.replace) replaceBar.run({ ...bar, symbol: r.symbol, timeframe: b.timeframe, batch_id: id });
        }
        return parseBatch({ ...row, id });
      });
      return run.immediate();
    },
    /**
     * Writes a batch in transactions of at most `chunkRows` bars or `chunkMs` ms, yielding to the event loop
     * between them, so neither this process's event loop nor another process's writer waits for
     * the whole batch. The batch row goes in with the first chunk. A batch of more than
     * `chunkRows` bars is not atomic as a whole: a
     * process killed mid-batch leaves the chunks written so far (each bar whole, with its batch
     * id); ingesting the same data again counts them as duplicates and adds the rest. With `gate`
     * (in a worker), a chunk also ends as soon as the main thread announces a write, and the next
     * one waits for it (see write-gate.ts).
     */
    async writeBatchInChunks(
      b: ColumnBatchWrite,
      chunkRows = WRITE_CHUNK_ROWS,
      chunkMs = WRITE_CHUNK_MS,
      gate?: WriteGate,
    ): Promise<IngestBatch> {
      const added = b.rows.reduce((n, r) => n + r.insert.time.length, 0);
      const replaced = b.rows.reduce((n, r) => n + r.replace.time.length, 0);
      const row = batchRow(
        b,
        b.rows.map((r) => r.symbol),
        added,
        replaced,
      );
      const work = b.rows.flatMap((r) => [
        { symbol: r.symbol, cols: r.insert, replace: false },
        { symbol: r.symbol, cols: r.replace, replace: true },
      ]);
      const tf = b.timeframe;
      let id = -1;
      let part = 0;
      let offset = 0;
      const chunk = db.transaction(() => {
        if (id < 0) id = Number(insertBatch.run(row).lastInsertRowid);
        // A batch that fits one chunk is one transaction, however long it takes (atomic, as before).
        const until = added + replaced <= chunkRows ? Infinity : performance.now() + chunkMs;
        let budget = chunkRows;
        while (budget > 0 && part < work.length) {
          const { symbol, cols: c, replace } = work[part]!;
          const n = c.time.length;
          for (; offset < n && budget > 0; offset++, budget--) {
            const i = offset;
            if (replace) replaceBarAt.run(c.open[i]!, c.high[i]!, c.low[i]!, c.close[i]!, c.volume[i]!, id, symbol, tf, c.time[i]!);
            else insertBarAt.run(symbol, tf, c.time[i]!, c.open[i]!, c.high[i]!, c.low[i]!, c.close[i]!, c.volume[i]!, id);
            if ((budget & 63) === 0 && (performance.now() > until || mainWriteWaiting(gate))) budget = 1;
          }
          if (offset >= n) {
            part++;
            offset = 0;
          }
        }
      });
      for (;;) {
        const started = performance.now();
        chunk.immediate();
        if (part >= work.length) break;
        // The lock stays free at least as long as the chunk held it: another process's writer
        // retries on SQLite's busy sleeps (1, 2, 5, 10, ... ms) and would otherwise almost never
        // find it free (measured: waits of 0.7-5 s with no pause, ~130 ms with this one).
        const held = performance.now() - started;
        await new Promise<void>((resolve) => setTimeout(resolve, Math.max(1, Math.round(held))));
        waitForMainWrites(gate);
      }
      return parseBatch({ ...row, id });
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

/** A symbol's bars at `idx` as columns (for writing, and for crossing from the worker). */
export function barColumns(bars: Bars, idx: readonly number[]): BarColumns {
  const pick = (a: Float64Array) => Float64Array.from(idx, (i) => a[i]!);
  return {
    time: pick(bars.time),
    open: pick(bars.open),
    high: pick(bars.high),
    low: pick(bars.low),
    close: pick(bars.close),
    volume: pick(bars.volume),
  };
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
