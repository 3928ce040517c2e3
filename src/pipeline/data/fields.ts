import type { Bars, MissingField } from './types.js';

export interface FieldReport {
  missing: MissingField[];
  notes: string[];
}

/**
 * The bar fields that carry nothing, whatever the source: volume 0 on every bar of a symbol (no
 * volume column, or a feed that writes 0), high and low equal to the close on every bar (a
 * close-only file, filled in), open equal to the close on every bar. One symbol lacking a field is
 * enough: an indicator on it would be constant there.
 */
export function missingFields(series: readonly Bars[]): FieldReport {
  const lacking = new Map<MissingField, string[]>();
  const add = (field: MissingField, symbol: string) => lacking.set(field, [...(lacking.get(field) ?? []), symbol]);
  for (const s of series) {
    if (s.time.length === 0) continue;
    if (everyEqual(s.volume, null)) add('volume', s.symbol);
    if (everyEqual(s.high, s.close) && everyEqual(s.low, s.close)) {
      add('high', s.symbol);
      add('low', s.symbol);
    }
    if (everyEqual(s.open, s.close)) add('open', s.symbol);
  }
  const notes: string[] = [];
  const who = (symbols: string[]) => (series.length > 1 ? ` of ${symbols.join(', ')}` : '');
  const volume = lacking.get('volume');
  if (volume) notes.push(`no volume on any bar${who(volume)}: volume indicators (obv) cannot train on this data`);
  const highLow = lacking.get('high');
  if (highLow)
    notes.push(
      `high and low equal the close on every bar${who(highLow)}: indicators that need them (atr, stochastic) cannot train on this data`,
    );
  const order: MissingField[] = ['open', 'high', 'low', 'volume'];
  return { missing: order.filter((f) => lacking.has(f)), notes };
}

/** Every value equals `other`'s at the same index (or is 0 when `other` is null). */
function everyEqual(values: Float64Array, other: Float64Array | null): boolean {
  for (let i = 0; i < values.length; i++) if (values[i] !== (other ? other[i] : 0)) return false;
  return true;
}
