import { fieldName } from '../../domain/format-issues.js';

/** The columns every bar needs, by the names `mapColumns` reports missing. */
const REQUIRED = ['time', 'open', 'high', 'low', 'close'];
/** With this many of the required columns found, the file is market data with a header to fix: its names may be shown. */
const RECOGNISED_AT = 2;

const DELIMITER_NAMES: Record<string, string> = { ',': 'commas', ';': 'semicolons', '\t': 'tabs' };

/**
 * The header line of a file whose columns were not all found, described without quoting it: a
 * client may point trainyard at any file (a password file, a .env), and an error must not hand
 * its first line back. Header names are listed only when the file is recognisably market data
 * (at least two required columns found), and then only identifier-like ones.
 */
export function describeHeader(fields: readonly string[], delimiter: string, line: number, missing: readonly string[]): string {
  const found = REQUIRED.filter((c) => !missing.includes(c));
  const shape =
    fields.length === 1
      ? `line ${line} has 1 field (no comma, semicolon or tab separates fields)`
      : `line ${line} has ${fields.length} fields separated by ${DELIMITER_NAMES[delimiter] ?? `"${delimiter}"`}`;
  if (found.length === 0) return shape;
  const has = `of the required columns it has ${found.join(', ')}`;
  if (found.length < RECOGNISED_AT) return `${shape}; ${has}`;
  return `${shape}; ${has}; its columns: ${fields.map((f) => (f === '' ? '(blank)' : fieldName(f))).join(', ')}`;
}
