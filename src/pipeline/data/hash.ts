import { createHash } from 'node:crypto';
import type { Bars } from './types.js';

/**
 * sha256 (hex) over the bars actually used, for lineage: per symbol its name, bar count and the
 * raw little-endian float64 bytes of time, open, high, low, close, volume. Two loads give the
 * same hash exactly when they give the same numbers in the same order.
 */
export function hashBars(series: readonly Bars[]): string {
  const hash = createHash('sha256');
  const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
  for (const bars of series) {
    hash.update(`${bars.symbol}\u0000${bars.time.length}\u0000`);
    for (const column of [bars.time, bars.open, bars.high, bars.low, bars.close, bars.volume]) {
      hash.update(littleEndian ? new Uint8Array(column.buffer, column.byteOffset, column.byteLength) : toLittleEndian(column));
    }
  }
  return hash.digest('hex');
}

function toLittleEndian(column: Float64Array): Uint8Array {
  const out = new Uint8Array(column.length * 8);
  const view = new DataView(out.buffer);
  column.forEach((v, i) => view.setFloat64(i * 8, v, true));
  return out;
}
