import { DomainError } from '../../domain/errors.js';
import { formatTime, parseRangeBound } from './timestamp.js';
import type { Bars } from './types.js';

/**
 * Keeps the requested symbols, in source order. An exact name wins; otherwise a case-insensitive
 * match is accepted. A symbol that is not there is an INVALID_ARGUMENT listing the ones that are.
 */
export function selectSymbols(series: readonly Bars[], symbols: readonly string[] | undefined, source: string): Bars[] {
  if (!symbols || symbols.length === 0) return [...series];
  const available = series.map((s) => s.symbol);
  const wanted = new Set<string>();
  const missing: string[] = [];
  for (const requested of symbols) {
    const match = available.find((a) => a === requested) ?? available.find((a) => a.toLowerCase() === requested.toLowerCase());
    if (match === undefined) missing.push(requested);
    else wanted.add(match);
  }
  if (missing.length > 0) {
    const list = missing.map((m) => `"${m}"`).join(', ');
    throw new DomainError(
      'INVALID_ARGUMENT',
      `Symbol${missing.length > 1 ? 's' : ''} ${list} not in ${source}. Available symbols: ${available.join(', ')}.`,
      { missing, available, source },
    );
  }
  return series.filter((s) => wanted.has(s.symbol));
}

/**
 * Keeps bars with from <= time <= to (ISO dates or date-times, both inclusive; a bare `to` date
 * covers its whole day). A symbol left without bars is dropped with a note; when no symbol keeps
 * any bar the error names the range asked for and the range the data covers.
 */
export function filterRange(
  series: readonly Bars[],
  range: { from?: string | undefined; to?: string | undefined },
  source: string,
  notes: string[],
): Bars[] {
  if (range.from === undefined && range.to === undefined) return [...series];
  const lo = bound(range.from, 'from', false);
  const hi = bound(range.to, 'to', true);
  if (lo > hi) {
    throw new DomainError('INVALID_ARGUMENT', `Date range is empty: from ${range.from} is after to ${range.to}. Swap them.`, {
      from: range.from,
      to: range.to,
    });
  }
  const kept: Bars[] = [];
  for (const bars of series) {
    const sliced = sliceBars(bars, lo, hi);
    if (sliced.time.length > 0) kept.push(sliced);
    else if (series.length > 1)
      notes.push(`${bars.symbol} has no bars from ${range.from ?? 'the start'} to ${range.to ?? 'the end'}; left out`);
  }
  if (kept.length === 0) {
    throw new DomainError(
      'INVALID_ARGUMENT',
      `No bars from ${range.from ?? 'the start'} to ${range.to ?? 'the end'} in ${source}; the data covers ${coverage(series)}. Choose dates inside that range.`,
      { from: range.from, to: range.to, source, covers: coverage(series) },
    );
  }
  return kept;
}

function bound(raw: string | undefined, name: 'from' | 'to', end: boolean): number {
  if (raw === undefined || raw.trim() === '') return end ? Infinity : -Infinity;
  const t = parseRangeBound(raw, end);
  if (t === undefined) {
    throw new DomainError('INVALID_ARGUMENT', `${name} "${raw}" is not an ISO date; use e.g. 2015-01-31 or 2015-01-31T14:30:00Z.`, {
      [name]: raw,
    });
  }
  return t;
}

function sliceBars(bars: Bars, lo: number, hi: number): Bars {
  let start = 0;
  while (start < bars.time.length && (bars.time[start] ?? 0) < lo) start++;
  let end = start;
  while (end < bars.time.length && (bars.time[end] ?? 0) <= hi) end++;
  if (start === 0 && end === bars.time.length) return bars;
  return {
    symbol: bars.symbol,
    time: bars.time.slice(start, end),
    open: bars.open.slice(start, end),
    high: bars.high.slice(start, end),
    low: bars.low.slice(start, end),
    close: bars.close.slice(start, end),
    volume: bars.volume.slice(start, end),
  };
}

/** "2000-01-03 to 2020-04-17" over all symbols. */
export function coverage(series: readonly Bars[]): string {
  let first = Infinity;
  let last = -Infinity;
  for (const s of series) {
    const n = s.time.length;
    if (n === 0) continue;
    first = Math.min(first, s.time[0] ?? Infinity);
    last = Math.max(last, s.time[n - 1] ?? -Infinity);
  }
  return Number.isFinite(first) ? `${formatTime(first)} to ${formatTime(last)}` : 'no bars';
}
