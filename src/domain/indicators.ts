import { z } from 'zod';
import { strictObject } from './strict-object.js';

const period = (def: number) => z.number().int().min(1).max(1000).default(def);

/** The bar fields an indicator reads: a close-only file has no high/low, many FX feeds no volume. */
export type IndicatorInput = 'open' | 'high' | 'low' | 'close' | 'volume';

/**
 * Every indicator the pipeline can compute, with its parameters, outputs and the bar fields it reads. The outputs are
 * scale-free (ratios, oscillators, percentages) so a model trained at one price level still works
 * at another; `docs` is shown to agents and in the README.
 */
export const indicatorCatalog = {
  sma: {
    params: strictObject({ period: period(20) }),
    outputs: ['value'],
    inputs: ['close'],
    docs: 'Simple moving average, as the distance of close from it: close / SMA - 1.',
  },
  ema: {
    params: strictObject({ period: period(20) }),
    outputs: ['value'],
    inputs: ['close'],
    docs: 'Exponential moving average (alpha 2/(n+1), seeded with the SMA), as close / EMA - 1.',
  },
  rsi: {
    params: strictObject({ period: period(14) }),
    outputs: ['value'],
    inputs: ['close'],
    docs: "Relative strength index with Wilder's smoothing (averages seeded with the simple mean of the first n gains/losses), 0..100; 50 when nothing moved.",
  },
  macd: {
    params: strictObject({ fast: period(12), slow: period(26), signal: period(9) }),
    outputs: ['line', 'signal', 'hist'],
    inputs: ['close'],
    docs: 'MACD line (EMA fast - EMA slow of close), its signal EMA over the line and the histogram (line - signal), each divided by close.',
  },
  bollinger: {
    params: strictObject({ period: period(20), stddev: z.number().positive().max(10).default(2) }),
    outputs: ['percent_b', 'width'],
    inputs: ['close'],
    docs: 'Bollinger bands (SMA +- stddev x population std): %B = (close - lower) / (upper - lower), 0.5 when the bands collapse; width = (upper - lower) / middle.',
  },
  atr: {
    params: strictObject({ period: period(14) }),
    outputs: ['value'],
    inputs: ['high', 'low', 'close'],
    docs: "Average true range (true range from the second bar on) with Wilder's smoothing seeded by the mean of the first n true ranges, divided by close.",
  },
  stochastic: {
    params: strictObject({ k_period: period(14), d_period: period(3) }),
    outputs: ['k', 'd'],
    inputs: ['high', 'low', 'close'],
    docs: 'Stochastic oscillator %K = 100 * (close - lowest low) / (highest high - lowest low) over k_period bars (50 when high == low), and %D = SMA of %K over d_period.',
  },
  roc: {
    params: strictObject({ period: period(10) }),
    outputs: ['value'],
    inputs: ['close'],
    docs: 'Rate of change in percent: 100 * (close / close[n bars ago] - 1).',
  },
  obv: {
    params: strictObject({ period: period(20) }),
    outputs: ['value'],
    inputs: ['close', 'volume'],
    docs: 'On-balance volume flow over the last n bars (volume counted + on an up close, - on a down close) divided by the volume traded in them, -1..1; 0 without volume.',
  },
  volatility: {
    params: strictObject({ period: period(20), annualize: z.boolean().default(false) }),
    outputs: ['value'],
    inputs: ['close'],
    docs: 'Rolling standard deviation (sample) of one-bar log returns over n bars (at least 2); optionally annualised by sqrt(bars per year observed in the timestamps).',
  },
  returns: {
    params: strictObject({ period: period(1) }),
    outputs: ['value'],
    inputs: ['close'],
    docs: 'Log return over n bars: ln(close / close[n bars ago]).',
  },
} as const satisfies Record<string, { params: unknown; outputs: readonly string[]; inputs: readonly IndicatorInput[]; docs: string }>;

export type IndicatorType = keyof typeof indicatorCatalog;
export const indicatorTypes = Object.keys(indicatorCatalog) as IndicatorType[];
