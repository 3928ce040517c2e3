import type { IndicatorDef, Membership, Strategy } from '../../domain/strategy.js';
import { factor, featureCount, type Operator } from './offline-mutate-types.js';
import { outputRange, round4 } from './offline-scale.js';
import { LAGS, MAX_INDICATORS, attachIndicator, indicatorId, indicatorOf, outputKeys, outputOf, sampleIndicator } from './offline-space.js';
import { minMax } from '../../pipeline/array-stats.js';

/** Mutations of a strategy's inputs: indicators, their periods, fuzzy zones, raw outputs and lagged returns. */

function renameIndicator(s: Strategy, from: string, to: string): void {
  const ren = (key: string) => (indicatorOf(key) === from ? to + key.slice(from.length) : key);
  for (const ind of s.indicators) if (ind.id === from) ind.id = to;
  s.fuzzy_sets = Object.fromEntries(Object.entries(s.fuzzy_sets).map(([k, v]) => [ren(k), v]));
  s.features.raw = s.features.raw.map(ren);
}

/** Multiplies every breakpoint of the fuzzy sets of one key (a ratio output's scale changed). */
function scaleFuzzy(sets: Record<string, Membership>, k: number): void {
  for (const m of Object.values(sets)) m.params = m.params.map((p) => round4(p * k));
}

const PERIOD_PARAMS: Record<IndicatorDef['type'], string[]> = {
  sma: ['period'],
  ema: ['period'],
  rsi: ['period'],
  atr: ['period'],
  roc: ['period'],
  obv: ['period'],
  volatility: ['period'],
  returns: ['period'],
  macd: ['fast', 'slow', 'signal'],
  bollinger: ['period'],
  stochastic: ['k_period', 'd_period'],
};

const label = (ind: IndicatorDef) => `${ind.type.toUpperCase()} ${ind.id}`;

export const indicatorPeriod: Operator = (s, draw, scale, direction) => {
  const ind = draw.pick(s.indicators);
  const params = ind.params as Record<string, number>;
  const param = draw.pick(PERIOD_PARAMS[ind.type]);
  const old = params[param]!;
  const min = ind.type === 'returns' ? 1 : 2;
  let next = Math.max(min, Math.min(Math.max(scale.maxPeriod, min), Math.round(old * factor(draw, direction))));
  if (next === old) next = old > min ? old - 1 : old + 1;
  if (ind.type === 'macd' && (param === 'fast' || param === 'slow')) {
    const fast = param === 'fast' ? next : params['fast']!;
    const slow = param === 'slow' ? next : params['slow']!;
    if (fast >= slow) return null;
  }
  const rangesBefore = Object.keys(s.fuzzy_sets)
    .filter((k) => indicatorOf(k) === ind.id)
    .map((k) => [k, outputRange(ind, outputOf(k), scale)] as const);
  const oldId = ind.id;
  const wasConventional = oldId === indicatorId(ind.type, params);
  params[param] = next;
  let rescaled = '';
  for (const [key, before] of rangesBefore) {
    const after = outputRange(ind, outputOf(key), scale);
    const k =
      before.kind === 'signed' && after.kind === 'signed'
        ? after.scale / before.scale
        : before.kind === 'positive' && after.kind === 'positive'
          ? after.level / before.level
          : 1;
    if (k !== 1 && Number.isFinite(k)) {
      scaleFuzzy(s.fuzzy_sets[key]!, k);
      rescaled = `; fuzzy breakpoints rescaled x${k.toFixed(2)} to the new period's range`;
    }
  }
  if (wasConventional) {
    const newId = indicatorId(ind.type, params);
    if (!s.indicators.some((d) => d.id === newId)) renameIndicator(s, oldId, newId);
  }
  return {
    kind: 'indicator_period',
    change: `${ind.type.toUpperCase()} ${param} ${old} -> ${next}${rescaled}`,
    reason:
      next > old
        ? `a slower ${ind.type.toUpperCase()} smooths out bar-to-bar noise the model may have been fitting`
        : `a faster ${ind.type.toUpperCase()} reacts sooner to the moves the labels look for`,
  };
};

export const addIndicator: Operator = (s, draw, scale) => {
  if (s.indicators.length >= MAX_INDICATORS) return null;
  const ind = sampleIndicator(draw, scale, new Set(s.indicators.map((d) => d.id)));
  if (!ind) return null;
  attachIndicator(s, ind, draw, scale);
  const used = [
    ...Object.keys(s.fuzzy_sets).filter((k) => indicatorOf(k) === ind.id),
    ...s.features.raw.filter((k) => indicatorOf(k) === ind.id),
  ];
  return {
    kind: 'add_indicator',
    change: `added ${label(ind)} (${JSON.stringify(ind.params)}) as ${used.join(', ')}`,
    reason: `${ind.type} measures something the other inputs do not, which may add information`,
  };
};

export const removeIndicator: Operator = (s, draw) => {
  if (s.indicators.length < 2) return null;
  const ind = draw.pick(s.indicators);
  const fuzzy = Object.fromEntries(Object.entries(s.fuzzy_sets).filter(([k]) => indicatorOf(k) !== ind.id));
  const raw = s.features.raw.filter((k) => indicatorOf(k) !== ind.id);
  const trial = { ...s, fuzzy_sets: fuzzy, features: { ...s.features, raw } };
  if (featureCount(trial) === 0) return null;
  s.indicators = s.indicators.filter((d) => d !== ind);
  s.fuzzy_sets = fuzzy;
  s.features.raw = raw;
  return {
    kind: 'remove_indicator',
    change: `removed ${label(ind)}`,
    reason: 'fewer inputs leave less room to fit noise; if the result holds, the indicator was not carrying the signal',
  };
};

export const fuzzyBreakpoints: Operator = (s, draw) => {
  const keys = Object.keys(s.fuzzy_sets);
  if (!keys.length || !s.features.fuzzy) return null;
  const key = draw.pick(keys);
  const sets = s.fuzzy_sets[key]!;
  const points = Object.values(sets).flatMap((m) =>
    m.type === 'gaussian' ? [m.params[0]! - m.params[1]!, m.params[0]! + m.params[1]!] : m.params,
  );
  const { min: lo, max: hi } = minMax(points);
  const mid = (lo + hi) / 2;
  const span = hi - lo || Math.abs(mid) || 1;
  if (draw.chance(0.5)) {
    const delta = round4(span * draw.uniform(0.08, 0.25) * (draw.chance(0.5) ? 1 : -1));
    for (const m of Object.values(sets)) {
      m.params = m.type === 'gaussian' ? [round4(m.params[0]! + delta), m.params[1]!] : m.params.map((p) => round4(p + delta));
    }
    return {
      kind: 'fuzzy_breakpoints',
      change: `${key} fuzzy breakpoints shifted by ${delta > 0 ? '+' : ''}${delta}`,
      reason: `moving the ${key} zones ${delta > 0 ? 'up' : 'down'} tests whether the informative region sits elsewhere`,
    };
  }
  const g = draw.pick([0.7, 0.8, 1.25, 1.4]);
  for (const m of Object.values(sets)) {
    m.params =
      m.type === 'gaussian'
        ? [round4(mid + (m.params[0]! - mid) * g), round4(m.params[1]! * g)]
        : m.params.map((p) => round4(mid + (p - mid) * g));
  }
  return {
    kind: 'fuzzy_breakpoints',
    change: `${key} fuzzy breakpoints ${g > 1 ? 'widened' : 'narrowed'} x${g} around ${round4(mid)}`,
    reason: g > 1 ? `only extreme ${key} readings may matter` : `finer ${key} zones near the centre may separate the classes better`,
  };
};

export const laggedReturns: Operator = (s, draw) => {
  const have = s.features.lagged_returns;
  const missing = LAGS.filter((n) => !have.includes(n));
  const canRemove = have.length > 0 && featureCount(s) > 1;
  if (missing.length && (!canRemove || draw.chance(0.5))) {
    const n = draw.pick(missing);
    s.features.lagged_returns = [...have, n].sort((a, b) => a - b);
    return {
      kind: 'lagged_returns',
      change: `added the ${n}-bar lagged return`,
      reason: `recent ${n}-bar momentum or reversal may predict the label`,
    };
  }
  if (!canRemove) return null;
  const n = draw.pick(have);
  s.features.lagged_returns = have.filter((x) => x !== n);
  return {
    kind: 'lagged_returns',
    change: `removed the ${n}-bar lagged return`,
    reason: 'tests whether the indicators carry the signal without it',
  };
};

export const rawFeatures: Operator = (s, draw) => {
  const all = s.indicators.flatMap(outputKeys);
  const missing = all.filter((k) => !s.features.raw.includes(k));
  const canRemove = s.features.raw.length > 0 && featureCount(s) > 1;
  if (missing.length && (!canRemove || draw.chance(0.5))) {
    const key = draw.pick(missing);
    s.features.raw = [...s.features.raw, key];
    return {
      kind: 'raw_features',
      change: `added ${key} as a raw input`,
      reason: `the exact ${key} value may hold more than its fuzzy zones`,
    };
  }
  if (!canRemove) return null;
  const key = draw.pick(s.features.raw);
  s.features.raw = s.features.raw.filter((k) => k !== key);
  return { kind: 'raw_features', change: `removed raw input ${key}`, reason: 'a leaner input set generalises better if it was redundant' };
};
