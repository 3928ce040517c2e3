import { parseTimestamp } from './timestamp.js';

/** Where each field lives in a row (0-based field index). */
export interface ColumnMap {
  /** The timestamp column; with `clock`, it holds the date and `clock` the time of day. */
  time: number;
  clock?: number | undefined;
  /** Absent in a close-only file: open, high and low are then the close. */
  open: number | undefined;
  high: number | undefined;
  low: number | undefined;
  close: number;
  volume?: number | undefined;
  symbol?: number | undefined;
  /** Header names as written, for messages. */
  names: string[];
  notes: string[];
}

export type ColumnResult = { ok: true; map: ColumnMap } | { ok: false; missing: string[]; hint: string };

/** Header names are compared lower-case with everything but letters and digits removed. */
const normalize = (name: string): string => name.toLowerCase().replace(/[^a-z0-9]/g, '');

const TIME_NAMES = ['timestamp', 'datetime', 'time', 'date', 'opentime'];
const SYMBOL_NAMES = ['symbol', 'ticker'];
const VOLUME_NAMES = ['volume', 'vol'];
const CLOSE_NAMES = ['close', 'closeprice', 'last'];
const ADJ_CLOSE_NAMES = ['adjclose', 'adjustedclose'];
/** A close-only file may call its one price `price`. */
const PRICE_NAMES = ['price'];
const CLOCK_RE = /^\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?$/;

export const NEEDED_COLUMNS =
  'a time column (timestamp, datetime, date or time), open, high, low, close; volume and symbol (or ticker) are optional; a file with only a time column and close (or adj close, or price) loads as close-only';

/**
 * Finds the columns in a header row. Extra columns are ignored. A file with separate `date` and
 * `time` columns (MetaTrader style, time = "14:30") has them joined when the first data row's
 * `time` looks like a clock time. `close` is preferred to `adj close`; the latter is used only
 * when there is no close column (noted), `price` when there is neither. A file with a time column and
 * a close but none of open, high, low is close-only (noted): open, high and low are set to the close.
 */
export function mapColumns(header: string[], firstRow: string[] | undefined): ColumnResult {
  const keys = header.map(normalize);
  const find = (names: readonly string[]): number | undefined => {
    for (const name of names) {
      const i = keys.indexOf(name);
      if (i >= 0) return i;
    }
    return undefined;
  };
  const notes: string[] = [];
  const dateCol = find(['date']);
  const timeCol = find(['time']);
  let time = find(TIME_NAMES);
  let clock: number | undefined;
  if (find(['timestamp', 'datetime']) === undefined && dateCol !== undefined && timeCol !== undefined) {
    if (CLOCK_RE.test(firstRow?.[timeCol]?.trim() ?? '')) {
      time = dateCol;
      clock = timeCol;
    }
  }
  let close = find(CLOSE_NAMES);
  if (close === undefined) {
    close = find(ADJ_CLOSE_NAMES);
    if (close !== undefined) notes.push('no close column: used adjusted close');
  }
  if (close === undefined) {
    close = find(PRICE_NAMES);
    if (close !== undefined) notes.push(`no close column: used ${header[close] ?? 'price'}`);
  }
  const open = find(['open']);
  const high = find(['high']);
  const low = find(['low']);
  const required = { time, open, high, low, close };
  const missing = Object.entries(required)
    .filter(([, i]) => i === undefined)
    .map(([name]) => name);
  const closeOnly = time !== undefined && close !== undefined && open === undefined && high === undefined && low === undefined;
  if (closeOnly) notes.push('close-only file (no open, high or low column): open, high and low set to the close');
  if (time === undefined || close === undefined || (!closeOnly && (open === undefined || high === undefined || low === undefined))) {
    return { ok: false, missing, hint: headerHint(header) };
  }
  return {
    ok: true,
    map: { time, clock, open, high, low, close, volume: find(VOLUME_NAMES), symbol: find(SYMBOL_NAMES), names: header, notes },
  };
}

/** A header made of numbers and dates is a data row: the file has no header line. */
function headerHint(header: string[]): string {
  const looksLikeData = header.length > 1 && header.every((h) => h === '' || Number.isFinite(Number(h)) || parseTimestamp(h) !== undefined);
  return looksLikeData
    ? 'The first line looks like data, not a header: add a header line such as date,open,high,low,close,volume.'
    : 'Rename the header to match (case and spaces do not matter).';
}
