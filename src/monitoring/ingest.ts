import type { FileAccess } from '../config/access.js';
import { z } from 'zod';
import { DomainError } from '../domain/errors.js';
import { loadMarketData, parseDataSpec, timeframeMinutes } from '../pipeline/data/index.js';
import { barRows, gapSchema, type BarStore, type BatchWrite, type Gap } from '../registry/bar-store.js';
import { classifyBars, findGaps, type Conflict } from './ingest-checks.js';
import { pushAll } from '../pipeline/array-stats.js';

/** How many conflicting bars an error lists: enough to see the pattern. */
const MAX_LISTED_CONFLICTS = 10;

export interface IngestInput {
  data: string;
  symbols?: string[] | undefined;
  /** 'reject' (default): any conflicting bar rejects the whole batch; 'replace': stored values are overwritten (recorded). */
  on_conflict?: 'reject' | 'replace' | undefined;
}

export const ingestSummarySchema = z.object({
  batch_id: z.number().int(),
  source: z.string(),
  timeframe: z.string(),
  on_conflict: z.enum(['reject', 'replace']),
  received: z.number().int().describe('Bars in the batch'),
  added: z.number().int().describe('New bars stored'),
  duplicates: z.number().int().describe('Bars already stored with identical values (skipped)'),
  replaced: z.number().int().describe("Stored bars overwritten (only with on_conflict: 'replace')"),
  gaps: z.array(gapSchema).describe('Holes next to the new bars, longer than the series usually has'),
  symbols: z.array(
    z.object({
      symbol: z.string(),
      received: z.number().int(),
      added: z.number().int(),
      duplicates: z.number().int(),
      replaced: z.number().int(),
      first: z.string().nullable().describe('First bar of the batch (ISO)'),
      last: z.string().nullable(),
    }),
  ),
  notes: z.array(z.string()),
});
export type IngestSummary = z.infer<typeof ingestSummarySchema>;

export interface IngestDeps {
  bars: BarStore;
  dataDir: string;
  cwd: string;
  /** Which files `input.data` may name (an MCP client's roots); default: any. */
  access?: FileAccess | undefined;
  /** A step longer than this many times the median spacing is a gap (config performance.gap_factor). */
  gapFactor: number;
  /** Wraps the write for the audit log. */
  audit: <T>(action: string, target: string, args: Record<string, unknown>, fn: () => T) => T;
}

/**
 * Appends new bars to the store. Everything is checked before anything is written: an unknown
 * spec or symbol, a timeframe other than the stored one, or a conflicting bar (same timestamp,
 * other values) rejects the batch; duplicates are counted and skipped; gaps are reported. The
 * write is one transaction.
 */
export async function ingestBars(deps: IngestDeps, input: IngestInput, actor: string): Promise<IngestSummary> {
  const onConflict = input.on_conflict ?? 'reject';
  if (parseDataSpec(input.data).kind === 'store') {
    throw new DomainError(
      'INVALID_ARGUMENT',
      `Cannot ingest from ${input.data}: it is the store itself. Ingest from csv:, sample: or synthetic: data.`,
    );
  }
  const data = await loadMarketData(input.data, { symbols: input.symbols, dataDir: deps.dataDir, cwd: deps.cwd, access: deps.access });
  const timeframe = batchTimeframe(deps.bars, data.series, data.timeframe);
  const rows: BatchWrite['rows'] = [];
  const conflicts: Conflict[] = [];
  const gaps: Gap[] = [];
  const perSymbol: IngestSummary['symbols'] = [];
  let duplicates = 0;
  let received = 0;
  for (const bars of data.series) {
    const stored = deps.bars.timeframeOf(bars.symbol);
    if (stored !== null && timeframeMinutes(stored) !== timeframeMinutes(timeframe)) {
      throw new DomainError(
        'INVALID_DATA',
        `${bars.symbol} is stored as ${stored} bars but ${input.data} has ${timeframe} bars. Ingest ${stored} bars for ${bars.symbol} (one timeframe per symbol).`,
        { symbol: bars.symbol, stored_timeframe: stored, batch_timeframe: timeframe },
      );
    }
    const n = bars.time.length;
    received += n;
    const existing = n ? deps.bars.range(bars.symbol, timeframe, bars.time[0]!, bars.time[n - 1]!) : [];
    const c = classifyBars(bars, existing);
    pushAll(
      conflicts,
      c.conflicts.map((x) => x.conflict),
    );
    duplicates += c.duplicates.length;
    const fresh = Float64Array.from(c.fresh, (i) => bars.time[i]!);
    pushAll(gaps, findGaps(bars.symbol, deps.bars.times(bars.symbol, timeframe), fresh, deps.gapFactor));
    const replace = onConflict === 'replace' ? c.conflicts.map((x) => x.index) : [];
    rows.push({ symbol: bars.symbol, insert: barRows(bars, c.fresh), replace: barRows(bars, replace) });
    perSymbol.push({
      symbol: bars.symbol,
      received: n,
      added: c.fresh.length,
      duplicates: c.duplicates.length,
      replaced: replace.length,
      first: n ? new Date(bars.time[0]!).toISOString() : null,
      last: n ? new Date(bars.time[n - 1]!).toISOString() : null,
    });
  }
  if (conflicts.length > 0 && onConflict !== 'replace') throw conflictError(input.data, conflicts);
  const args = { source: input.data, symbols: data.series.map((s) => s.symbol), on_conflict: onConflict };
  const batch = deps.audit('ingest_data', input.data, args, () =>
    deps.bars.writeBatch({ actor, source: input.data, timeframe, on_conflict: onConflict, received, duplicates, gaps, rows }),
  );
  const notes = [...data.notes];
  if (batch.replaced > 0) notes.push(`${batch.replaced} stored bars were replaced with the batch's values (on_conflict: replace)`);
  return {
    batch_id: batch.id,
    source: input.data,
    timeframe,
    on_conflict: onConflict,
    received,
    added: batch.added,
    duplicates,
    replaced: batch.replaced,
    gaps,
    symbols: perSymbol,
    notes,
  };
}

/** A batch with fewer than two bars per symbol says nothing about its bar size: take the stored one. */
function batchTimeframe(bars: BarStore, series: { symbol: string; time: Float64Array }[], inferred: string): string {
  if (series.some((s) => s.time.length >= 2)) return inferred;
  for (const s of series) {
    const stored = bars.timeframeOf(s.symbol);
    if (stored) return stored;
  }
  return inferred;
}

function conflictError(source: string, conflicts: Conflict[]): DomainError {
  const listed = conflicts.slice(0, MAX_LISTED_CONFLICTS);
  const lines = listed.map((c) => {
    const fields = Object.keys(c.differences);
    const field = fields.includes('close') ? 'close' : fields[0]!;
    const d = c.differences[field]!;
    const others = fields.length > 1 ? ` (+${fields.length - 1} more field${fields.length > 2 ? 's' : ''})` : '';
    return `  ${c.symbol} ${c.time}: ${field} ${+d.stored.toPrecision(10)} stored, ${+d.incoming.toPrecision(10)} new${others}`;
  });
  if (conflicts.length > listed.length) lines.push(`  ... and ${conflicts.length - listed.length} more`);
  return new DomainError(
    'CONFLICT',
    [
      `${source}: ${conflicts.length} bar${conflicts.length > 1 ? 's' : ''} already stored with different values; nothing was written:`,
      ...lines,
      "Check the source, or pass on_conflict: 'replace' (CLI --replace) to overwrite the stored bars (recorded in the batch).",
    ].join('\n'),
    { conflicts: listed, total: conflicts.length },
  );
}
