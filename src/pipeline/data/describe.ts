import type { DataDescription, SymbolDescription } from '../../domain/data-description.js';
import type { Bars, MarketData } from './types.js';
import { barCount } from './types.js';

/** Rows shown per symbol unless asked otherwise: enough to see the columns were read right. */
export const DEFAULT_DESCRIBE_ROWS = 5;

/**
 * Per symbol the bar count, first and last time, close range and the first `rows` bars, plus the
 * loader's notes: what a user checks before training on a file. Min and max are loops, never
 * argument spreads (a data-sized spread overflows the stack).
 */
export function describeMarketData(data: MarketData, rows = DEFAULT_DESCRIBE_ROWS): DataDescription {
  return {
    source: data.source,
    timeframe: data.timeframe,
    bars: barCount(data),
    hash: data.hash,
    missing_fields: data.missingFields ?? [],
    notes: data.notes,
    symbols: data.series.map((s) => describeSeries(s, rows)),
  };
}

function describeSeries(s: Bars, rows: number): SymbolDescription {
  const n = s.time.length;
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < n; i++) {
    const c = s.close[i]!;
    if (c < lo) lo = c;
    if (c > hi) hi = c;
  }
  const iso = (t: number | undefined) => (t === undefined ? null : new Date(t).toISOString());
  const shown: SymbolDescription['rows'] = [];
  for (let i = 0; i < Math.min(rows, n); i++) {
    shown.push({ time: iso(s.time[i])!, open: s.open[i]!, high: s.high[i]!, low: s.low[i]!, close: s.close[i]!, volume: s.volume[i]! });
  }
  return {
    symbol: s.symbol,
    bars: n,
    first: n ? iso(s.time[0]) : null,
    last: n ? iso(s.time[n - 1]) : null,
    close_min: n ? lo : null,
    close_max: n ? hi : null,
    rows: shown,
  };
}

/** Plain-text rendering for the CLI and for clients that show text only. */
export function renderDataDescription(d: DataDescription): string {
  const missing = d.missing_fields.length ? ` · missing: ${d.missing_fields.join(', ')}` : '';
  const lines = [`${d.source}: ${d.symbols.length} symbol(s), ${d.bars} bars, timeframe ${d.timeframe}${missing}`];
  for (const s of d.symbols) {
    lines.push(`${s.symbol}: ${s.bars} bars, ${s.first ?? '-'} .. ${s.last ?? '-'}, close ${s.close_min ?? '-'} .. ${s.close_max ?? '-'}`);
    if (s.rows.length) {
      lines.push('  time                      open        high        low         close       volume');
      for (const r of s.rows) {
        const cells = [r.open, r.high, r.low, r.close, r.volume].map((v) => String(v).padEnd(11)).join(' ');
        lines.push(`  ${r.time.padEnd(25)} ${cells}`.trimEnd());
      }
    }
  }
  for (const n of d.notes) lines.push(`note: ${n}`);
  return lines.join('\n');
}
