import type { FileAccess } from '../config/access.js';
import type { Strategy } from '../domain/strategy.js';
import { loadMarketData, type MarketData } from '../pipeline/data/index.js';

const DAY_MS = 86_400_000;

/** The symbols and timeframe a model was trained on. */
export interface DataSelection {
  symbols?: string[] | undefined;
  timeframe?: string | undefined;
}

interface RecordedSummary {
  selection?: { symbols?: string[] | null; timeframe?: string | null };
  date_range?: { to?: string };
}

function summaryOf(result: unknown): RecordedSummary | undefined {
  return (result as { data_summary?: RecordedSummary } | null | undefined)?.data_summary;
}

/**
 * The data selection a model was trained with: result.json `data_summary.selection` (the strategy
 * YAML with the run's --symbols / --timeframe overrides; strategy.yaml alone is the user's YAML),
 * else, for models trained before it was recorded, the strategy's own data section.
 */
export function trainedSelection(result: unknown, strategy: Strategy): DataSelection {
  const sel = summaryOf(result)?.selection;
  if (!sel) return { symbols: strategy.data.symbols, timeframe: strategy.data.timeframe };
  return { symbols: sel.symbols ?? undefined, timeframe: sel.timeframe ?? undefined };
}

/**
 * The last instant of the model's training data (end of the day of data_summary.date_range.to,
 * which is recorded as a date): bars after it are data the model never saw. Null when not recorded.
 */
export function trainedUntil(result: unknown): number | null {
  const to = summaryOf(result)?.date_range?.to;
  if (!to) return null;
  const ms = Date.parse(to.length === 10 ? `${to}T00:00:00Z` : to);
  if (Number.isNaN(ms)) return null;
  return to.length === 10 ? ms + DAY_MS - 1 : ms;
}

/**
 * The model's data from `spec` with its trained selection applied, loaded WITHOUT `from` so
 * indicators warm up on the bars before the evaluated window (as the backtest does); callers keep
 * only rows at/after the window start.
 */
export function loadModelData(
  spec: string,
  selection: DataSelection,
  o: {
    dataDir: string;
    cwd?: string | undefined;
    storeFile?: string | undefined;
    to?: string | undefined;
    access?: FileAccess | undefined;
  },
): Promise<MarketData> {
  return loadMarketData(spec, {
    symbols: selection.symbols,
    timeframe: selection.timeframe,
    to: o.to,
    dataDir: o.dataDir,
    cwd: o.cwd,
    storeFile: o.storeFile,
    access: o.access,
  });
}
