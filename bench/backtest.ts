// Backtest engine + metrics on one symbol, 5,000,000 bars, a signal changing every ~10 bars.
// Target: >= 5 million bars/s.
import { backtestMetrics, simulate } from '../src/monitoring/backtest/index.js';
import { createRng } from '../src/pipeline/random.js';
import { emit } from './_shared.js';

const N = Number(process.env['BARS'] ?? 5_000_000);
const rng = createRng(1);
const open = new Float64Array(N);
const close = new Float64Array(N);
const signal = new Int8Array(N);
let p = 100;
let cur = 0;
for (let t = 0; t < N; t++) {
  open[t] = p * (1 + 0.001 * (rng.next() - 0.5));
  close[t] = open[t]! * (1 + 0.02 * (rng.next() - 0.5));
  p = close[t]!;
  if (rng.next() < 0.1) cur = Math.floor(rng.next() * 3) - 1;
  signal[t] = cur;
}
const times: number[] = [];
for (let i = 0; i < 4; i++) {
  const t0 = performance.now();
  const run = simulate({ open, close }, signal, { cost_bps: 5, slippage_bps: 2 });
  backtestMetrics(run, 252);
  times.push(performance.now() - t0);
}
const best = Math.min(...times.slice(1)) / 1000;
emit({ bench: 'backtest', bars: N, seconds: +best.toFixed(3), bars_per_s: Math.round(N / best) });
