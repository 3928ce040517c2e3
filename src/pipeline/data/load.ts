import { resolveReadPath, type FileAccess } from '../../config/access.js';
import { DomainError } from '../../domain/errors.js';
import { readCsvFile } from './csv-file.js';
import { filterRange, selectSymbols } from './filter.js';
import { missingFields } from './fields.js';
import { hashBars } from './hash.js';
import { resampleBars, assertResamplable } from './resample.js';
import { loadSample } from './sample.js';
import { parseDataSpec, type DataSpec } from './spec.js';
import { readStoreFile } from './store.js';
import { unpackBars } from './packed.js';
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
  for (const note of fields.notes) notes.push(note);
  return { series, timeframe, source: spec, hash: hashBars(series), notes, missingFields: fields.missing };
}

/**
 * The file a spec names, resolved for the caller (`resolveReadPath`): a csv: path (confined to the
 * roots for an MCP client), a store: spec's `db=` (refused for an MCP client: clients do not
 * choose a database file). undefined when the spec names no file. Reads nothing; services call it
 * to refuse before anything is queued, the loader calls it again before reading.
 */
export function specFile(spec: DataSpec, opts: { cwd?: string | undefined; access?: FileAccess | undefined }): string | undefined {
  if (spec.kind === 'csv') return resolveReadPath(spec.path, { cwd: opts.cwd ?? '.', access: opts.access, what: 'data file' });
  if (spec.kind !== 'store' || spec.params.db === null) return undefined;
  if (opts.access?.kind === 'mcp') {
    throw new DomainError(
      'ACCESS_DENIED',
      `store: specs from MCP clients read this server's own registry; db=<file> is not accepted. Drop db= ("store:" or "store:SYM1,SYM2" reads the bars ingested here).`,
      { spec: 'store', roots: opts.access.roots },
    );
  }
  return resolveReadPath(spec.params.db, { cwd: opts.cwd ?? '.', access: opts.access, what: 'database' });
}

/** Refuses a data spec this caller may not read (unknown syntax, a file outside its roots, db=) before any work starts. */
export function checkDataSpecAccess(spec: string, opts: { cwd?: string | undefined; access?: FileAccess | undefined }): void {
  specFile(parseDataSpec(spec), opts);
}

async function loadSource(spec: DataSpec, opts: LoadOptions, source: string): Promise<Loaded> {
  switch (spec.kind) {
    case 'csv': {
      const abs = specFile(spec, opts) ?? spec.path;
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
      if (opts.storeBars) return { ...unpackBars(opts.storeBars), notes: [] };
      const file = specFile(spec, opts) ?? opts.storeFile;
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
