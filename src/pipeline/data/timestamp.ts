const DAY_MS = 86_400_000;

const ISO_RE =
  /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[T ]\s*(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?$/i;
const UNIX_RE = /^\d+(\.\d+)?$/;

/**
 * A CSV timestamp -> Unix ms (UTC), or undefined when it is not one of:
 * - ISO date `2020-01-31` (also `2020/01/31`, `2020.01.31`): midnight UTC;
 * - ISO date-time `2020-01-31T14:30[:00[.000]]` with optional `Z`/`UTC`/`+02:00`; no zone = UTC;
 * - a Unix epoch number, its unit decided by magnitude: below 1e11 seconds (1e11 s is the year
 *   5138, 1e11 ms is 1973), below 1e14 milliseconds, below 1e17 microseconds, else nanoseconds.
 */
export function parseTimestamp(raw: string): number | undefined {
  const s = raw.trim();
  if (UNIX_RE.test(s)) {
    const n = Number(s);
    if (!Number.isFinite(n)) return undefined;
    if (n < 1e11) return Math.round(n * 1000);
    if (n < 1e14) return Math.round(n);
    if (n < 1e17) return Math.round(n / 1e3);
    return Math.round(n / 1e6);
  }
  const m = ISO_RE.exec(s);
  if (!m) return undefined;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const [hour, minute, second] = [Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0)];
  const ms = m[7] ? Math.round(Number(`0.${m[7]}`) * 1000) : 0;
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  return Date.UTC(year, month - 1, day, hour, minute, second, ms) - zoneOffsetMs(m[8]);
}

function zoneOffsetMs(zone: string | undefined): number {
  if (!zone || /^(z|utc|gmt)$/i.test(zone)) return 0;
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4) || 0)) * 60_000;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** Unix ms -> "2020-01-31" at midnight UTC, else the full ISO string. For messages. */
export function formatTime(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  const iso = new Date(ms).toISOString();
  return ms % DAY_MS === 0 ? iso.slice(0, 10) : iso;
}

/**
 * A user-given range bound (ISO date or date-time) -> Unix ms. An `end` bound given as a bare
 * date covers that whole day, so `to: 2020-01-31` keeps intraday bars of the 31st.
 */
export function parseRangeBound(raw: string, end: boolean): number | undefined {
  const t = parseTimestamp(raw);
  if (t === undefined || UNIX_RE.test(raw.trim())) return undefined;
  const dateOnly = /^\d{4}[-/.]\d{1,2}[-/.]\d{1,2}$/.test(raw.trim());
  return end && dateOnly ? t + DAY_MS - 1 : t;
}
