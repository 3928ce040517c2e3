import type { Bars } from '../../../../src/pipeline/data/types.js';
import { strategySchema, type Strategy, type StrategyInput } from '../../../../src/domain/strategy.js';

/** Deterministic uniform generator (mulberry32). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const DAY = 86_400_000;

/** A seeded geometric random walk with plausible OHLCV; daily bars from 2020-01-01. */
export function randomWalk(n: number, seed = 1, start = 100): Bars {
  const u = rng(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
  const bars: Bars = {
    symbol: `SYM${seed}`,
    time: new Float64Array(n),
    open: new Float64Array(n),
    high: new Float64Array(n),
    low: new Float64Array(n),
    close: new Float64Array(n),
    volume: new Float64Array(n),
  };
  let c = start;
  for (let t = 0; t < n; t++) {
    const o = c;
    c = o * Math.exp(0.012 * gauss());
    bars.time[t] = Date.UTC(2020, 0, 1) + t * DAY;
    bars.open[t] = o;
    bars.close[t] = c;
    bars.high[t] = Math.max(o, c) * (1 + 0.004 * u());
    bars.low[t] = Math.min(o, c) * (1 - 0.004 * u());
    bars.volume[t] = Math.round(1000 + 9000 * u());
  }
  return bars;
}

/** Bars from closes only (open = previous close, high/low = max/min of open and close, volume 100). */
export function barsFromCloses(closes: number[], highs?: number[], lows?: number[]): Bars {
  const n = closes.length;
  const close = Float64Array.from(closes);
  const open = Float64Array.from(closes.map((c, i) => (i === 0 ? c : closes[i - 1]!)));
  return {
    symbol: 'X',
    time: Float64Array.from(closes.map((_, i) => Date.UTC(2020, 0, 1) + i * DAY)),
    open,
    high: highs ? Float64Array.from(highs) : open.map((o, i) => Math.max(o, close[i]!)),
    low: lows ? Float64Array.from(lows) : open.map((o, i) => Math.min(o, close[i]!)),
    close,
    volume: new Float64Array(n).fill(100),
  };
}

export function scalePrices(bars: Bars, k: number): Bars {
  const s = (a: Float64Array) => a.map((v) => v * k);
  return { ...bars, open: s(bars.open), high: s(bars.high), low: s(bars.low), close: s(bars.close) };
}

export function sliceBars(bars: Bars, from: number, to: number): Bars {
  return {
    symbol: bars.symbol,
    time: bars.time.slice(from, to),
    open: bars.open.slice(from, to),
    high: bars.high.slice(from, to),
    low: bars.low.slice(from, to),
    close: bars.close.slice(from, to),
    volume: bars.volume.slice(from, to),
  };
}

/** One instance of every indicator type, non-default params where it matters. */
export const everyIndicator: StrategyInput['indicators'] = [
  { id: 'sma_10', type: 'sma', params: { period: 10 } },
  { id: 'ema_12', type: 'ema', params: { period: 12 } },
  { id: 'rsi_14', type: 'rsi', params: { period: 14 } },
  { id: 'macd', type: 'macd', params: { fast: 12, slow: 26, signal: 9 } },
  { id: 'bb', type: 'bollinger', params: { period: 20, stddev: 2 } },
  { id: 'atr_14', type: 'atr', params: { period: 14 } },
  { id: 'stoch', type: 'stochastic', params: { k_period: 14, d_period: 3 } },
  { id: 'roc_10', type: 'roc', params: { period: 10 } },
  { id: 'obv_20', type: 'obv', params: { period: 20 } },
  { id: 'vol_20', type: 'volatility', params: { period: 20, annualize: true } },
  { id: 'ret_5', type: 'returns', params: { period: 5 } },
];

export const everyOutput = [
  'sma_10',
  'ema_12',
  'rsi_14',
  'macd.line',
  'macd.signal',
  'macd.hist',
  'bb.percent_b',
  'bb.width',
  'atr_14',
  'stoch.k',
  'stoch.d',
  'roc_10',
  'obv_20',
  'vol_20',
  'ret_5',
];

/** A strategy that uses every output raw, a few fuzzy sets and lagged returns. */
export function fullStrategy(overrides: Partial<StrategyInput> = {}): Strategy {
  return strategySchema.parse({
    name: 'every_indicator',
    indicators: everyIndicator,
    fuzzy_sets: {
      rsi_14: { oversold: [0, 0, 30], neutral: [30, 50, 70], overbought: [70, 100, 100] },
      'macd.hist': { neg: { type: 'gaussian', params: [-0.005, 0.003] } },
      'bb.percent_b': { low: [-1, -1, 0, 0.2] },
    },
    features: { fuzzy: true, raw: everyOutput, lagged_returns: [1, 5] },
    labels: { type: 'forward_return', horizon: 5 },
    ...overrides,
  });
}
