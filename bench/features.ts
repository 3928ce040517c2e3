/**
 * Feature-stage throughput: 1,000,000 bars through computeIndicators + buildFeatures (fuzzy
 * memberships, raw outputs, lagged returns). Best of 3 timed runs after one warm-up run.
 * Prints one JSON line. Run: npx tsx bench/features.ts
 */
import { performance } from 'node:perf_hooks';
import { strategySchema } from '../src/domain/strategy.js';
import type { Bars } from '../src/pipeline/data/types.js';
import { buildFeatures, computeIndicators } from '../src/pipeline/features/index.js';

const BARS = 1_000_000;

/** Seeded geometric random walk with OHLCV (mulberry32 + Box-Muller); hourly bars. */
function syntheticBars(n: number, seed: number): Bars {
  let a = seed >>> 0;
  const u = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const bars: Bars = {
    symbol: 'BENCH',
    time: new Float64Array(n),
    open: new Float64Array(n),
    high: new Float64Array(n),
    low: new Float64Array(n),
    close: new Float64Array(n),
    volume: new Float64Array(n),
  };
  let c = 100;
  for (let i = 0; i < n; i++) {
    const o = c;
    c = o * Math.exp(0.004 * Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u()));
    bars.time[i] = Date.UTC(2000, 0, 1) + i * 3_600_000;
    bars.open[i] = o;
    bars.close[i] = c;
    bars.high[i] = Math.max(o, c) * (1 + 0.002 * u());
    bars.low[i] = Math.min(o, c) * (1 - 0.002 * u());
    bars.volume[i] = 1000 + 9000 * u();
  }
  return bars;
}

const strategy = strategySchema.parse({
  name: 'bench_features',
  indicators: [
    { id: 'sma_20', type: 'sma', params: { period: 20 } },
    { id: 'ema_50', type: 'ema', params: { period: 50 } },
    { id: 'rsi_14', type: 'rsi', params: { period: 14 } },
    { id: 'macd', type: 'macd' },
    { id: 'bb', type: 'bollinger' },
    { id: 'atr_14', type: 'atr' },
    { id: 'stoch', type: 'stochastic' },
    { id: 'roc_10', type: 'roc' },
    { id: 'obv_20', type: 'obv' },
    { id: 'vol_20', type: 'volatility', params: { period: 20, annualize: true } },
  ],
  fuzzy_sets: {
    rsi_14: { oversold: [0, 0, 30], neutral: [30, 50, 70], overbought: [70, 100, 100] },
    'macd.hist': { neg: { type: 'gaussian', params: [-0.002, 0.001] }, pos: { type: 'gaussian', params: [0.002, 0.001] } },
    'bb.percent_b': { low: [-1, -1, 0, 0.2], high: [0.8, 1, 2, 2] },
    'stoch.k': { low: [0, 0, 20], high: [80, 100, 100] },
    sma_20: { below: [-0.1, -0.1, -0.02, 0], above: [0, 0.02, 0.1, 0.1] },
  },
  features: { fuzzy: true, raw: ['atr_14', 'roc_10', 'obv_20', 'vol_20', 'ema_50', 'bb.width', 'stoch.d'], lagged_returns: [1, 5, 20] },
  labels: { type: 'forward_return', horizon: 5 },
});

const bars = syntheticBars(BARS, 42);
let features = 0;
const once = (): number => {
  const t0 = performance.now();
  computeIndicators(strategy.indicators, bars);
  features = buildFeatures(strategy, bars).names.length;
  return (performance.now() - t0) / 1000;
};
once();
const seconds = Math.min(once(), once(), once());
process.stdout.write(
  `${JSON.stringify({ bench: 'features', bars: BARS, features, seconds: Number(seconds.toFixed(4)), bars_per_s: Math.round(BARS / seconds) })}\n`,
);
