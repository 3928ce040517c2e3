import type { IndicatorDef, Membership, Strategy } from '../../domain/strategy.js';
import type { Draw } from './offline-random.js';
import { outputRange, round4, type DataScale } from './offline-scale.js';
import {
  HORIZONS,
  LAGS,
  MAX_INDICATORS,
  attachIndicator,
  horizonSigma,
  indicatorId,
  indicatorOf,
  outputKeys,
  outputOf,
  sampleIndicator,
} from './offline-space.js';

/**
 * Mutation operators of the offline designer. Each changes one thing in a strategy (in place)
 * and returns what it changed and why, in words for the hypothesis, or null when it does not
 * apply (nothing to remove, a limit reached). `direction` steers an operator when an earlier
 * experiment showed which way to go (e.g. 'down' = smaller model after an overfit verdict).
 */
export type Direction = 'up' | 'down';
export type MutationKind =
  | 'indicator_period'
  | 'add_indicator'
  | 'remove_indicator'
  | 'fuzzy_breakpoints'
  | 'label_horizon'
  | 'label_threshold'
  | 'model_size'
  | 'dropout'
  | 'confidence_threshold'
  | 'lagged_returns'
  | 'raw_features';

export const MUTATION_KINDS: MutationKind[] = [
  'indicator_period',
  'add_indicator',
  'remove_indicator',
  'fuzzy_breakpoints',
  'label_horizon',
  'label_threshold',
  'model_size',
  'dropout',
  'confidence_threshold',
  'lagged_returns',
  'raw_features',
];

export interface Mutation {
  kind: MutationKind;
  /** e.g. "RSI period 14 -> 21". */
  change: string;
  /** Why this direction is worth testing. */
  reason: string;
}

type Operator = (s: Strategy, draw: Draw, scale: DataScale, direction?: Direction) => Mutation | null;

const FACTORS_UP = [1.5, 2];
const FACTORS_DOWN = [0.5, 0.67];

function factor(draw: Draw, direction?: Direction): number {
  if (direction === 'up') return draw.pick(FACTORS_UP);
  if (direction === 'down') return draw.pick(FACTORS_DOWN);
  return draw.pick([...FACTORS_DOWN, ...FACTORS_UP]);
}

function featureCount(s: Strategy): number {
  const fuzzy = s.features.fuzzy ? Object.values(s.fuzzy_sets).reduce((n, sets) => n + Object.keys(sets).length, 0) : 0;
  return fuzzy + s.features.raw.length + s.features.lagged_returns.length;
}

/** Renames an indicator and every fuzzy / raw key that refers to it. */
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

const indicatorPeriod: Operator = (s, draw, scale, direction) => {
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

const addIndicator: Operator = (s, draw, scale) => {
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

const removeIndicator: Operator = (s, draw) => {
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

const fuzzyBreakpoints: Operator = (s, draw) => {
  const keys = Object.keys(s.fuzzy_sets);
  if (!keys.length || !s.features.fuzzy) return null;
  const key = draw.pick(keys);
  const sets = s.fuzzy_sets[key]!;
  const points = Object.values(sets).flatMap((m) =>
    m.type === 'gaussian' ? [m.params[0]! - m.params[1]!, m.params[0]! + m.params[1]!] : m.params,
  );
  const lo = Math.min(...points);
  const hi = Math.max(...points);
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

function neighbourHorizon(h: number, draw: Draw, direction?: Direction): number {
  const up = HORIZONS.filter((x) => x > h);
  const down = HORIZONS.filter((x) => x < h);
  if (direction === 'up' || (!direction && (!down.length || (up.length && draw.chance(0.5))))) return up.length ? up[0]! : h * 2;
  return down.length ? down[down.length - 1]! : h;
}

function fixPurgeGap(s: Strategy, horizon: number): void {
  if (s.training.purge_gap !== undefined && s.training.purge_gap < horizon) s.training.purge_gap = horizon;
}

const labelHorizon: Operator = (s, draw, _scale, direction) => {
  const l = s.labels;
  if (l.type === 'forward_return') {
    const next = neighbourHorizon(l.horizon, draw, direction);
    if (next === l.horizon) return null;
    const k = Math.sqrt(next / l.horizon);
    const old = l.horizon;
    l.horizon = next;
    l.up_threshold = round4(l.up_threshold * k);
    l.down_threshold = round4(l.down_threshold * k);
    fixPurgeGap(s, next);
    return {
      kind: 'label_horizon',
      change: `label horizon ${old} -> ${next} bars (thresholds scaled x${k.toFixed(2)} to +${l.up_threshold}/${l.down_threshold} to keep the classes balanced)`,
      reason:
        next > old
          ? 'a longer horizon averages out bar noise, so a slow signal can show'
          : 'a shorter horizon tests whether the signal fades quickly',
    };
  }
  const old = l.max_holding;
  const next = neighbourHorizon(old, draw, direction);
  if (next === old) return null;
  l.max_holding = next;
  fixPurgeGap(s, next);
  return {
    kind: 'label_horizon',
    change: `triple-barrier max_holding ${old} -> ${next} bars`,
    reason: next > old ? 'more time lets the barriers rather than the clock decide' : 'a shorter hold tests whether the move comes early',
  };
};

const labelThreshold: Operator = (s, draw, scale, direction) => {
  const l = s.labels;
  if (l.type === 'forward_return') {
    const g = direction === 'up' ? draw.pick([1.25, 1.4]) : direction === 'down' ? draw.pick([0.7, 0.8]) : draw.pick([0.7, 0.8, 1.25, 1.4]);
    const before = `+${l.up_threshold}/${l.down_threshold}`;
    l.up_threshold = Math.max(1e-4, round4(l.up_threshold * g));
    l.down_threshold = Math.min(-1e-4, round4(l.down_threshold * g));
    const sigmas = l.up_threshold / horizonSigma(scale, l.horizon);
    return {
      kind: 'label_threshold',
      change: `label thresholds ${before} -> +${l.up_threshold}/${l.down_threshold} (${sigmas.toFixed(2)} sigma of a ${l.horizon}-bar return)`,
      reason:
        g > 1
          ? 'wider thresholds make "flat" absorb the noise so up/down labels mark real moves'
          : 'narrower thresholds give more up/down examples to learn from',
    };
  }
  const which = draw.chance(0.5) ? 'profit_take' : 'stop_loss';
  const old = l[which];
  const next = Math.max(0.5, old + (direction === 'down' ? -0.5 : direction === 'up' ? 0.5 : draw.pick([-0.5, 0.5])));
  if (next === old) return null;
  l[which] = next;
  return {
    kind: 'label_threshold',
    change: `triple-barrier ${which} ${old} -> ${next} x volatility`,
    reason: `a ${next > old ? 'wider' : 'tighter'} ${which === 'profit_take' ? 'profit target' : 'stop'} changes which moves count as wins`,
  };
};

const modelSize: Operator = (s, draw, _scale, direction) => {
  const old = [...s.model.hidden_layers];
  const grow = direction === 'up' || (!direction && draw.chance(0.5));
  let next: number[];
  if (grow) {
    next =
      draw.chance(0.5) && old.length < 3
        ? [...old, Math.max(4, Math.floor(old[old.length - 1]! / 2))]
        : old.map((w) => Math.min(256, w * 2));
  } else {
    next = draw.chance(0.5) && old.length > 1 ? old.slice(0, -1) : old.map((w) => Math.max(4, Math.floor(w / 2)));
  }
  if (JSON.stringify(next) === JSON.stringify(old)) return null;
  s.model.hidden_layers = next;
  return {
    kind: 'model_size',
    change: `hidden layers [${old.join(', ')}] -> [${next.join(', ')}]`,
    reason: grow
      ? 'more capacity can pick up interactions between the inputs'
      : 'a smaller network has less room to memorise the training period',
  };
};

const dropout: Operator = (s, draw, _scale, direction) => {
  const old = s.model.dropout;
  const up = direction === 'up' || (!direction && (old <= 0 || draw.chance(0.5)));
  const next = Math.round(Math.max(0, Math.min(0.5, old + (up ? 0.1 : -0.1))) * 100) / 100;
  if (next === old) return null;
  s.model.dropout = next;
  return {
    kind: 'dropout',
    change: `dropout ${old} -> ${next}`,
    reason: up ? 'more dropout regularises against fitting noise' : 'less dropout lets a weak but real signal be learnt',
  };
};

const confidenceThreshold: Operator = (s, draw, _scale, direction) => {
  const old = s.decisions.confidence_threshold;
  const up = direction === 'up' || (!direction && draw.chance(0.5));
  const next = Math.round(Math.max(0.34, Math.min(0.7, old + (up ? 0.05 : -0.05))) * 100) / 100;
  if (next === old) return null;
  s.decisions.confidence_threshold = next;
  return {
    kind: 'confidence_threshold',
    change: `decision confidence threshold ${old} -> ${next}`,
    reason: up
      ? 'trading only confident predictions should raise the win rate'
      : 'a lower bar opens more positions, so the backtest has enough trades to judge',
  };
};

const laggedReturns: Operator = (s, draw) => {
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

const rawFeatures: Operator = (s, draw) => {
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

const OPERATORS: Record<MutationKind, Operator> = {
  indicator_period: indicatorPeriod,
  add_indicator: addIndicator,
  remove_indicator: removeIndicator,
  fuzzy_breakpoints: fuzzyBreakpoints,
  label_horizon: labelHorizon,
  label_threshold: labelThreshold,
  model_size: modelSize,
  dropout,
  confidence_threshold: confidenceThreshold,
  lagged_returns: laggedReturns,
  raw_features: rawFeatures,
};

/** Applies one operator of the given kind (in place); null when it does not apply to this strategy. */
export function applyMutation(kind: MutationKind, s: Strategy, draw: Draw, scale: DataScale, direction?: Direction): Mutation | null {
  return OPERATORS[kind](s, draw, scale, direction);
}

/** Some applicable random mutation (tries kinds in a drawn order); null when none applies. */
export function randomMutation(s: Strategy, draw: Draw, scale: DataScale): Mutation | null {
  for (const kind of draw.shuffle(MUTATION_KINDS)) {
    const m = applyMutation(kind, s, draw, scale);
    if (m) return m;
  }
  return null;
}

/**
 * Recombination: the indicators, fuzzy sets and features of `a` with the labels, model, training
 * and decisions of `b` (both left unchanged).
 */
export function recombine(a: Strategy, b: Strategy): Strategy {
  const c = structuredClone(a);
  c.labels = structuredClone(b.labels);
  c.model = structuredClone(b.model);
  c.training = structuredClone(b.training);
  c.decisions = structuredClone(b.decisions);
  return c;
}
