/**
 * Indices that keep a chart of `length` points faithful in about `maxPoints` points: the range is
 * cut into buckets, and each keeps its first and last point and, for every series, its minimum
 * and maximum. Extremes (the deepest drawdown, the peak equity) therefore always survive, unlike
 * with every k-th point. One pass over typed arrays; no argument spreads.
 */
export function extremaIndices(series: readonly ArrayLike<number>[], length: number, maxPoints: number): Int32Array {
  if (length <= maxPoints) return Int32Array.from({ length }, (_, i) => i);
  const perBucket = 2 + 2 * series.length;
  const buckets = Math.max(1, Math.floor(maxPoints / perBucket));
  const keep = new Uint8Array(length);
  for (let b = 0; b < buckets; b++) {
    const lo = Math.floor((b * length) / buckets);
    const hi = Math.floor(((b + 1) * length) / buckets);
    if (hi <= lo) continue;
    keep[lo] = 1;
    keep[hi - 1] = 1;
    for (const s of series) {
      let min = lo;
      let max = lo;
      for (let i = lo + 1; i < hi; i++) {
        const v = s[i]!;
        if (v < s[min]!) min = i;
        if (v > s[max]!) max = i;
      }
      keep[min] = 1;
      keep[max] = 1;
    }
  }
  let n = 0;
  for (let i = 0; i < length; i++) n += keep[i]!;
  const out = new Int32Array(n);
  for (let i = 0, j = 0; i < length; i++) if (keep[i]) out[j++] = i;
  return out;
}
