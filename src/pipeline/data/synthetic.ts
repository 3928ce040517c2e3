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

/** Expected bars between two volatility shifts of the vol_shift family (about a year of daily bars). */
const SHIFT_MEAN_BARS = 250;
/** GARCH(1,1) news and persistence weights: typical of daily equity index fits (alpha + beta < 1). */
const GARCH_ALPHA = 0.08;
const GARCH_BETA = 0.9;
/** Degrees of freedom of the garch family's Student-t innovations: fat tails as in daily stock returns. */
const STUDENT_NU = 4;

/**
 * Seeded synthetic OHLCV bars, symbols SYN1..SYNn, each from its own random stream
 * (deriveSeed(seed, k)), so adding symbols never changes the earlier ones. `family` picks the
 * close-to-close log return process r_t; eps_t ~ N(0, 1) i.i.d. throughout, s = signal.
 *
 * Predictable families (s in [0, 1]; s = 0 is a random walk):
 *
 * - momentum (the default; bit-for-bit the generator before families existed):
 *
 *       r_t = vol_t * ( s * m_t + sqrt(1 - s^2) * eps_t ),   m_t = sign(r_{t-1} + ... + r_{t-5})
 *
 *   (+1 / -1; 0 at t = 0). m_t is a function of PAST closes only, with mean 0 and variance 1, so
 *   the return variance is vol_t^2 at every signal strength and corr(r_t, m_t) = s. A model sees
 *   it through any feature that tracks the sign of the last 5-bar return (ROC(5), lagged returns
 *   1..5, a short RSI, price vs. a short moving average); a 5-bar forward-return label inherits it.
 *
 * - mean_reversion: the standardised return is an AR(1) with coefficient -s,
 *
 *       z_t = -s * z_{t-1} + sqrt(1 - s^2) * eps_t   (z_0 = eps_0),   r_t = vol_t * z_t
 *
 *   z is stationary with variance 1, so Var(r_t) = vol_t^2 and, at constant volatility,
 *   corr(r_t, r_{t-1}) = -s: the 1-bar return predicts the next bar's with the opposite sign.
 *
 * - regime_direction: the same AR(1) whose coefficient depends on the volatility regime j,
 *
 *       z_t = c_j * z_{t-1} + sqrt(1 - c_j^2) * eps_t,   r_t = vol_j * z_t,
 *       c_j = sign(vol_mid - vol_j) * s
 *
 *   over `regimes` >= 2 levels (2 by default; vol_mid the middle level): momentum (+s) in the calm
 *   regimes, mean reversion (-s) in the wild ones, nothing at the middle level. A model that tells
 *   the regimes apart (a volatility feature, or the size of the last move) predicts the direction in
 *   both with the same strength as mean_reversion at `signal`; a trader who only follows or only
 *   fades the last bar's sign wins in one regime and loses in the other (the wild one weighs more:
 *   its moves are larger). An earlier version scaled the wild coefficient down (-s/3) so that a
 *   return alone was worth nothing; that left a directional edge about half as strong as the other
 *   families' at the same `signal`, living in the calm regime's small moves.
 *
 * vol_t of these families follows a hidden Markov chain over `regimes` levels, spread
 * geometrically over a factor of 3 around DAILY_VOL * sqrt(bar minutes / 1440), staying put with
 * probability 1 - 1/100 per bar and otherwise jumping to another level at random. regimes = 1
 * means constant volatility; with more regimes the SIZE of moves is predictable, never their
 * sign (except through regime_direction's c_j).
 *
 * Unpredictable families (no function of the past predicts the sign of r_t; `signal` is refused):
 *
 * - random_walk: r_t = vol * eps_t, constant vol = DAILY_VOL * sqrt(bar minutes / 1440).
 * - garch: GARCH(1,1) volatility clustering with fat-tailed innovations and zero mean,
 *
 *       r_t = sigma_t * u_t,   sigma_t^2 = omega + 0.08 * r_{t-1}^2 + 0.9 * sigma_{t-1}^2,
 *       omega = vol^2 * (1 - 0.08 - 0.9),  sigma_0 = vol,
 *       u_t = T_t / sqrt(nu / (nu - 2)),   T_t ~ Student-t(nu = 4)
 *
 *   (unit-variance innovations, so the unconditional variance is vol^2). |r| is autocorrelated
 *   and the returns have excess kurtosis; their signs are independent of the past.
 * - vol_shift: r_t = v_t * eps_t, where v_t is a level drawn log-uniformly in [vol / 3, 3 * vol]
 *   at the start and again at random times (probability 1/250 per bar): abrupt volatility level
 *   shifts, no direction.
 *
 * OHLC (every family): open = previous close * exp(0.1 * v * N), close = previous close * exp(r_t),
 * high/low extend the body by 0.5 * v * |N| (v = the bar's volatility), so
 * low <= min(open, close) <= max(open, close) <= high. The open's gap is small and independent of
 * everything, so most of the close-to-close move happens open -> close: a 1-bar signal decided at
 * a close survives execution at the next bar's open (as backtests trade). Volume is positive,
 * lognormal around 1e6 and proportional to the bar's volatility. Timestamps start at `start` (UTC
 * midnight); 1d bars skip Saturdays and Sundays, other bar sizes run without gaps.
 */
export function generateSynthetic(params: SyntheticParams): Bars[] {
  const series: Bars[] = [];
  const times = syntheticTimes(params);
  for (let k = 0; k < params.symbols; k++) {
    series.push(generateSymbol(`SYN${k + 1}`, createRng(deriveSeed(params.seed, k)), times, params));
  }
  return series;
}

/** One bar of a return process: the close-to-close log return and the bar's volatility. */
interface Step {
  r: number;
  vol: number;
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
  const step = returnProcess(p, rng, baseVol, n);
  let prevClose = 50 + 100 * rng.next();

  for (let t = 0; t < n; t++) {
    const { r, vol } = step(t);
    const open = prevClose * Math.exp(GAP_VOL * vol * rng.normal());
    const close = prevClose * Math.exp(r);
    bars.open[t] = open;
    bars.close[t] = close;
    bars.high[t] = Math.max(open, close) * Math.exp(WICK_VOL * vol * Math.abs(rng.normal()));
    bars.low[t] = Math.min(open, close) * Math.exp(-WICK_VOL * vol * Math.abs(rng.normal()));
    bars.volume[t] = Math.max(1, Math.round(1e6 * (vol / baseVol) * Math.exp(0.25 * rng.normal())));
    prevClose = close;
  }
  return bars;
}

/**
 * The family's return process, called once per bar in order. Draws come from the symbol's stream
 * (momentum draws exactly what the generator drew before families existed, in the same order:
 * the regime state, then prevClose, then per bar the regime switch and the return).
 */
function returnProcess(p: SyntheticParams, rng: Rng, baseVol: number, n: number): (t: number) => Step {
  switch (p.family) {
    case 'momentum':
    case 'mean_reversion':
    case 'regime_direction':
      return regimeProcess(p, rng, baseVol, n);
    case 'random_walk':
      return () => ({ r: baseVol * rng.normal(), vol: baseVol });
    case 'garch': {
      const omega = baseVol * baseVol * (1 - GARCH_ALPHA - GARCH_BETA);
      const tScale = Math.sqrt(STUDENT_NU / (STUDENT_NU - 2));
      let variance = baseVol * baseVol;
      let prev = 0;
      return (t) => {
        if (t > 0) variance = omega + GARCH_ALPHA * prev * prev + GARCH_BETA * variance;
        const vol = Math.sqrt(variance);
        prev = (vol * studentT4(rng)) / tScale;
        return { r: prev, vol };
      };
    }
    case 'vol_shift': {
      const level = () => baseVol * REGIME_SPREAD ** (2 * rng.next() - 1);
      let vol = level();
      return (t) => {
        if (t > 0 && rng.next() < 1 / SHIFT_MEAN_BARS) vol = level();
        return { r: vol * rng.normal(), vol };
      };
    }
  }
}

/** momentum, mean_reversion and regime_direction: a volatility regime chain and a signal on top. */
function regimeProcess(p: SyntheticParams, rng: Rng, baseVol: number, n: number): (t: number) => Step {
  const levels = regimeLevels(p.regimes, baseVol);
  const noiseWeight = Math.sqrt(1 - p.signal * p.signal);
  const returns = new Float64Array(n);
  // regime_direction: momentum below the middle level, reversion above it, none at it (see the doc comment)
  const coefficient = levels.map((v) => (p.family === 'mean_reversion' ? -p.signal : Math.sign(baseVol - v) * p.signal));
  let regime = p.regimes > 1 ? Math.floor(rng.next() * p.regimes) : 0;
  let z = 0;
  return (t) => {
    if (p.regimes > 1 && t > 0 && rng.next() < 1 / REGIME_MEAN_BARS) {
      regime = (regime + 1 + Math.floor(rng.next() * (p.regimes - 1))) % p.regimes;
    }
    const vol = levels[regime] ?? baseVol;
    let r: number;
    if (p.family === 'momentum') {
      const momentum = t === 0 ? 0 : pastReturnSum(returns, t) >= 0 ? 1 : -1;
      r = vol * (p.signal * momentum + noiseWeight * rng.normal());
    } else {
      const c = coefficient[regime] ?? 0;
      z = t === 0 ? rng.normal() : c * z + Math.sqrt(1 - c * c) * rng.normal();
      r = vol * z;
    }
    returns[t] = r;
    return { r, vol };
  };
}

/** Student-t with 4 degrees of freedom: N / sqrt(chi2_4 / 4), chi2_4 = -2 ln(U1 U2) (a sum of two exponentials, times 2). */
function studentT4(rng: Rng): number {
  let u = rng.next() * rng.next();
  while (u === 0) u = rng.next() * rng.next();
  return rng.normal() / Math.sqrt((-2 * Math.log(u)) / STUDENT_NU);
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
