import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DomainError } from '../../domain/errors.js';
import { readCsvFile } from './csv-file.js';
import type { CsvResult } from './csv.js';

/** Bundled samples: spec name -> file in the data folder and the symbol its bars get. */
export const SAMPLES = {
  sp500: { file: 'sp500-2000.csv', symbol: 'SP500' },
} as const;
export type SampleName = keyof typeof SAMPLES;

/**
 * The folder with the bundled data files, resolved from this module: `<package>/data` both from
 * src/pipeline/data (tsx, vitest) and from dist/pipeline/data (built).
 */
export function bundledDataDir(): string {
  return fileURLToPath(new URL('../../../data/', import.meta.url));
}

/** `sample:sp500`: S&P 500 daily bars 2000-01-03..2020-04-17 (close, not adjclose: identical here). */
export async function loadSample(name: SampleName, dataDir: string = bundledDataDir()): Promise<CsvResult> {
  const sample = SAMPLES[name];
  try {
    return await readCsvFile(join(dataDir, sample.file), sample.file, { symbol: sample.symbol });
  } catch (err) {
    if (err instanceof DomainError && err.code === 'DATA_NOT_FOUND') {
      throw new DomainError(
        'DATA_NOT_FOUND',
        `Bundled sample "${name}" not found at ${join(dataDir, sample.file)}. Set data_dir to the folder holding ${sample.file}.`,
        { path: join(dataDir, sample.file), sample: name },
      );
    }
    throw err;
  }
}
