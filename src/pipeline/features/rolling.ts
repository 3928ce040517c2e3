/**
 * Building blocks shared by the indicators: O(n) sliding windows and recursive averages over
 * Float64Array. Every function writes NaN where its window is not full (never a fake 0) and
 * takes `start`, the first index where the input itself is valid, so it can run over another
 * indicator's output (MACD signal over the MACD line, %D over %K).
 */

/** A new array of `n` NaNs. */
export function nanArray(n: number): Float64Array {
  return new Float64Array(n).fill(NaN);
}

/**
 * Rolling mean (and optionally variance) of x over `n` values ending at t, for t >= start + n - 1.
 * Sums are kept around a shift (a recent value of x) and recomputed exactly every max(n, 512)
 * steps, so neither cancellation (prices in the thousands, std in cents) nor drift over a
 * million bars degrades the result. `ddof` 0 = population, 1 = sample variance.
 */
export function rollingMoments(
  x: Float64Array,
  n: number,
  start: number,
  mean: Float64Array,
  variance: Float64Array | null,
  ddof = 0,
): void {
  const len = x.length;
  mean.fill(NaN);
  variance?.fill(NaN);
  const first = start + n - 1;
  const resync = Math.max(n, 512);
  let shift = 0;
  let s1 = 0;
  let s2 = 0;
  let since = resync;
  for (let t = first; t < len; t++) {
    if (since >= resync) {
      shift = x[t]!;
      s1 = 0;
      s2 = 0;
      for (let i = t - n + 1; i <= t; i++) {
        const d = x[i]! - shift;
        s1 += d;
        s2 += d * d;
      }
      since = 0;
    } else {
      const din = x[t]! - shift;
      const dout = x[t - n]! - shift;
      s1 += din - dout;
      s2 += din * din - dout * dout;
      since++;
    }
    mean[t] = shift + s1 / n;
    if (variance) {
      const v = (s2 - (s1 * s1) / n) / (n - ddof);
      variance[t] = v > 0 ? v : 0;
    }
  }
}

/** Simple moving average of x over n values, valid from start + n - 1. */
export function sma(x: Float64Array, n: number, start = 0): Float64Array {
  const out = new Float64Array(x.length);
  rollingMoments(x, n, start, out, null);
  return out;
}

/**
 * Exponential average with smoothing `alpha`, seeded at start + n - 1 with the simple mean of
 * x[start .. start + n - 1]. alpha = 2 / (n + 1) is the classic EMA, 1 / n is Wilder's smoothing.
 */
export function seededEma(x: Float64Array, n: number, alpha: number, start = 0): Float64Array {
  const len = x.length;
  const out = nanArray(len);
  const first = start + n - 1;
  if (first >= len) return out;
  let sum = 0;
  for (let i = start; i <= first; i++) sum += x[i]!;
  let prev = sum / n;
  out[first] = prev;
  for (let t = first + 1; t < len; t++) {
    prev += alpha * (x[t]! - prev);
    out[t] = prev;
  }
  return out;
}

/** Rolling maximum (sign 1) or minimum (sign -1) over n values: monotonic deque, O(len). */
export function rollingExtreme(x: Float64Array, n: number, sign: 1 | -1): Float64Array {
  const len = x.length;
  const out = nanArray(len);
  const deque = new Int32Array(len);
  let head = 0;
  let tail = 0;
  for (let t = 0; t < len; t++) {
    const v = x[t]! * sign;
    while (tail > head && x[deque[tail - 1]!]! * sign <= v) tail--;
    deque[tail++] = t;
    if (deque[head]! <= t - n) head++;
    if (t >= n - 1) out[t] = x[deque[head]!]!;
  }
  return out;
}

/** Log return over `lag` bars: ln(close[t] / close[t - lag]); NaN for t < lag. */
export function logReturns(close: Float64Array, lag = 1): Float64Array {
  const len = close.length;
  const out = nanArray(len);
  for (let t = lag; t < len; t++) out[t] = Math.log(close[t]! / close[t - lag]!);
  return out;
}

/**
 * Sample standard deviation of one-bar log returns over the n returns ending at t (returns start
 * at bar 1, so the first value is at t = n). Shared by the volatility indicator and the
 * triple-barrier labels. n < 2 has no sample std and is treated as 2.
 */
export function rollingLogReturnStd(close: Float64Array, n: number): Float64Array {
  const w = Math.max(2, n);
  const mean = new Float64Array(close.length);
  const out = new Float64Array(close.length);
  rollingMoments(logReturns(close, 1), w, 1, mean, out, 1);
  for (let t = 0; t < out.length; t++) out[t] = Math.sqrt(out[t]!);
  return out;
}
