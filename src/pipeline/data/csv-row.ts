import type { ColumnMap } from './csv-columns.js';
import type { ProblemList } from './problems.js';
import { parseTimestamp } from './timestamp.js';

export interface ParsedRow {
  symbol: string | undefined;
  time: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
  /** True when the volume cell was empty and 0 was used. */
  volumeMissing: boolean;
}

const NUMBER_RE = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
/** `"1,469.25"`: a quoted number with thousands separators. */
const THOUSANDS_RE = /^[+-]?\d{1,3}(,\d{3})+(\.\d*)?$/;
const NON_FINITE_RE = /^[+-]?(nan|inf|infinity)$/i;
const NULL_RE = /^null$/i;
/** Relative slack on the OHLC ordering checks: float printing noise only, not real errors. */
const OHLC_EPS = 1e-9;

/** Parses one data row into a bar; see createRowParser. */
export type RowParser = (fields: string[], line: number) => ParsedRow | undefined;

/**
 * A parser for the data rows of one file: each row -> a bar, or undefined after adding every
 * problem found in it to `problems`. Checks, in order: field count, Yahoo `null` rows,
 * timestamp, numbers, positive prices, low <= min(open, close) <= max(open, close) <= high,
 * volume >= 0. Built once per file so the per-row path allocates little.
 */
export function createRowParser(map: ColumnMap, problems: ProblemList): RowParser {
  const width = map.names.length;
  const name = (i: number): string => map.names[i] ?? `column ${i + 1}`;
  const prices = [map.open, map.high, map.low, map.close] as const;
  const volumeName = name(map.volume ?? 0);

  return (fields, line) => {
    if (fields.length !== width && (fields.length < width || fields.slice(width).some((f) => f !== ''))) {
      problems.add(line, null, `has ${fields.length} fields but the header has ${width}; check for a missing or extra comma`);
      return undefined;
    }
    for (const i of prices) {
      if (NULL_RE.test(fields[i] ?? '')) {
        problems.add(line, name(i), `${name(i)} is "null" (Yahoo Finance writes null rows for days without prices); delete the row`);
        return undefined;
      }
    }
    const rawTime = map.clock === undefined ? (fields[map.time] ?? '') : `${fields[map.time] ?? ''} ${fields[map.clock] ?? ''}`;
    const time = parseTimestamp(rawTime);
    const before = problems.count;
    if (time === undefined) {
      problems.add(
        line,
        name(map.time),
        `cannot read timestamp "${clip(rawTime)}"; use an ISO date (2020-01-31), an ISO date-time (2020-01-31T14:30:00Z) or Unix seconds/milliseconds`,
      );
    }
    const open = readNumber(fields[map.open] ?? '', name(map.open), line, problems);
    const high = readNumber(fields[map.high] ?? '', name(map.high), line, problems);
    const low = readNumber(fields[map.low] ?? '', name(map.low), line, problems);
    const close = readNumber(fields[map.close] ?? '', name(map.close), line, problems);
    const volumeCell = map.volume === undefined ? '' : (fields[map.volume] ?? '');
    const volumeMissing = volumeCell === '';
    const volume = volumeMissing ? 0 : readNumber(volumeCell, volumeName, line, problems);
    let symbol: string | undefined;
    if (map.symbol !== undefined) {
      symbol = fields[map.symbol] ?? '';
      if (symbol === '') problems.add(line, name(map.symbol), `${name(map.symbol)} is empty; every row of a multi-symbol file needs one`);
    }
    if (
      problems.count > before ||
      time === undefined ||
      open === undefined ||
      high === undefined ||
      low === undefined ||
      close === undefined ||
      volume === undefined
    ) {
      return undefined;
    }

    for (const i of prices) {
      const v = i === map.open ? open : i === map.high ? high : i === map.low ? low : close;
      if (v <= 0) problems.add(line, name(i), `${name(i)} is ${v}; prices must be positive`);
    }
    if (problems.count === before) checkOrdering({ open, high, low, close }, map, line, problems, name);
    if (volume < 0) problems.add(line, volumeName, `${volumeName} is ${volume}; volume cannot be negative`);
    return problems.count > before ? undefined : { symbol, time, open, high, low, close, volume, volumeMissing };
  };
}

function checkOrdering(
  b: { open: number; high: number; low: number; close: number },
  map: ColumnMap,
  line: number,
  problems: ProblemList,
  name: (i: number) => string,
): void {
  const below = (a: number, c: number) => a < c - OHLC_EPS * Math.abs(c);
  if (below(b.high, b.low)) {
    problems.add(line, name(map.high), `${name(map.high)} ${b.high} is below ${name(map.low)} ${b.low}; check the column order`);
    return;
  }
  const top = b.open >= b.close ? (['open', b.open] as const) : (['close', b.close] as const);
  if (below(b.high, top[1])) {
    problems.add(
      line,
      name(map.high),
      `${name(map.high)} ${b.high} is below ${name(map[top[0]])} ${top[1]}; high must be the bar's highest price`,
    );
    return;
  }
  const bottom = b.open <= b.close ? (['open', b.open] as const) : (['close', b.close] as const);
  if (below(bottom[1], b.low)) {
    problems.add(
      line,
      name(map.low),
      `${name(map.low)} ${b.low} is above ${name(map[bottom[0]])} ${bottom[1]}; low must be the bar's lowest price`,
    );
  }
}

function readNumber(raw: string, column: string, line: number, problems: ProblemList): number | undefined {
  if (NUMBER_RE.test(raw)) {
    const value = Number(raw);
    if (Number.isFinite(value)) return value;
    problems.add(line, column, `${column} is "${clip(raw)}", not a finite number`);
    return undefined;
  }
  if (raw === '') {
    problems.add(line, column, `${column} is empty; fill it in or delete the row`);
    return undefined;
  }
  if (NON_FINITE_RE.test(raw)) {
    problems.add(line, column, `${column} is "${raw}", not a finite number`);
    return undefined;
  }
  if (THOUSANDS_RE.test(raw)) return Number(raw.replace(/,/g, ''));
  problems.add(line, column, `${column} "${clip(raw)}" is not a number`);
  return undefined;
}

function clip(s: string): string {
  return s.length > 40 ? `${s.slice(0, 40)}...` : s;
}
