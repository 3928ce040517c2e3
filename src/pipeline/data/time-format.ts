import { parseTimestamp } from './timestamp.js';

/** How one file writes its timestamps, decided from every cell of the time column. */
export interface TimeFormat {
  /** A cell -> Unix ms (UTC), or undefined when the cell does not follow the format. */
  parse: (raw: string) => number | undefined;
  /** What the user should know about the reading (compact dates, epoch unit, day/month order). */
  note?: string | undefined;
  /** The format a cell must follow, for a row's problem message. */
  expected: string;
}

/** Why no format fits: the line at fault (or undefined for the column as a whole) and what to do. */
export interface TimeFormatProblem {
  line: number | undefined;
  message: string;
}

export type TimeFormatResult = { ok: true; format: TimeFormat } | { ok: false; problem: TimeFormatProblem };

const ISO_HINT = 'use ISO dates (2021-03-15), ISO date-times (2021-03-15T14:30:00Z), YYYYMMDD or Unix seconds/milliseconds';
const ISO_EXPECTED = `a timestamp; ${ISO_HINT}`;

// A number is an epoch only when it lands between these instants in its unit. The lower bound keeps
// compact dates out: 20210315 read as seconds is 1970-08-23, and 202103151430 as ms is 1976-05-28.
// Units are then told apart by magnitude alone (s < 4.1e9 < 3.2e10 <= ms < 4.1e12 < 3.2e13 <= us...).
const EPOCH_MIN_MS = Date.UTC(1971, 0, 1);
const EPOCH_MAX_MS = Date.UTC(2100, 0, 1);
const EPOCH_UNITS = [
  { name: 'seconds', toMs: 1e3 },
  { name: 'milliseconds', toMs: 1 },
  { name: 'microseconds', toMs: 1e-3 },
  { name: 'nanoseconds', toMs: 1e-6 },
] as const;
// Compact dates: years a market data file can hold.
const COMPACT_MIN_YEAR = 1800;
const COMPACT_MAX_YEAR = 2199;

const NUMERIC_RE = /^\d+(\.\d+)?$/;
/** YYYYMMDD, YYYYMMDDHHMM, YYYYMMDDHHMMSS, optionally followed by a clock time (a separate time column). */
const COMPACT_RE = /^(\d{4})(\d{2})(\d{2})(?:(\d{2})(\d{2})(\d{2})?)?(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$/;
/** Day and month first, year last: 15.03.2021, 03/15/2021, 15-03-2021, with an optional time. */
const DMY_RE = /^(\d{1,2})([./-])(\d{1,2})\2(\d{4})(?:[T ]\s*(\d{1,2}):(\d{2})(?::(\d{2}))?)?$/;

/**
 * Decides how the time column is written from all its cells (never row by row, so one file is
 * never read half as dates and half as epochs): ISO; compact YYYYMMDD[HHMM[SS]] (always a date,
 * never an epoch); a Unix epoch in one unit for the whole column, only when every value lands in
 * 1971..2100; or day and month before the year, in the order the file makes unambiguous (some
 * first or second number above 12). `lines[i]` is the line of `cells[i]`, for messages.
 */
export function detectTimeFormat(cells: readonly string[], lines: readonly number[]): TimeFormatResult {
  let numeric = 0;
  let dmy = 0;
  let firstNumeric = -1;
  let firstDmy = -1;
  for (let i = 0; i < cells.length; i++) {
    const s = cells[i]!;
    if (NUMERIC_RE.test(s) || COMPACT_RE.test(s)) {
      numeric++;
      if (firstNumeric < 0) firstNumeric = i;
    } else if (DMY_RE.test(s)) {
      dmy++;
      if (firstDmy < 0) firstDmy = i;
    }
  }
  if (numeric > 0 && numeric >= dmy && numeric * 2 >= cells.length) return numericFormat(cells, lines);
  if (dmy > 0 && dmy * 2 >= cells.length) return dayMonthFormat(cells, lines);
  return { ok: true, format: { parse: parseTimestamp, expected: ISO_EXPECTED } };
}

function numericFormat(cells: readonly string[], lines: readonly number[]): TimeFormatResult {
  const compact = cells.every((s) => !NUMERIC_RE.test(s) || parseCompact(s) !== undefined);
  const compactCount = cells.reduce((n, s) => n + (COMPACT_RE.test(s) ? 1 : 0), 0);
  if (compact && compactCount > 0) {
    return {
      ok: true,
      format: {
        parse: parseCompact,
        note: 'time column read as compact dates (YYYYMMDD, YYYYMMDDHHMM or YYYYMMDDHHMMSS), not as Unix times',
        expected: 'a compact date like the rest of the column (YYYYMMDD, YYYYMMDDHHMM or YYYYMMDDHHMMSS)',
      },
    };
  }
  let lo = Infinity;
  let hi = -Infinity;
  for (const s of cells) {
    if (!NUMERIC_RE.test(s)) continue;
    const n = Number(s);
    if (n < lo) lo = n;
    if (n > hi) hi = n;
  }
  for (const unit of EPOCH_UNITS) {
    if (lo * unit.toMs >= EPOCH_MIN_MS && hi * unit.toMs < EPOCH_MAX_MS) {
      const parse = (raw: string): number | undefined => (NUMERIC_RE.test(raw) ? Math.round(Number(raw) * unit.toMs) : undefined);
      return {
        ok: true,
        format: { parse, note: `time column read as Unix ${unit.name}`, expected: `Unix ${unit.name} like the rest of the column` },
      };
    }
  }
  const at = cells.findIndex((s) => NUMERIC_RE.test(s) && !plausibleEpoch(Number(s)) && parseCompact(s) === undefined);
  const line = at >= 0 ? lines[at] : undefined;
  const serial = hi < 100_000 && lo > 0;
  const message = serial
    ? 'the time column holds small numbers (spreadsheet serial days?), not dates; format the column as dates before exporting and ' +
      ISO_HINT
    : 'the time column holds numbers that are neither dates (YYYYMMDD, YYYYMMDDHHMMSS) nor Unix times in one unit between 1971 and 2100; ' +
      ISO_HINT;
  return { ok: false, problem: { line, message } };
}

function plausibleEpoch(n: number): boolean {
  return EPOCH_UNITS.some((u) => n * u.toMs >= EPOCH_MIN_MS && n * u.toMs < EPOCH_MAX_MS);
}

/** YYYYMMDD[HHMM[SS]] [HH:MM[:SS]] -> Unix ms (UTC), or undefined when not a valid date. */
export function parseCompact(raw: string): number | undefined {
  const m = COMPACT_RE.exec(raw.trim());
  if (!m) return undefined;
  const year = Number(m[1]);
  if (year < COMPACT_MIN_YEAR || year > COMPACT_MAX_YEAR) return undefined;
  if (m[4] !== undefined && m[7] !== undefined) return undefined;
  const hour = Number(m[4] ?? m[7] ?? 0);
  const minute = Number(m[5] ?? m[8] ?? 0);
  const second = Number(m[6] ?? m[9] ?? 0);
  return utc(year, Number(m[2]), Number(m[3]), hour, minute, second);
}

function utc(year: number, month: number, day: number, hour: number, minute: number, second: number): number | undefined {
  if (month < 1 || month > 12 || day < 1 || day > new Date(Date.UTC(year, month, 0)).getUTCDate()) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  return Date.UTC(year, month - 1, day, hour, minute, second);
}

/**
 * 15.03.2021 or 03/15/2021: the order is the file's, decided once. A first number above 12
 * anywhere makes it day/month, a second number above 12 month/day; both, or neither, is refused.
 */
function dayMonthFormat(cells: readonly string[], lines: readonly number[]): TimeFormatResult {
  let dayFirstAt = -1;
  let monthFirstAt = -1;
  for (let i = 0; i < cells.length && (dayFirstAt < 0 || monthFirstAt < 0); i++) {
    const m = DMY_RE.exec(cells[i]!);
    if (!m) continue;
    if (dayFirstAt < 0 && Number(m[1]) > 12) dayFirstAt = i;
    if (monthFirstAt < 0 && Number(m[3]) > 12) monthFirstAt = i;
  }
  if (dayFirstAt >= 0 && monthFirstAt >= 0) {
    return {
      ok: false,
      problem: {
        line: lines[Math.max(dayFirstAt, monthFirstAt)],
        message: `the dates mix day/month/year (line ${lines[dayFirstAt]}) and month/day/year (line ${lines[monthFirstAt]}); write every date as ISO year-month-day (2021-03-15)`,
      },
    };
  }
  if (dayFirstAt < 0 && monthFirstAt < 0) {
    return {
      ok: false,
      problem: {
        line: lines[0],
        message:
          'the dates put day and month before the year, and no day in the file is above 12, so 03/04/2021 could be 3 April or March 4; ' +
          'write the dates as ISO year-month-day (2021-03-15)',
      },
    };
  }
  const dayFirst = dayFirstAt >= 0;
  const parse = (raw: string): number | undefined => {
    const m = DMY_RE.exec(raw.trim());
    if (!m) return undefined;
    const [a, b] = [Number(m[1]), Number(m[3])];
    return utc(Number(m[4]), dayFirst ? b : a, dayFirst ? a : b, Number(m[5] ?? 0), Number(m[6] ?? 0), Number(m[7] ?? 0));
  };
  const order = dayFirst ? 'day/month/year (15.03.2021)' : 'month/day/year (03/15/2021)';
  return {
    ok: true,
    format: {
      parse,
      note: `dates read as ${order}: line ${lines[dayFirst ? dayFirstAt : monthFirstAt]} has a ${dayFirst ? 'first' : 'second'} number above 12`,
      expected: `a ${order} date like the rest of the column`,
    },
  };
}
