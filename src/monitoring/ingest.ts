import type { FileAccess } from '../config/access.js';
import { z } from 'zod';
import { DomainError } from '../domain/errors.js';
import { loadMarketData, parseDataSpec, timeframeMinutes } from '../pipeline/data/index.js';
import { barColumns, gapSchema, type BarReader, type BarStore, type ColumnBatchWrite, type Gap } from '../registry/bar-store.js';
import type { WriteGate } from '../registry/write-gate.js';
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
  received: z.number().int(),
  added: z.number().int(),
  duplicates: z.number().int().describe('Identical bars already stored (skipped)'),
  replaced: z.number().int().describe('Overwritten (on_conflict: replace)'),
  gaps: z.array(gapSchema).describe('Unusually long holes next to the new bars'),
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

export interface PlanOptions {
  dataDir: string;
  cwd: string;
  /** Which files `input.data` may name (an MCP client's roots); default: any. */
  access?: FileAccess | undefined;
  /** A step longer than this many times the median spacing is a gap (config performance.gap_factor). */
  gapFactor: number;
}

/** What a batch will write, decided before anything is written. */
export interface IngestPlan {
  timeframe: string;
  on_conflict: 'reject' | 'replace';
  received: number;
  duplicates: number;
  gaps: Gap[];
  symbols: IngestSummary['symbols'];
  notes: string[];
  rows: ColumnBatchWrite['rows'];
}

export interface IngestDeps extends PlanOptions {
  bars: BarStore;
  /**
   * Plans and writes the batch elsewhere (`writeIngest` in the task worker, on its own connection),
   * so neither the plan nor the write's chunks run on this thread; default: here.
   */
  run?: ((input: IngestInput, options: PlanOptions, actor: string) => Promise<IngestSummary>) | undefined;
  /** Records the write in the audit log (error absent: it succeeded). */
  audit: (action: string, target: string, args: Record<string, unknown>, error?: unknown) => void;
}

/**
 * Loads, validates and compares a batch with the stored bars. Everything is checked before
 * anything is written: an unknown spec or symbol, a timeframe other than the stored one, or a
 * conflicting bar (same timestamp, other values) rejects the batch; duplicates are counted and
 * skipped; gaps are reported. Reads `reader` only.
 */
export async function planIngest(reader: BarReader, input: IngestInput, o: PlanOptions): Promise<IngestPlan> {
  const onConflict = input.on_conflict ?? 'reject';
  if (parseDataSpec(input.data).kind === 'store') {
    throw new DomainError(
      'INVALID_ARGUMENT',
      `Cannot ingest from ${input.data}: it is the store itself. Ingest from csv:, sample: or synthetic: data.`,
    );
  }
  const data = await loadMarketData(input.data, { symbols: input.symbols, dataDir: o.dataDir, cwd: o.cwd, access: o.access });
  const timeframe = batchTimeframe(reader, data.series, data.timeframe);
  const rows: IngestPlan['rows'] = [];
  const conflicts: Conflict[] = [];
  const gaps: Gap[] = [];
  const perSymbol: IngestSummary['symbols'] = [];
  let duplicates = 0;
  let received = 0;
  for (const bars of data.series) {
    const stored = reader.timeframeOf(bars.symbol);
    if (stored !== null && timeframeMinutes(stored) !== timeframeMinutes(timeframe)) {
      throw new DomainError(
        'INVALID_DATA',
        `${bars.symbol} is stored as ${stored} bars but ${input.data} has ${timeframe} bars. Ingest ${stored} bars for ${bars.symbol} (one timeframe per symbol).`,
        { symbol: bars.symbol, stored_timeframe: stored, batch_timeframe: timeframe },
      );
    }
    const n = bars.time.length;
    received += n;
    const existing = n ? reader.range(bars.symbol, timeframe, bars.time[0]!, bars.time[n - 1]!) : [];
    const c = classifyBars(bars, existing);
    pushAll(
      conflicts,
      c.conflicts.map((x) => x.conflict),
    );
    duplicates += c.duplicates.length;
    const fresh = Float64Array.from(c.fresh, (i) => bars.time[i]!);
    pushAll(gaps, findGaps(bars.symbol, reader.times(bars.symbol, timeframe), fresh, o.gapFactor));
    const replace = onConflict === 'replace' ? c.conflicts.map((x) => x.index) : [];
    rows.push({ symbol: bars.symbol, insert: barColumns(bars, c.fresh), replace: barColumns(bars, replace) });
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
  return { timeframe, on_conflict: onConflict, received, duplicates, gaps, symbols: perSymbol, notes: data.notes, rows };
}

/**
 * Appends new bars to the store and records the attempt in the audit log, whether it was refused
 * or written. The work (`writeIngest`) runs in the task worker when `deps.run` says so.
 */
export async function ingestBars(deps: IngestDeps, input: IngestInput, actor: string): Promise<IngestSummary> {
  const options: PlanOptions = { dataDir: deps.dataDir, cwd: deps.cwd, access: deps.access, gapFactor: deps.gapFactor };
  const onConflict = input.on_conflict ?? 'reject';
  try {
    const summary = deps.run ? await deps.run(input, options, actor) : await writeIngest(deps.bars, input, options, actor);
    deps.audit('ingest_data', input.data, { source: input.data, symbols: summary.symbols.map((s) => s.symbol), on_conflict: onConflict });
    return summary;
  } catch (err) {
    deps.audit('ingest_data', input.data, { source: input.data, symbols: input.symbols ?? [], on_conflict: onConflict }, err);
    throw err;
  }
}

/**
 * Plans a batch (`planIngest`), then writes it in transactions of bounded size
 * (`writeBatchInChunks`), so a large batch never locks another writer out of the database for
 * long. Runs wherever `store`'s connection lives: in the task worker, the main thread's event loop
 * sees neither the plan nor the write, and `gate` lets the main thread's own writes go first.
 */
export async function writeIngest(
  store: BarStore,
  input: IngestInput,
  options: PlanOptions,
  actor: string,
  gate?: WriteGate,
): Promise<IngestSummary> {
  const plan = await planIngest(store, input, options);
  const batch = await store.writeBatchInChunks(
    {
      actor,
      source: input.data,
      timeframe: plan.timeframe,
      on_conflict: plan.on_conflict,
      received: plan.received,
      duplicates: plan.duplicates,
      gaps: plan.gaps,
      rows: plan.rows,
    },
    undefined,
    undefined,
    gate,
  );
  const notes = [...plan.notes];
  if (batch.replaced > 0) notes.push(`${batch.replaced} stored bars were replaced with the batch's values (on_conflict: replace)`);
  return {
    batch_id: batch.id,
    source: input.data,
    timeframe: plan.timeframe,
    on_conflict: plan.on_conflict,
    received: plan.received,
    added: batch.added,
    duplicates: plan.duplicates,
    replaced: batch.replaced,
    gaps: plan.gaps,
    symbols: plan.symbols,
    notes,
  };
}

/** A batch with fewer than two bars per symbol says nothing about its bar size: take the stored one. */
function batchTimeframe(bars: BarReader, series: { symbol: string; time: Float64Array }[], inferred: string): string {
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
