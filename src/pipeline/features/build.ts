import { DomainError } from '../../domain/errors.js';
import type { IndicatorDef, Strategy } from '../../domain/strategy.js';
import type { Bars } from '../data/types.js';
import { membership } from './fuzzy.js';
import { computeIndicators, type IndicatorOptions } from './indicators.js';
import { logReturns } from './rolling.js';

/** Feature matrix of one symbol, column by column. */
export interface FeatureSet {
  /** Column names, in the order documented on `buildFeatures`. */
  names: string[];
  /** One array of bars.length values per name; NaN where not yet defined. Raw columns may share memory with each other. */
  columns: Float64Array[];
  /** First bar index where every column is finite (bars.length when there is none). */
  warmup: number;
}

/**
 * Features of ONE symbol's bars (indicator state never crosses a symbol boundary), in this
 * stable order:
 *  1. when features.fuzzy: every fuzzy membership, `<key>:<set>`, in fuzzy_sets order, then the
 *     order of the sets under each key (e.g. `rsi_14:oversold`);
 *  2. every features.raw indicator output as given, `raw:<key>` (e.g. `raw:macd.hist`);
 *  3. every features.lagged_returns entry n, the log return over n bars, `ret_<n>`.
 */
export function buildFeatures(strategy: Strategy, bars: Bars, options: IndicatorOptions = {}): FeatureSet {
  const { fuzzy, raw, lagged_returns: lags } = strategy.features;
  const fuzzyKeys = fuzzy ? Object.keys(strategy.fuzzy_sets) : [];
  const values = computeIndicators(featureIndicators(strategy), bars, options);
  const names: string[] = [];
  const columns: Float64Array[] = [];
  for (const key of fuzzyKeys) {
    const x = lookup(values, key);
    for (const [set, m] of Object.entries(strategy.fuzzy_sets[key]!)) {
      names.push(`${key}:${set}`);
      columns.push(membership(m, x));
    }
  }
  for (const key of raw) {
    names.push(`raw:${key}`);
    columns.push(lookup(values, key));
  }
  for (const n of lags) {
    names.push(`ret_${n}`);
    columns.push(logReturns(bars.close, n));
  }
  return { names, columns, warmup: firstAllFinite(columns, bars.close.length) };
}

/** buildFeatures for each symbol on its own; one result per series, same order. */
export function buildFeaturesMulti(strategy: Strategy, series: Bars[], options: IndicatorOptions = {}): FeatureSet[] {
  return series.map((bars) => buildFeatures(strategy, bars, options));
}

/** Accepts `id` and `id.value` for single-output indicators, as the strategy schema does. */
function lookup(values: Map<string, Float64Array>, key: string): Float64Array {
  const x = values.get(key) ?? (key.endsWith('.value') ? values.get(key.slice(0, -'.value'.length)) : undefined);
  if (!x) {
    throw new DomainError('INVALID_STRATEGY', `unknown indicator output "${key}"; known: ${[...values.keys()].join(', ')}`);
  }
  return x;
}

/** The indicators the strategy's features read (fuzzy keys when features.fuzzy, raw keys). */
export function featureIndicators(strategy: Strategy): IndicatorDef[] {
  const { fuzzy, raw } = strategy.features;
  return usedIndicators(strategy.indicators, [...(fuzzy ? Object.keys(strategy.fuzzy_sets) : []), ...raw]);
}

/** Only the indicators some feature refers to: an unused one costs a full pass for nothing. */
function usedIndicators(defs: IndicatorDef[], keys: string[]): IndicatorDef[] {
  const ids = new Set(keys.map((k) => k.split('.')[0]));
  return defs.filter((d) => ids.has(d.id));
}

function firstAllFinite(columns: Float64Array[], len: number): number {
  let start = 0;
  for (const col of columns) {
    while (start < len && !Number.isFinite(col[start]!)) start++;
  }
  // a column may turn NaN again after its warm-up (a zero close): confirm row by row
  for (let t = start; t < len; t++) {
    if (columns.every((c) => Number.isFinite(c[t]!))) return t;
  }
  return len;
}
