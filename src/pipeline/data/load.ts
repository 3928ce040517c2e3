import { isAbsolute, resolve } from 'node:path';
import { DomainError } from '../../domain/errors.js';
import { readCsvFile } from './csv-file.js';
import { filterRange, selectSymbols } from './filter.js';
import { missingFields } from './fields.js';
import { hashBars } from './hash.js';
import { resampleBars, assertResamplable } from './resample.js';
import { loadSample } from './sample.js';
import { parseDataSpec, type DataSpec } from './spec.js';
import { readStoreFile } from './store.js';
import { generateSynthetic } from './synthetic.js';
import { inferTimeframe, timeframeMinutes } from './timeframe.js';
import type { Bars, LoadOptions, MarketData } from './types.js';

interface Loaded {
  series: Bars[];
  timeframe: string;
  notes: string[];
}

/**
 * Resolves a data spec to bars: load (csv / sample / synthetic) -> keep `symbols` -> keep the
 * `from`..`to` range -> resample to `timeframe` -> hash; fields that carry nothing (no volume, a
 * close-only file) are listed in `missingFields` and noted. Relative csv paths are resolved against
 * `opts.cwd` (default: the process working directory, as Node resolves it). `store:` specs read
 * the registry database named in the spec (`db=`) or `opts.storeFile`, read-only.
 */
export async function loadMarketData(spec: string, opts: LoadOptions = {}): Promise<MarketData> {
  const parsed = parseDataSpec(spec);
  const loaded = await loadSource(parsed, opts, spec);
  const notes = [...loaded.notes];
  if (opts.timeframe !== undefined) assertResamplable(loaded.timeframe, opts.timeframe);
  let series = selectSymbols(loaded.series, opts.symbols, spec);
  series = filterRange(series, { from: opts.from, to: opts.to }, spec, notes);
  let timeframe = loaded.timeframe;
  if (opts.timeframe !== undefined && timeframeMinutes(opts.timeframe) !== timeframeMinutes(timeframe)) {
    const before = series.reduce((n, s) => n + s.time.length, 0);
    series = series.map((s) => resampleBars(s, timeframe, opts.timeframe ?? timeframe));
    const after = series.reduce((n, s) => n + s.time.length, 0);
    notes.push(`resampled ${timeframe} bars to ${opts.timeframe}: ${before} -> ${after} bars`);
    timeframe = opts.timeframe;
  }
  const fields = missingFields(series);
  notes.push(...fields.notes);
  return { series, timeframe, source: spec, hash: hashBars(series), notes, missingFields: fields.missing };
}

async function loadSource(spec: DataSpec, opts: LoadOptions, source: string): Promise<Loaded> {
  switch (spec.kind) {
    case 'csv': {
      const abs = isAbsolute(spec.path) ? spec.path : resolve(opts.cwd ?? '.', spec.path);
      const { series, notes } = await readCsvFile(abs, spec.path);
      return { series, notes, timeframe: inferTimeframe(series.map((s) => s.time)) };
    }
    case 'sample': {
      const { series, notes } = await loadSample(spec.name, opts.dataDir);
      return { series, notes, timeframe: inferTimeframe(series.map((s) => s.time)) };
    }
    case 'synthetic':
      return { series: generateSynthetic(spec.params), notes: [], timeframe: spec.params.timeframe };
    case 'store': {
      const file = spec.params.db ?? opts.storeFile;
      if (!file) {
        throw new DomainError(
          'INVALID_DATA_SPEC',
          `${source}: store: specs are read through trainyard (its registry database); none was given here.`,
          {
            spec: source,
          },
        );
      }
      return { ...readStoreFile(file, spec.params, source), notes: [] };
    }
  }
}
