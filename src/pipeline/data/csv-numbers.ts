import type { CsvRecord } from './csv-tokenize.js';

/** How one file writes its numbers: the decimal mark, the other one being the thousands separator. */
export interface NumberFormat {
  decimal: '.' | ',';
  /** What the user should know about the reading (decimal commas, thousands separators). */
  note?: string | undefined;
}

export type NumberFormatResult =
  { ok: true; format: NumberFormat } | { ok: false; problem: { line: number; message: string; hint: string } };

/**
 * What one cell says about the decimal mark: `comma` (`3,08`, `1.234,5`, `1.234.567`: only a
 * decimal comma reads it), `dot` (`3.08`, `1,234.5`, `3,458,250,000`), `ambiguous-comma` (`3,080`:
 * 3.08 with a decimal comma, 3080 with a thousands comma), `ambiguous-dot` (`3.080`), or nothing.
 */
type Evidence = 'none' | 'comma' | 'dot' | 'ambiguous-comma' | 'ambiguous-dot';

const COMMA = 0x2c;
const DOT = 0x2e;

const ADVICE =
  'Export the file with decimal points (3.08) and no thousands separators, or with ";" between fields and decimal commas (3,08) throughout.';

/**
 * Decides the decimal mark of a file from every cell of its number columns, together with the
 * delimiter: a `;` or tab file whose numbers have one comma and three digits after it (`3,080`) has
 * decimal commas (3.080, never 3080); a `,` file (where such a cell must be quoted) keeps the US
 * reading, a thousands comma (3080), and says so. Cells that only one reading accepts decide;
 * a file where cells contradict each other, or where `3,080` and `3.080` both appear with
 * nothing else to decide, is refused with a message that names decimal commas.
 */
export function detectNumberFormat(rows: readonly CsvRecord[], columns: readonly number[], delimiter: string): NumberFormatResult {
  const first: Partial<Record<Evidence, number>> = {};
  for (const row of rows) {
    for (const c of columns) {
      const e = evidenceOf(row.fields[c] ?? '');
      if (e !== 'none' && first[e] === undefined) first[e] = row.line;
    }
  }
  const comma = first.comma;
  const dot = first.dot;
  const ambiguousComma = first['ambiguous-comma'];
  const ambiguousDot = first['ambiguous-dot'];
  if (comma !== undefined && dot !== undefined) {
    return {
      ok: false,
      problem: {
        line: Math.max(comma, dot),
        message: `numbers are written with decimal commas (line ${comma}) and with decimal points (line ${dot}) in the same file`,
        hint: ADVICE,
      },
    };
  }
  if (comma !== undefined) return { ok: true, format: commaFormat(ambiguousDot !== undefined) };
  if (dot !== undefined) return { ok: true, format: { decimal: '.' } };
  if (ambiguousComma !== undefined && ambiguousDot !== undefined) {
    return {
      ok: false,
      problem: {
        line: Math.max(ambiguousComma, ambiguousDot),
        message:
          `cannot tell decimal commas from thousands separators: numbers such as 3,080 (line ${ambiguousComma}) and 3.080 (line ${ambiguousDot}) ` +
          'read either as 3.08 or as 3080',
        hint: ADVICE,
      },
    };
  }
  if (ambiguousComma !== undefined) {
    if (delimiter !== ',') return { ok: true, format: commaFormat(false) };
    return { ok: true, format: { decimal: '.', note: 'numbers such as "3,080" read with a thousands comma (3080), as in US exports' } };
  }
  return { ok: true, format: { decimal: '.' } };
}

function commaFormat(thousandsDots: boolean): NumberFormat {
  return {
    decimal: ',',
    note: `numbers read with decimal commas (3,08 = 3.08)${thousandsDots ? ' and "." as the thousands separator (1.234 = 1234)' : ''}`,
  };
}

/** Classifies a cell by its separators alone; anything that is not digits and separators says nothing. */
function evidenceOf(cell: string): Evidence {
  const firstComma = cell.indexOf(',');
  const firstDot = cell.indexOf('.');
  if (firstComma < 0 && firstDot < 0) return 'none';
  if (firstComma >= 0 && firstDot >= 0) {
    return cell.lastIndexOf(',') > cell.lastIndexOf('.') ? 'comma' : 'dot';
  }
  const mark = firstComma >= 0 ? COMMA : DOT;
  const at = firstComma >= 0 ? firstComma : firstDot;
  const repeated = cell.indexOf(mark === COMMA ? ',' : '.', at + 1) >= 0;
  // 1,234,567 groups thousands: the other mark is the decimal one
  if (repeated) return mark === COMMA ? 'dot' : 'comma';
  const start = cell.charCodeAt(0) === 0x2d || cell.charCodeAt(0) === 0x2b ? 1 : 0;
  const before = at - start;
  const after = digitsFrom(cell, at + 1);
  if (before >= 1 && before <= 3 && after === 3 && at + 4 === cell.length && digitsFrom(cell, start) === before) {
    return mark === COMMA ? 'ambiguous-comma' : 'ambiguous-dot';
  }
  return mark === COMMA ? 'comma' : 'dot';
}

function digitsFrom(s: string, i: number): number {
  let k = i;
  while (k < s.length && s.charCodeAt(k) >= 0x30 && s.charCodeAt(k) <= 0x39) k++;
  return k - i;
}

const DOT_NUMBER_RE = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
/** `1,469.25`: thousands commas, decimal point. */
const DOT_THOUSANDS_RE = /^[+-]?\d{1,3}(,\d{3})+(\.\d*)?$/;
const COMMA_NUMBER_RE = /^[+-]?(\d+,?\d*|,\d+)([eE][+-]?\d+)?$/;
/** `1.469,25`: thousands points, decimal comma. */
const COMMA_THOUSANDS_RE = /^[+-]?\d{1,3}(\.\d{3})+(,\d*)?$/;

/** A cell -> its number in the file's format (NaN for `nan`, `inf`), or undefined when it is not one. */
export function numberReader(format: NumberFormat): (raw: string) => number | undefined {
  if (format.decimal === '.') {
    return (raw) => {
      if (DOT_NUMBER_RE.test(raw)) return Number(raw);
      if (DOT_THOUSANDS_RE.test(raw)) return Number(raw.replace(/,/g, ''));
      return undefined;
    };
  }
  return (raw) => {
    if (COMMA_NUMBER_RE.test(raw)) return Number(raw.replace(',', '.'));
    if (COMMA_THOUSANDS_RE.test(raw)) return Number(raw.replace(/\./g, '').replace(',', '.'));
    return undefined;
  };
}
