import type { FileAccess } from '../../config/access.js';
import type { PackedBars } from './packed.js';

/** OHLCV bars of one symbol, oldest first, as parallel typed arrays. `time` is Unix milliseconds (UTC). */
export interface Bars {
  symbol: string;
  time: Float64Array;
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  volume: Float64Array;
}

/** What a data spec resolved to: one or more symbols of the same timeframe. */
export interface MarketData {
  /** One entry per symbol, in the order they first appear in the source. */
  series: Bars[];
  /** Bar size, e.g. "1d"; inferred from the timestamps when the source does not say. */
  timeframe: string;
  /** The spec that produced it, e.g. "sample:sp500". */
  source: string;
  /** sha256 of the bars actually used (after range filter / resampling): data lineage. */
  hash: string;
  /** Things the loader did that the user should know (sorted descending input, dropped rows...). */
  notes: string[];
  /**
   * Bar fields the source did not really have, filled in (a close-only file: open, high and low set
   * to the close; no volume: 0), so indicators that read them would see constants. Absent or empty:
   * every field is real. See `missingFields`.
   */
  missingFields?: MissingField[] | undefined;
}

/** A bar field a source may lack; the close never is. */
export type MissingField = 'open' | 'high' | 'low' | 'volume';

export interface LoadOptions {
  /** Keep only these symbols (error when one is missing). */
  symbols?: string[] | undefined;
  /** ISO date/time, inclusive. */
  from?: string | undefined;
  /** ISO date/time, inclusive. */
  to?: string | undefined;
  /** Resample to this coarser timeframe ("4h", "1d", "1w"). */
  timeframe?: string | undefined;
  /** Base directory for relative csv: paths (the CLI passes process.cwd()). */
  cwd?: string | undefined;
  /** Folder holding bundled data files (sp500-2000.csv). */
  dataDir?: string | undefined;
  /** Registry database read (read-only) by `store:` specs that do not name one. */
  storeFile?: string | undefined;
  /**
   * The bars a `store:` spec resolved to, read by whoever owns the registry (a Redis coordinator
   * for its remote worker, which has no registry); used instead of opening any database.
   */
  storeBars?: PackedBars | undefined;
  /** Who asks: an MCP client reads csv: files only under its roots and cannot name a database (db=); default: the CLI. */
  access?: FileAccess | undefined;
}

export function barCount(data: MarketData): number {
  return data.series.reduce((n, s) => n + s.time.length, 0);
}
