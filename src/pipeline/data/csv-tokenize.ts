/** One CSV record: its fields (trimmed, quotes removed) and the 1-based line it starts on. */
export interface CsvRecord {
  line: number;
  fields: string[];
}

export interface Tokenized {
  records: CsvRecord[];
  delimiter: string;
  /** Line of a quoted field that never closes, if any. */
  unterminatedQuoteLine?: number;
}

/**
 * RFC 4180 records: fields in double quotes may hold the delimiter, `""` and line breaks; LF,
 * CRLF and lone CR all end a line; a leading BOM is dropped; blank lines are skipped but still
 * counted, so `line` is what a text editor shows. The delimiter is whichever of `,` `;` TAB is
 * most frequent on the first non-blank line (European exports use `;`).
 */
export function tokenizeCsv(input: string): Tokenized {
  const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  const delimiter = detectDelimiter(text);
  const records: CsvRecord[] = [];
  const delim = delimiter.charCodeAt(0);
  const n = text.length;
  let fields: string[] = [];
  let line = 1;
  let recordLine = 1;
  let unterminatedQuoteLine: number | undefined;
  let i = 0;

  const endRecord = () => {
    if (fields.length > 1 || fields[0] !== '') records.push({ line: recordLine, fields });
    fields = [];
  };

  while (i < n) {
    // one field starting at i
    let start = i;
    while (start < n && (text.charCodeAt(start) === SPACE || text.charCodeAt(start) === TAB) && text.charCodeAt(start) !== delim) start++;
    let value: string;
    let j: number;
    if (text.charCodeAt(start) === QUOTE) {
      const quoteLine = line;
      let buf = '';
      j = start + 1;
      for (;;) {
        const q = text.indexOf('"', j);
        const chunk = text.slice(j, q < 0 ? n : q);
        line += countLineBreaks(chunk);
        buf += chunk;
        if (q < 0) {
          unterminatedQuoteLine ??= quoteLine;
          j = n;
          break;
        }
        if (text.charCodeAt(q + 1) === QUOTE) {
          buf += '"';
          j = q + 2;
        } else {
          j = q + 1;
          break;
        }
      }
      // anything between the closing quote and the delimiter is kept (lenient)
      const restStart = j;
      while (j < n && text.charCodeAt(j) !== delim && text.charCodeAt(j) !== LF && text.charCodeAt(j) !== CR) j++;
      value = (buf + text.slice(restStart, j)).trim();
    } else {
      j = start;
      while (j < n) {
        const c = text.charCodeAt(j);
        if (c === delim || c === LF || c === CR) break;
        j++;
      }
      value = text.slice(start, j).trim();
    }
    fields.push(value);
    if (j >= n) break;
    const c = text.charCodeAt(j);
    i = j + 1;
    if (c === delim) {
      if (i >= n) fields.push('');
      continue;
    }
    // end of line
    if (c === CR && text.charCodeAt(i) === LF) i++;
    endRecord();
    line++;
    recordLine = line;
  }
  if (fields.length > 0) endRecord();
  return unterminatedQuoteLine === undefined ? { records, delimiter } : { records, delimiter, unterminatedQuoteLine };
}

const SPACE = 0x20;
const TAB = 0x09;
const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;

/** Line breaks inside a quoted field: LF, CRLF and lone CR each count once. */
function countLineBreaks(s: string): number {
  let count = 0;
  for (let k = 0; k < s.length; k++) {
    const c = s.charCodeAt(k);
    if (c === LF || (c === CR && s.charCodeAt(k + 1) !== LF)) count++;
  }
  return count;
}

function detectDelimiter(text: string): string {
  const firstLine = /^[\s]*([^\r\n]*)/.exec(text)?.[1] ?? '';
  const unquoted = firstLine.replace(/"[^"]*"/g, '');
  let best = ',';
  let bestCount = 0;
  for (const d of [',', ';', '\t']) {
    const count = unquoted.split(d).length - 1;
    if (count > bestCount) {
      best = d;
      bestCount = count;
    }
  }
  return best;
}
