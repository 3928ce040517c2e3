import { basename, extname } from 'node:path';
import type { Bars } from './types.js';
import { tokenizeCsv, type CsvRecord } from './csv-tokenize.js';
import { mapColumns, NEEDED_COLUMNS, type ColumnMap } from './csv-columns.js';
import { describeHeader } from './csv-describe.js';
import { detectNumberFormat, numberReader } from './csv-numbers.js';
import { createRowParser, delimiterName } from './csv-row.js';
import { createProblemList, dataError, type ProblemList } from './problems.js';
import { detectTimeFormat } from './time-format.js';
import { formatTime } from './timestamp.js';

export interface CsvOptions {
  /** Symbol for a file without a symbol/ticker column; default: the file name without extension. */
  symbol?: string | undefined;
}

export interface CsvResult {
  /** One entry per symbol, in order of first appearance, each sorted oldest first. */
  series: Bars[];
  notes: string[];
}

/** Parses OHLCV CSV text into bars per symbol; see readCsv. */
export function parseCsv(text: string, fileLabel: string, options: CsvOptions = {}): Bars[] {
  return readCsv(text, fileLabel, options).series;
}

/**
 * Parses and validates OHLCV CSV text. Throws DomainError INVALID_DATA listing up to 10
 * problems with their line numbers (header = line 1); see csv-row.ts for the row checks.
 * Rows in descending or mixed time order are sorted (noted); duplicate timestamps within a
 * symbol are an error.
 */
export function readCsv(text: string, file: string, options: CsvOptions = {}): CsvResult {
  const nul = text.indexOf('\u0000');
  if (nul >= 0) {
    const line = text.slice(0, nul).split('\n').length;
    throw dataError(
      file,
      [{ line, column: null, message: 'contains a NUL character: this is not a text CSV file' }],
      1,
      'Export the data as a plain UTF-8 CSV file.',
    );
  }
  const { records, delimiter, unterminatedQuoteLine } = tokenizeCsv(text);
  const header = records[0];
  if (header === undefined) {
    throw dataError(
      file,
      [{ line: 1, column: null, message: 'the file is empty' }],
      1,
      `Expected a header line and one row per bar with columns: ${NEEDED_COLUMNS}.`,
    );
  }
  const rows = records.slice(1);
  const columns = mapColumns(header.fields, rows[0]?.fields);
  if (!columns.ok) {
    const found = describeHeader(header.fields, delimiter, header.line, columns.missing);
    const message = `missing column${columns.missing.length > 1 ? 's' : ''} ${columns.missing.join(', ')}; ${found}; needed: ${NEEDED_COLUMNS}`;
    throw dataError(file, [{ line: header.line, column: columns.missing[0] ?? null, message }], 1, columns.hint);
  }
  if (rows.length === 0) {
    throw dataError(
      file,
      [{ line: header.line, column: null, message: 'the file has a header but no data rows' }],
      1,
      'Add one row per bar below the header.',
    );
  }

  const map = columns.map;
  checkDelimiter(file, header.fields.length, rows[0]!, delimiter);
  const formats = detectFormats(file, map, rows, delimiter);
  const problems = createProblemList(file);
  if (unterminatedQuoteLine !== undefined) problems.add(unterminatedQuoteLine, null, 'a quoted field is never closed; add the missing "');
  const parseRow = createRowParser(map, problems, { ...formats, delimiter });
  const bySymbol = new Map<string, Columns>();
  const defaultSymbol = options.symbol ?? symbolFromFile(file);
  let volumeMissing = 0;
  for (const record of rows) {
    const row = parseRow(record.fields, record.line);
    if (!row) continue;
    const symbol = row.symbol ?? defaultSymbol;
    let cols = bySymbol.get(symbol);
    if (!cols) {
      cols = { time: [], open: [], high: [], low: [], close: [], volume: [], line: [] };
      bySymbol.set(symbol, cols);
    }
    cols.time.push(row.time);
    cols.open.push(row.open);
    cols.high.push(row.high);
    cols.low.push(row.low);
    cols.close.push(row.close);
    cols.volume.push(row.volume);
    cols.line.push(record.line);
    if (row.volumeMissing && map.volume !== undefined) volumeMissing++;
  }

  const notes = [...map.notes, ...formats.notes].map((n) => `${file}: ${n}`);
  const series: Bars[] = [];
  for (const [symbol, cols] of bySymbol) {
    const where = bySymbol.size > 1 ? `${file} (${symbol})` : file;
    const order = timeOrder(cols.time);
    const index = order === 'ascending' ? undefined : sortedIndex(cols.time);
    if (index) reportDuplicates(cols, index, map.symbol === undefined ? '' : ` for ${symbol}`, map.names[map.time] ?? 'time', problems);
    if (order === 'descending') notes.push(`${where}: sorted ${cols.time.length} rows that were in descending order`);
    if (order === 'mixed') notes.push(`${where}: sorted ${cols.time.length} rows that were not in time order`);
    series.push(toBars(symbol, cols, index));
  }
  problems.throwIfAny();
  if (map.volume === undefined) notes.push(`${file}: no volume column; volume set to 0`);
  else if (volumeMissing > 0) notes.push(`${file}: ${volumeMissing} rows had no volume; set to 0`);
  return { series, notes };
}

/**
 * The first data row split differently from the header: another delimiter on the data lines, or
 * decimal commas cutting numbers apart in a comma-separated file. Said once, with what to do,
 * rather than as one "wrong field count" per row.
 */
function checkDelimiter(file: string, width: number, first: CsvRecord, delimiter: string): void {
  const fields = first.fields;
  if (width > 1 && fields.length === 1) {
    const other = [',', ';', '\t'].find((d) => d !== delimiter && (fields[0] ?? '').includes(d));
    if (other !== undefined) {
      const message = `the header is separated by ${delimiterName(delimiter)}s but this line by ${delimiterName(other)}s`;
      throw dataError(file, [{ line: first.line, column: null, message }], 1, 'Use one delimiter on every line.');
    }
  }
  if (delimiter === ',' && fields.length > width && fields.slice(width).some((f) => f !== '')) {
    const message = `has ${fields.length} fields but the header has ${width}`;
    throw dataError(
      file,
      [{ line: first.line, column: null, message }],
      1,
      'If the numbers are written with decimal commas (3,08), the commas split them: export the file with ";" between fields, or with decimal points (3.08).',
    );
  }
}

/** The time and number formats of the file, each decided from every row (see time-format.ts, csv-numbers.ts). */
function detectFormats(file: string, map: ColumnMap, rows: readonly CsvRecord[], delimiter: string) {
  const cells = rows.map((r) =>
    map.clock === undefined ? (r.fields[map.time] ?? '') : `${r.fields[map.time] ?? ''} ${r.fields[map.clock] ?? ''}`,
  );
  const time = detectTimeFormat(
    cells,
    rows.map((r) => r.line),
  );
  const timeColumn = map.names[map.time] ?? 'time';
  if (!time.ok)
    throw dataError(file, [{ line: time.problem.line ?? rows[0]?.line ?? 2, column: timeColumn, message: time.problem.message }], 1, '');
  const numberColumns = [map.open, map.high, map.low, map.close, map.volume].filter((i): i is number => i !== undefined);
  const numbers = detectNumberFormat(rows, numberColumns, delimiter);
  if (!numbers.ok)
    throw dataError(file, [{ line: numbers.problem.line, column: null, message: numbers.problem.message }], 1, numbers.problem.hint);
  const notes = [time.format.note, numbers.format.note].filter((n): n is string => n !== undefined);
  return { time: time.format, number: numberReader(numbers.format), notes };
}

/** Parsed rows of one symbol, column by column, with the line each came from. */
interface Columns {
  time: number[];
  open: number[];
  high: number[];
  low: number[];
  close: number[];
  volume: number[];
  line: number[];
}

/** Strictly ascending (the common case, no sort needed), non-increasing, or anything else. */
function timeOrder(time: readonly number[]): 'ascending' | 'descending' | 'mixed' {
  let up = true;
  let down = true;
  for (let i = 1; i < time.length; i++) {
    const d = (time[i] ?? 0) - (time[i - 1] ?? 0);
    if (d <= 0) up = false;
    if (d > 0) down = false;
  }
  if (up) return 'ascending';
  return down ? 'descending' : 'mixed';
}

/** Row order by time; equal times keep file order, so duplicates end up side by side. */
function sortedIndex(time: readonly number[]): Int32Array {
  const index = Int32Array.from(time.keys());
  return index.sort((a, b) => (time[a] ?? 0) - (time[b] ?? 0) || a - b);
}

function reportDuplicates(cols: Columns, index: Int32Array, who: string, column: string, problems: ProblemList): void {
  const dups: { line: number; earlier: number; time: number }[] = [];
  for (let k = 1; k < index.length; k++) {
    const a = index[k - 1] ?? 0;
    const b = index[k] ?? 0;
    if (cols.time[a] === cols.time[b]) dups.push({ line: cols.line[b] ?? 0, earlier: cols.line[a] ?? 0, time: cols.time[b] ?? 0 });
  }
  dups.sort((x, y) => x.line - y.line);
  for (const d of dups) {
    problems.add(d.line, column, `duplicate timestamp ${formatTime(d.time)}${who} (also on line ${d.earlier}); keep one of the two rows`);
  }
}

function toBars(symbol: string, cols: Columns, index: Int32Array | undefined): Bars {
  const pick = (values: number[]) => (index ? Float64Array.from(index, (i) => values[i] ?? 0) : Float64Array.from(values));
  return {
    symbol,
    time: pick(cols.time),
    open: pick(cols.open),
    high: pick(cols.high),
    low: pick(cols.low),
    close: pick(cols.close),
    volume: pick(cols.volume),
  };
}

function symbolFromFile(file: string): string {
  const base = basename(file, extname(file));
  return base === '' ? 'DATA' : base;
}
