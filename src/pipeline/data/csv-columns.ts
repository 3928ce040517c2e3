import { parseTimestamp } from './timestamp.js';

/** Where each field lives in a row (0-based field index). */
export interface ColumnMap {
  /** The timestamp column; with `clock`, it holds the date and `clock` the time of day. */
  time: number;
  clock?: number | undefined;
  open: number;
  high: number;
  low: number;
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
const CLOCK_RE = /^\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?$/;

export const NEEDED_COLUMNS =
  'a time column (timestamp, datetime, date or time), open, high, low, close; volume and symbol (or ticker) are optional';

/**
 * Finds the columns in a header row. Extra columns are ignored. A file with separate `date` and
 * `time` columns (MetaTrader style, time = "14:30") has them joined when the first data row's
 * `time` looks like a clock time. `close` is preferred to `adj close`; the latter is used only
 * when there is no close column (noted).
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
  const open = find(['open']);
  const high = find(['high']);
  const low = find(['low']);
  const required = { time, open, high, low, close };
  const missing = Object.entries(required)
    .filter(([, i]) => i === undefined)
    .map(([name]) => name);
  if (time === undefined || open === undefined || high === undefined || low === undefined || close === undefined) {
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
