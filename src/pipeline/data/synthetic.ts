import { createRng, deriveSeed, type Rng } from '../random.js';
import type { SyntheticParams } from './spec.js';
import { timeframeMinutes } from './timeframe.js';
import type { Bars } from './types.js';

/** Daily volatility of log returns at the middle regime: 1 %, about an equity index. */
const DAILY_VOL = 0.01;
/** Volatility ratio between the calmest and the wildest regime. */
const REGIME_SPREAD = 3;
/** Expected bars spent in a regime before switching (a few months of daily bars). */
const REGIME_MEAN_BARS = 100;
/** Bars of past return whose sign drives the planted momentum (matches a 5-bar label horizon). */
export const SIGNAL_LOOKBACK = 5;
const GAP_VOL = 0.1; // open-vs-previous-close gap, in units of the bar's volatility
const WICK_VOL = 0.5; // high/low excursion beyond the body, in units of the bar's volatility
const DAY_MS = 86_400_000;

/**
 * Seeded synthetic OHLCV bars, symbols SYN1..SYNn, each from its own random stream
 * (deriveSeed(seed, k)), so adding symbols never changes the earlier ones.
 *
 * Close-to-close log return of bar t:
 *
 *     r_t = vol_t * ( signal * m_t + sqrt(1 - signal^2) * eps_t ),   eps_t ~ N(0, 1) i.i.d.
 *     m_t = sign(r_{t-1} + ... + r_{t-5})   (+1 / -1; 0 at t = 0)
 *
 * m_t is a function of PAST closes only, with mean 0 and variance 1, so the return variance is
 * vol_t^2 at every signal strength, and corr(r_t, m_t) = signal. A model sees the signal through
 * any feature of past closes that tracks the sign of the last 5-bar return: ROC(5), the sum of
 * lagged log returns 1..5, RSI over a short window, price vs. a short moving average. The
 * forward 5-bar return inherits it (m_{t+1} is known at t, m_{t+2..t+5} partly), so a 5-bar
 * forward-return label is predictable. With signal = 0, r_t = vol_t * eps_t: a driftless
 * geometric random walk in which no function of the past predicts the direction.
 *
 * vol_t follows a hidden Markov chain over `regimes` levels, spread geometrically over a factor
 * of 3 around DAILY_VOL * sqrt(bar minutes / 1440), staying put with probability 1 - 1/100 per
 * bar and otherwise jumping to another level at random. regimes = 1 means constant volatility;
 * with more regimes the SIZE of moves is predictable (volatility clusters), never their sign.
 *
 * OHLC: open = previous close * exp(0.1 * vol * N), close as above, high/low extend the body by
 * 0.5 * vol * |N|, so low <= min(open, close) <= max(open, close) <= high. Volume is positive,
 * lognormal around 1e6 and proportional to the regime's volatility. Timestamps start at `start`
 * (UTC midnight); 1d bars skip Saturdays and Sundays, other bar sizes run without gaps.
 */
export function generateSynthetic(params: SyntheticParams): Bars[] {
  const series: Bars[] = [];
  const times = syntheticTimes(params);
  for (let k = 0; k < params.symbols; k++) {
    series.push(generateSymbol(`SYN${k + 1}`, createRng(deriveSeed(params.seed, k)), times, params));
  }
  return series;
}

function generateSymbol(symbol: string, rng: Rng, times: Float64Array, p: SyntheticParams): Bars {
  const n = times.length;
  const bars: Bars = {
    symbol,
    time: times.slice(),
    open: new Float64Array(n),
    high: new Float64Array(n),
    low: new Float64Array(n),
    close: new Float64Array(n),
    volume: new Float64Array(n),
  };
  const baseVol = DAILY_VOL * Math.sqrt(timeframeMinutes(p.timeframe) / 1440);
  const levels = regimeLevels(p.regimes, baseVol);
  const noiseWeight = Math.sqrt(1 - p.signal * p.signal);
  const returns = new Float64Array(n);
  let regime = p.regimes > 1 ? Math.floor(rng.next() * p.regimes) : 0;
  let prevClose = 50 + 100 * rng.next();

  for (let t = 0; t < n; t++) {
    if (p.regimes > 1 && t > 0 && rng.next() < 1 / REGIME_MEAN_BARS) {
      regime = (regime + 1 + Math.floor(rng.next() * (p.regimes - 1))) % p.regimes;
    }
    const vol = levels[regime] ?? baseVol;
    const momentum = t === 0 ? 0 : pastReturnSum(returns, t) >= 0 ? 1 : -1;
    const r = vol * (p.signal * momentum + noiseWeight * rng.normal());
    const open = prevClose * Math.exp(GAP_VOL * vol * rng.normal());
    const close = prevClose * Math.exp(r);
    bars.open[t] = open;
    bars.close[t] = close;
    bars.high[t] = Math.max(open, close) * Math.exp(WICK_VOL * vol * Math.abs(rng.normal()));
    bars.low[t] = Math.min(open, close) * Math.exp(-WICK_VOL * vol * Math.abs(rng.normal()));
    bars.volume[t] = Math.max(1, Math.round(1e6 * (vol / baseVol) * Math.exp(0.25 * rng.normal())));

    returns[t] = r;
    prevClose = close;
  }
  return bars;
}

/** r_{t-1} + ... + r_{t-LOOKBACK} (fewer at the start): the log return over the last 5 bars. */
function pastReturnSum(returns: Float64Array, t: number): number {
  let sum = 0;
  for (let j = Math.max(0, t - SIGNAL_LOOKBACK); j < t; j++) sum += returns[j] ?? 0;
  return sum;
}

function regimeLevels(regimes: number, baseVol: number): number[] {
  if (regimes <= 1) return [baseVol];
  return Array.from({ length: regimes }, (_, j) => baseVol * REGIME_SPREAD ** (j / (regimes - 1) - 0.5));
}

function syntheticTimes(p: SyntheticParams): Float64Array {
  const times = new Float64Array(p.bars);
  const stepMs = timeframeMinutes(p.timeframe) * 60_000;
  let t = Date.parse(`${p.start}T00:00:00Z`);
  const weekdaysOnly = stepMs === DAY_MS;
  for (let i = 0; i < p.bars; i++) {
    if (weekdaysOnly) {
      while (isWeekend(t)) t += DAY_MS;
    }
    times[i] = t;
    t += stepMs;
  }
  return times;
}

function isWeekend(ms: number): boolean {
  const day = new Date(ms).getUTCDay();
  return day === 0 || day === 6;
}
