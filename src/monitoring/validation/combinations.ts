/** C(n, k), exact for the small arguments used here (n <= 60). */
export function binomial(n: number, k: number): number {
  if (!Number.isInteger(n) || !Number.isInteger(k) || k < 0 || k > n) return 0;
  const m = Math.min(k, n - k);
  let c = 1;
  for (let i = 1; i <= m; i++) c = (c * (n - m + i)) / i; // each step is an integer: C(n-m+i, i)
  return Math.round(c);
}

/** Every k-subset of 0..n-1, ascending, in lexicographic order. */
export function combinations(n: number, k: number): number[][] {
  const out: number[][] = [];
  if (k < 0 || k > n) return out;
  const c = Array.from({ length: k }, (_, i) => i);
  for (;;) {
    out.push(c.slice());
    let i = k - 1;
    while (i >= 0 && c[i] === n - k + i) i--;
    if (i < 0) return out;
    c[i]!++;
    for (let j = i + 1; j < k; j++) c[j] = c[j - 1]! + 1;
  }
}

/**
 * Start offsets of `groups` contiguous groups over `n` ordered items (length groups + 1, last = n).
 * The n mod groups leftover items go one each to the first groups, so sizes differ by at most one.
 */
export function groupBounds(n: number, groups: number): Int32Array {
  const base = Math.floor(n / groups);
  const extra = n - base * groups;
  const bounds = new Int32Array(groups + 1);
  for (let g = 0; g < groups; g++) bounds[g + 1] = bounds[g]! + base + (g < extra ? 1 : 0);
  return bounds;
}
