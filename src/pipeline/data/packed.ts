import type { StoredSeries } from './store.js';
import type { Bars } from './types.js';

const COLUMNS = ['time', 'open', 'high', 'low', 'close', 'volume'] as const;

/**
 * Bars as plain JSON-safe data: each column a base64 string of its float64 values (little-endian).
 * Exact (no decimal round trip) and about 10.7 characters a value, where JSON numbers of prices
 * take 15-20; what a `store:` job carries to a remote worker instead of the registry's file.
 */
export interface PackedBars {
  timeframe: string;
  series: ({ symbol: string } & Record<(typeof COLUMNS)[number], string>)[];
}

function packColumn(values: Float64Array): string {
  const bytes = Buffer.alloc(values.length * 8);
  for (let i = 0; i < values.length; i++) bytes.writeDoubleLE(values[i]!, i * 8);
  return bytes.toString('base64');
}

function unpackColumn(text: string): Float64Array {
  const bytes = Buffer.from(text, 'base64');
  const out = new Float64Array(bytes.length / 8);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < out.length; i++) out[i] = view.getFloat64(i * 8, true);
  return out;
}

export function packBars(data: StoredSeries): PackedBars {
  return {
    timeframe: data.timeframe,
    series: data.series.map((s) => ({
      symbol: s.symbol,
      time: packColumn(s.time),
      open: packColumn(s.open),
      high: packColumn(s.high),
      low: packColumn(s.low),
      close: packColumn(s.close),
      volume: packColumn(s.volume),
    })),
  };
}

export function unpackBars(packed: PackedBars): StoredSeries {
  const series = packed.series.map((s): Bars => ({
    symbol: s.symbol,
    time: unpackColumn(s.time),
    open: unpackColumn(s.open),
    high: unpackColumn(s.high),
    low: unpackColumn(s.low),
    close: unpackColumn(s.close),
    volume: unpackColumn(s.volume),
  }));
  return { series, timeframe: packed.timeframe };
}

/** Characters (bytes, base64 is ASCII) the packed bars take in a job's payload. */
export function packedSize(packed: PackedBars): number {
  let n = 0;
  for (const s of packed.series) {
    n += s.symbol.length;
    for (const c of COLUMNS) n += s[c].length;
  }
  return n;
}
