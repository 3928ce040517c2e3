import { indicatorCatalog } from '../../domain/indicators.js';
import type { IndicatorDef } from '../../domain/strategy.js';
import type { Bars } from '../data/types.js';
import { emaDistance, macd, smaDistance } from './moving-averages.js';
import { roc, rsi, stochastic } from './oscillators.js';
import { logReturns } from './rolling.js';
import { atr, bollinger, observedBarsPerYear, volatility } from './volatility.js';
import { obvFlow } from './volume.js';
import { maxOf } from '../array-stats.js';

export interface IndicatorOptions {
  /** Annualisation factor base for `volatility` with annualize: true; default: observed in bars.time. */
  barsPerYear?: number | undefined;
}

/**
 * Output key of one indicator output: the indicator id when it has a single output
 * (`rsi_14`), `id.output` otherwise (`macd.hist`, `bb.percent_b`).
 */
export function outputKey(def: IndicatorDef, output: string): string {
  return indicatorCatalog[def.type].outputs.length === 1 ? def.id : `${def.id}.${output}`;
}

/**
 * Every output of every indicator over one symbol's bars, keyed as `outputKey` says. Each array
 * has bars.length values, NaN during warm-up, in the scale-free form documented in the catalog.
 */
export function computeIndicators(defs: IndicatorDef[], bars: Bars, options: IndicatorOptions = {}): Map<string, Float64Array> {
  const out = new Map<string, Float64Array>();
  for (const def of defs) {
    const values = computeIndicator(def, bars, options);
    for (const output of indicatorCatalog[def.type].outputs) out.set(outputKey(def, output), values[output]!);
  }
  return out;
}

/** One indicator's outputs by output name (`value`, `line`, `percent_b`, ...). */
export function computeIndicator(def: IndicatorDef, bars: Bars, options: IndicatorOptions = {}): Record<string, Float64Array> {
  switch (def.type) {
    case 'sma':
      return { value: smaDistance(bars, indicatorCatalog.sma.params.parse(def.params).period) };
    case 'ema':
      return { value: emaDistance(bars, indicatorCatalog.ema.params.parse(def.params).period) };
    case 'rsi':
      return { value: rsi(bars, indicatorCatalog.rsi.params.parse(def.params).period) };
    case 'macd': {
      const p = indicatorCatalog.macd.params.parse(def.params);
      return { ...macd(bars, p.fast, p.slow, p.signal) };
    }
    case 'bollinger': {
      const p = indicatorCatalog.bollinger.params.parse(def.params);
      return bollinger(bars, p.period, p.stddev);
    }
    case 'atr':
      return { value: atr(bars, indicatorCatalog.atr.params.parse(def.params).period) };
    case 'stochastic': {
      const p = indicatorCatalog.stochastic.params.parse(def.params);
      return stochastic(bars, p.k_period, p.d_period);
    }
    case 'roc':
      return { value: roc(bars, indicatorCatalog.roc.params.parse(def.params).period) };
    case 'obv':
      return { value: obvFlow(bars, indicatorCatalog.obv.params.parse(def.params).period) };
    case 'volatility': {
      const p = indicatorCatalog.volatility.params.parse(def.params);
      const perYear = options.barsPerYear ?? observedBarsPerYear(bars.time);
      return { value: volatility(bars, p.period, p.annualize, perYear) };
    }
    case 'returns':
      return { value: logReturns(bars.close, indicatorCatalog.returns.params.parse(def.params).period) };
  }
}

/**
 * Bars before the first valid value of an output (of the slowest output when none is named): the
 * first `indicatorWarmup(def)` values are NaN, every later one is finite on clean bars.
 */
export function indicatorWarmup(def: IndicatorDef, output?: string): number {
  const w = outputWarmups(def);
  return output === undefined ? maxOf(Object.values(w)) : (w[output] ?? maxOf(Object.values(w)));
}

function outputWarmups(def: IndicatorDef): Record<string, number> {
  switch (def.type) {
    case 'sma':
    case 'ema':
      return { value: indicatorCatalog[def.type].params.parse(def.params).period - 1 };
    case 'bollinger': {
      const w = indicatorCatalog.bollinger.params.parse(def.params).period - 1;
      return { percent_b: w, width: w };
    }
    case 'rsi':
    case 'atr':
    case 'roc':
    case 'obv':
    case 'returns':
      return { value: indicatorCatalog[def.type].params.parse(def.params).period };
    case 'volatility':
      return { value: Math.max(2, indicatorCatalog.volatility.params.parse(def.params).period) };
    case 'macd': {
      const p = indicatorCatalog.macd.params.parse(def.params);
      const line = Math.max(p.fast, p.slow) - 1;
      return { line, signal: line + p.signal - 1, hist: line + p.signal - 1 };
    }
    case 'stochastic': {
      const p = indicatorCatalog.stochastic.params.parse(def.params);
      return { k: p.k_period - 1, d: p.k_period - 1 + p.d_period - 1 };
    }
  }
}
