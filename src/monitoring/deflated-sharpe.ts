/**
 * The deflated Sharpe ratio (Bailey & López de Prado, 2014, "The Deflated Sharpe Ratio: Correcting
 * for Selection Bias, Backtest Overfitting and Non-Normality"): the probability that the true
 * Sharpe ratio exceeds the best one expected from N trials of pure noise, given the track record's
 * length, skewness and kurtosis. All Sharpe ratios here are per period (not annualised).
 */

const EULER_GAMMA = 0.5772156649015329;

/** Standard normal CDF (Abramowitz-Stegun 7.1.26 via erf, |error| < 1.5e-7). */
export function normalCdf(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * z);
  const erf = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-z * z);
  return x >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
}

/** Inverse standard normal CDF (Acklam's rational approximation, relative error < 1.2e-9). */
export function normalInv(p: number): number {
  if (p <= 0) return Number.NEGATIVE_INFINITY;
  if (p >= 1) return Number.POSITIVE_INFINITY;
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const lo = 0.02425;
  if (p < lo) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (
      (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) /
      ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1)
    );
  }
  if (p > 1 - lo) return -normalInv(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) /
    (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1)
  );
}

/** Expected maximum Sharpe ratio of N independent trials whose Sharpe ratios have variance `variance` (true SR 0). */
export function expectedMaxSharpe(trials: number, variance: number): number {
  if (trials <= 1 || !(variance > 0)) return 0;
  return Math.sqrt(variance) * ((1 - EULER_GAMMA) * normalInv(1 - 1 / trials) + EULER_GAMMA * normalInv(1 - 1 / (trials * Math.E)));
}

/** Lo (2002): standard error of a per-period Sharpe ratio estimated on n iid returns. */
export function sharpeStandardError(perPeriod: number, n: number): number {
  return Math.sqrt((1 + 0.5 * perPeriod * perPeriod) / Math.max(1, n));
}

/**
 * Probabilistic Sharpe ratio of an observed per-period Sharpe `sr` over `t` returns with the given
 * skewness and (non-excess) kurtosis, against the benchmark Sharpe `sr0`.
 */
export function probabilisticSharpe(sr: number, sr0: number, t: number, skew: number, kurtosis: number): number {
  if (t < 2) return 0;
  const denom = 1 - skew * sr + ((kurtosis - 1) / 4) * sr * sr;
  if (!(denom > 0)) return 0;
  return normalCdf(((sr - sr0) * Math.sqrt(t - 1)) / Math.sqrt(denom));
}

export interface DeflatedSharpeInput {
  /** Per-period Sharpe ratio of the candidate. */
  sharpe: number;
  /** Number of returns behind it. */
  observations: number;
  skew: number;
  kurtosis: number;
  /** Per-period Sharpe ratios of every trial made for this name or research program (candidate included). */
  trialSharpes: number[];
}

export function deflatedSharpe(input: DeflatedSharpeInput): { dsr: number; benchmark_sharpe: number; trials: number } {
  const n = Math.max(1, input.trialSharpes.length);
  const mean = input.trialSharpes.reduce((s, x) => s + x, 0) / n;
  const variance = n > 1 ? input.trialSharpes.reduce((s, x) => s + (x - mean) ** 2, 0) / (n - 1) : 0;
  const sr0 = expectedMaxSharpe(n, variance);
  return { dsr: probabilisticSharpe(input.sharpe, sr0, input.observations, input.skew, input.kurtosis), benchmark_sharpe: sr0, trials: n };
}
