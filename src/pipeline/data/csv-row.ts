import type { ColumnMap } from './csv-columns.js';
import type { ProblemList } from './problems.js';
import type { TimeFormat } from './time-format.js';

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

const NON_FINITE_RE = /^[+-]?(nan|inf|infinity)$/i;
const NULL_RE = /^null$/i;
/** Relative slack on the OHLC ordering checks: float printing noise only, not real errors. */
const OHLC_EPS = 1e-9;

/** Parses one data row into a bar; see createRowParser. */
export type RowParser = (fields: string[], line: number) => ParsedRow | undefined;

/** How the file writes timestamps and numbers, decided once from all its rows. */
export interface RowFormats {
  time: TimeFormat;
  /** A cell -> its number (NaN / Infinity included), or undefined when it is not written as one. */
  number: (raw: string) => number | undefined;
  /** The field delimiter, for messages. */
  delimiter: string;
}

/**
 * A parser for the data rows of one file: each row -> a bar, or undefined after adding every
 * problem found in it to `problems`. Checks, in order: field count, Yahoo `null` rows,
 * timestamp, numbers, positive prices, low <= min(open, close) <= max(open, close) <= high,
 * volume >= 0. A close-only file (no open, high, low columns) has them set to the close. Built
 * once per file so the per-row path allocates little.
 */
export function createRowParser(map: ColumnMap, problems: ProblemList, formats: RowFormats): RowParser {
  const width = map.names.length;
  const name = (i: number): string => map.names[i] ?? `column ${i + 1}`;
  const closeOnly = map.open === undefined || map.high === undefined || map.low === undefined;
  const prices = closeOnly ? [map.close] : [map.open ?? map.close, map.high ?? map.close, map.low ?? map.close, map.close];
  const volumeName = name(map.volume ?? 0);
  const read = (raw: string, column: string, line: number) => readNumber(raw, column, line, problems, formats.number);

  return (fields, line) => {
    if (fields.length !== width && (fields.length < width || fields.slice(width).some((f) => f !== ''))) {
      problems.add(
        line,
        null,
        `has ${fields.length} fields but the header has ${width}; check for a missing or extra ${delimiterName(formats.delimiter)}`,
      );
      return undefined;
    }
    for (const i of prices) {
      if (NULL_RE.test(fields[i] ?? '')) {
        problems.add(line, name(i), `${name(i)} is "null" (Yahoo Finance writes null rows for days without prices); delete the row`);
        return undefined;
      }
    }
    const rawTime = map.clock === undefined ? (fields[map.time] ?? '') : `${fields[map.time] ?? ''} ${fields[map.clock] ?? ''}`;
    const time = formats.time.parse(rawTime);
    const before = problems.count;
    if (time === undefined) {
      problems.add(line, name(map.time), `cannot read timestamp "${clip(rawTime)}"; expected ${formats.time.expected}`);
    }
    const price = (i: number | undefined) => (i === undefined ? undefined : read(fields[i] ?? '', name(i), line));
    const [o, h, l] = [price(map.open), price(map.high), price(map.low)];
    const close = read(fields[map.close] ?? '', name(map.close), line);
    const [open, high, low] = closeOnly ? [close, close, close] : [o, h, l];
    const volumeCell = map.volume === undefined ? '' : (fields[map.volume] ?? '');
    const volumeMissing = volumeCell === '';
    const volume = volumeMissing ? 0 : read(volumeCell, volumeName, line);
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

    const values = closeOnly ? [close] : [open, high, low, close];
    prices.forEach((i, k) => {
      const v = values[k]!;
      if (v <= 0) problems.add(line, name(i), `${name(i)} is ${v}; prices must be positive`);
    });
    if (problems.count === before && !closeOnly) checkOrdering({ open, high, low, close }, map, line, problems, name);
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
  const col = (i: number | undefined) => name(i ?? map.close);
  if (below(b.high, b.low)) {
    problems.add(line, col(map.high), `${col(map.high)} ${b.high} is below ${col(map.low)} ${b.low}; check the column order`);
    return;
  }
  const top = b.open >= b.close ? (['open', b.open] as const) : (['close', b.close] as const);
  if (below(b.high, top[1])) {
    problems.add(
      line,
      col(map.high),
      `${col(map.high)} ${b.high} is below ${col(map[top[0]])} ${top[1]}; high must be the bar's highest price`,
    );
    return;
  }
  const bottom = b.open <= b.close ? (['open', b.open] as const) : (['close', b.close] as const);
  if (below(bottom[1], b.low)) {
    problems.add(
      line,
      col(map.low),
      `${col(map.low)} ${b.low} is above ${col(map[bottom[0]])} ${bottom[1]}; low must be the bar's lowest price`,
    );
  }
}

function readNumber(
  raw: string,
  column: string,
  line: number,
  problems: ProblemList,
  parse: (raw: string) => number | undefined,
): number | undefined {
  const value = parse(raw);
  if (value !== undefined) {
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
  problems.add(line, column, `${column} "${clip(raw)}" is not a number`);
  return undefined;
}

export function delimiterName(d: string): string {
  return d === ',' ? 'comma' : d === ';' ? 'semicolon' : d === '\t' ? 'tab' : `"${d}"`;
}

function clip(s: string): string {
  return s.length > 40 ? `${s.slice(0, 40)}...` : s;
}
