import { readFile } from 'node:fs/promises';
import { DomainError } from '../../domain/errors.js';
import { readCsv, type CsvOptions, type CsvResult } from './csv.js';
import { decodeCsvBytes } from './decode.js';

/**
 * Reads and parses a CSV file. `absPath` must be absolute; `label` is how messages name the
 * file (the path as the user wrote it). A missing file is DATA_NOT_FOUND naming the absolute path.
 */
export async function readCsvFile(absPath: string, label: string, options: CsvOptions = {}): Promise<CsvResult> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(absPath);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      throw new DomainError(
        'DATA_NOT_FOUND',
        `No data file at ${absPath}. Check the path (relative paths start from the working directory).`,
        {
          path: absPath,
        },
      );
    }
    if (code === 'EISDIR') {
      throw new DomainError('DATA_NOT_FOUND', `${absPath} is a folder, not a CSV file. Give the path of the .csv file.`, { path: absPath });
    }
    throw new DomainError('DATA_NOT_FOUND', `Cannot read ${absPath}: ${(err as Error).message}`, { path: absPath, code });
  }
  return readCsv(decodeCsvBytes(bytes, label), label, options);
}
