/**
 * Min, max and append over data-sized arrays with plain loops. `Math.max(...xs)` and
 * `a.push(...xs)` pass every element as an argument and overflow the stack near 10^5-10^6
 * elements, so they are banned by the lint rule in eslint.config.js; use these instead.
 */

/** Smallest and largest value; NaN when any value is NaN (as Math.min/max); ±Infinity when empty. */
export function minMax(xs: ArrayLike<number>): { min: number; max: number } {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i]!;
    if (Number.isNaN(x)) return { min: Number.NaN, max: Number.NaN };
    if (x < min) min = x;
    if (x > max) max = x;
  }
  return { min, max };
}

/** Same as `Math.max(...xs)` without the argument spread. */
export function maxOf(xs: ArrayLike<number>): number {
  return minMax(xs).max;
}

/** Same as `Math.min(...xs)` without the argument spread. */
export function minOf(xs: ArrayLike<number>): number {
  return minMax(xs).min;
}

/** Appends every item of `items` to `target` (returns `target`), without an argument spread. */
export function pushAll<T>(target: T[], items: Iterable<T>): T[] {
  for (const item of items) target.push(item);
  return target;
}
