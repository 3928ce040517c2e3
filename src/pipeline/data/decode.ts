import { DomainError } from '../../domain/errors.js';

/**
 * Bytes of a CSV file -> text, refusing what is not UTF-8 text: a NUL byte (spreadsheets, zip,
 * gzip, UTF-16) or an invalid UTF-8 sequence. Checked on the bytes because decoding first would
 * silently turn garbage into U+FFFD and the parser would then report confusing "not a number"s.
 */
export function decodeCsvBytes(bytes: Uint8Array, file: string): string {
  const nul = bytes.indexOf(0);
  if (nul >= 0) {
    throw binaryError(file, lineAt(bytes, nul), `NUL byte at byte ${nul + 1}: this is not a text file${formatHint(bytes)}`, nul);
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    const bad = firstInvalidUtf8(bytes);
    throw binaryError(
      file,
      lineAt(bytes, bad),
      `invalid UTF-8 at byte ${bad + 1}${formatHint(bytes)}. Save the file as CSV with UTF-8 encoding`,
      bad,
    );
  }
}

function binaryError(file: string, line: number, problem: string, byte: number): DomainError {
  return new DomainError('INVALID_DATA', `${file} line ${line}: ${problem}.`, { file, line, column: null, byte: byte + 1 });
}

function formatHint(b: Uint8Array): string {
  if (b[0] === 0x50 && b[1] === 0x4b) return ' (it looks like a zip or .xlsx file; export the sheet as CSV)';
  if (b[0] === 0x1f && b[1] === 0x8b) return ' (it looks gzip-compressed; decompress it first)';
  if ((b[0] === 0xff && b[1] === 0xfe) || (b[0] === 0xfe && b[1] === 0xff)) return ' (it looks like UTF-16; save it as UTF-8)';
  return ' (export the data as a plain UTF-8 CSV file)';
}

function lineAt(bytes: Uint8Array, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset; i++) if (bytes[i] === 0x0a) line++;
  return line;
}

/** Offset of the first byte that does not start or continue a well-formed UTF-8 sequence. */
function firstInvalidUtf8(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i] ?? 0;
    const len = c < 0x80 ? 1 : c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3 : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
    if (len === 0 || i + len > b.length) return i;
    for (let k = 1; k < len; k++) if (((b[i + k] ?? 0) & 0xc0) !== 0x80) return i;
    i += len;
  }
  return Math.max(0, b.length - 1);
}
