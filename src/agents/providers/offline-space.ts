import { indicatorCatalog, indicatorTypes, type IndicatorType } from '../../domain/indicators.js';
import type { IndicatorDef, LabelsDef, Strategy } from '../../domain/strategy.js';
import type { Draw } from './offline-random.js';
import { centresFor, outputRange, partition, round4, type DataScale, type FuzzySets } from './offline-scale.js';

/**
 * The offline designer's search space: which indicators with which parameters, how their outputs
 * become features (fuzzy partitions scaled to the data, or raw z-scored values), label
 * definitions scaled to the data's volatility, model sizes and training settings. Every draw
 * goes through `Draw`, so a seed fixes the whole strategy.
 */
export interface SpaceContext {
  scale: DataScale;
  /** Epoch cap from the research loop. */
  maxEpochs: number;
  /** Data spec the strategy is designed for (written into `data.source`). */
  spec: string;
}

/** Period choices per indicator: the conventional values practitioners use, short to long. */
const PERIODS: Record<Exclude<IndicatorType, 'macd' | 'bollinger' | 'stochastic'>, number[]> = {
  sma: [5, 10, 20, 50, 100, 200],
  ema: [5, 10, 20, 50, 100],
  rsi: [2, 3, 5, 7, 9, 14, 21, 28],
  atr: [7, 10, 14, 21, 28],
  roc: [3, 5, 10, 20, 40, 60],
  obv: [10, 20, 40],
  volatility: [5, 10, 20, 40, 60],
  returns: [1, 2, 3, 5, 10, 20],
};
const MACD_FAST = [5, 8, 12];
const MACD_SLOW = [17, 21, 26, 35];
const MACD_SIGNAL = [5, 9];
const BB_PERIODS = [10, 14, 20, 30, 50];
const BB_STDDEV = [1.5, 2, 2.5];
const STOCH_K = [5, 9, 14, 21];
const STOCH_D = [3, 5];
/** Forward-return horizons in bars (one bar to about a trading month of daily bars). */
export const HORIZONS = [1, 2, 3, 5, 8, 10, 15, 20];
export const LAGS = [1, 2, 3, 5, 10, 20];
/**
 * Threshold in units of the horizon's return std: +-0.43 sigma splits a normal distribution into
 * three equal classes, so draws in 0.25..0.6 keep every class common.
 */
export const THRESHOLD_SIGMAS: [number, number] = [0.25, 0.6];
/**
 * Horizons of one or two bars: one-bar returns are fat-tailed (more mass near zero than a normal),
 * so the same sigmas make "flat" larger. Measured on sample:sp500, 1-bar labels, sigma of the whole
 * series: flat 28% at 0.2 sigma, 51% at 0.43, 63% at 0.6; on normal synthetic bars 16/33/45%.
 * 0.2..0.45 keeps flat between about a sixth and a half on both.
 */
export const SHORT_THRESHOLD_SIGMAS: [number, number] = [0.2, 0.45];
export const BALANCED_SIGMAS = 0.43;

/** The threshold range (sigmas of the horizon's return) drawn from for a horizon. */
export function thresholdRange(horizon: number): [number, number] {
  return horizon <= 2 ? SHORT_THRESHOLD_SIGMAS : THRESHOLD_SIGMAS;
}

/** The opening's narrower range, around balanced classes: a first look should not start lopsided. */
export function openingSigmas(horizon: number): [number, number] {
  return horizon <= 2 ? [0.2, 0.4] : [0.25, 0.45];
}
/**
 * Triple barriers in multiples of one bar's volatility, per sqrt(bar) of the holding period: a
 * barrier at ~1 std of the whole holding period's move leaves a fair share of "flat" (no touch);
 * at 1-1.5 one-bar vols over 15 bars almost every path touches one (measured: flat 3.6% on sp500).
 */
export const BARRIER_SIGMAS: [number, number] = [0.8, 1.3];
const LAYER_WIDTHS = [8, 16, 32, 64];
export const MAX_INDICATORS = 4;

/** Outputs as fuzzy_sets / features.raw name them: `id` for one output, `id.out` for several. */
export function outputKeys(ind: IndicatorDef): string[] {
  const outs = indicatorCatalog[ind.type].outputs as readonly string[];
  return outs.length === 1 ? [ind.id] : outs.map((o) => `${ind.id}.${o}`);
}

/** The output a key names (`value` for single-output indicators). */
export function outputOf(key: string): string {
  const dot = key.indexOf('.');
  return dot < 0 ? 'value' : key.slice(dot + 1);
}

/** The indicator a fuzzy or raw key refers to. */
export function indicatorOf(key: string): string {
  const dot = key.indexOf('.');
  return dot < 0 ? key : key.slice(0, dot);
}

/** Conventional id: type and its period parameters, e.g. rsi_14, macd_12_26, bb_20. */
export function indicatorId(type: IndicatorType, params: Record<string, unknown>): string {
  const n = (k: string) => String(params[k]);
  switch (type) {
    case 'macd':
      return `macd_${n('fast')}_${n('slow')}`;
    case 'bollinger':
      return `bb_${n('period')}`;
    case 'stochastic':
      return `stoch_${n('k_period')}`;
    default:
      return `${type}_${n('period')}`;
  }
}

/** Periods a data set of this length supports (the shortest one when none fits). */
function periods(choices: number[], maxPeriod: number): number[] {
  const ok = choices.filter((p) => p <= maxPeriod);
  return ok.length ? ok : [choices[0]!];
}

export function sampleParams(type: IndicatorType, draw: Draw, scale: DataScale): Record<string, unknown> {
  const max = scale.maxPeriod;
  switch (type) {
    case 'macd': {
      const fast = draw.pick(MACD_FAST);
      const slows = periods(MACD_SLOW, max).filter((p) => p >= fast * 1.5);
      const slow = slows.length ? draw.pick(slows) : fast * 2;
      return { fast, slow, signal: draw.pick(MACD_SIGNAL) };
    }
    case 'bollinger':
      return { period: draw.pick(periods(BB_PERIODS, max)), stddev: draw.pick(BB_STDDEV) };
    case 'stochastic':
      return { k_period: draw.pick(periods(STOCH_K, max)), d_period: draw.pick(STOCH_D) };
    case 'volatility':
      return { period: draw.pick(periods(PERIODS.volatility, max)), annualize: false };
    default:
      return { period: draw.pick(periods(PERIODS[type], max)) };
  }
}

/** A new indicator whose id is not taken (undefined when several draws all collide). */
export function sampleIndicator(draw: Draw, scale: DataScale, taken: ReadonlySet<string>): IndicatorDef | undefined {
  for (let i = 0; i < 12; i++) {
    const type = draw.pick(indicatorTypes);
    const params = sampleParams(type, draw, scale);
    const id = indicatorId(type, params);
    if (!taken.has(id)) return { id, type, params } as IndicatorDef;
  }
  return undefined;
}

/** A fuzzy partition for one output: 2-5 sets whose centres suit the output's range on this data. */
export function sampleFuzzy(ind: IndicatorDef, key: string, draw: Draw, scale: DataScale): FuzzySets {
  const range = outputRange(ind, outputOf(key), scale);
  const count = draw.pick([2, 3, 3, 3, 4, 5]);
  const spread = range.kind === 'bounded' ? draw.uniform(0.4, 0.9) : draw.uniform(0.5, 1);
  return partition(centresFor(range, count, spread));
}

/**
 * Adds an indicator with its features: a fuzzy partition over its main output (usually) and
 * some outputs raw, at least one of the two.
 */
export function attachIndicator(s: Strategy, ind: IndicatorDef, draw: Draw, scale: DataScale): void {
  s.indicators.push(ind);
  const keys = outputKeys(ind);
  const main = keys[ind.type === 'macd' ? 2 : 0]!; // macd: the histogram is the usual signal
  let used = false;
  if (draw.chance(0.75)) {
    s.fuzzy_sets[main] = sampleFuzzy(ind, main, draw, scale);
    used = true;
  }
  for (const key of keys) {
    if (draw.chance(used ? 0.3 : 0.5)) {
      s.features.raw.push(key);
      used = true;
    }
  }
  if (!used) s.features.raw.push(main);
}

/** Std of a `horizon`-bar return on this data. */
export function horizonSigma(scale: DataScale, horizon: number): number {
  return scale.sigmaBar * Math.sqrt(horizon);
}

/** Forward-return labels whose symmetric threshold is `sigmas` std of the horizon's return. */
export function forwardReturnLabels(horizon: number, sigmas: number, scale: DataScale): LabelsDef {
  const thr = Math.max(1e-4, round4(sigmas * horizonSigma(scale, horizon)));
  return { type: 'forward_return', horizon, up_threshold: thr, down_threshold: -thr };
}

export function sampleLabels(draw: Draw, scale: DataScale): LabelsDef {
  if (draw.chance(0.7)) {
    const horizon = draw.pick(HORIZONS);
    return forwardReturnLabels(horizon, draw.uniform(...thresholdRange(horizon)), scale);
  }
  const max_holding = draw.pick([5, 10, 15, 20]);
  const barrier = () => Math.round(draw.uniform(...BARRIER_SIGMAS) * Math.sqrt(max_holding) * 2) / 2;
  return {
    type: 'triple_barrier',
    profit_take: barrier(),
    stop_loss: barrier(),
    max_holding,
    volatility_window: draw.pick(periods([10, 20, 50], Math.max(10, scale.maxPeriod))),
  };
}

export function sampleModel(draw: Draw): Strategy['model'] {
  const first = draw.pick(LAYER_WIDTHS);
  const hidden_layers = draw.chance(0.6) && first >= 16 ? [first, first / 2] : [first];
  return {
    type: 'mlp',
    hidden_layers,
    activation: draw.pick(['relu', 'relu', 'tanh', 'elu'] as const),
    dropout: draw.pick([0, 0.1, 0.2, 0.3]),
    l2: draw.pick([0, 0.0001, 0.001]),
  };
}

export function sampleTraining(draw: Draw, maxEpochs: number): Strategy['training'] {
  const epochs = Math.min(Math.max(1, maxEpochs), draw.pick([10, 15, 20, 30, 40]));
  return {
    optimizer: 'adam',
    learning_rate: draw.pick([0.0005, 0.001, 0.003]),
    batch_size: draw.pick([32, 64, 128]),
    epochs,
    early_stopping_patience: Math.min(epochs, draw.pick([3, 4, 5, 6])),
    validation_fraction: 0.15,
    test_fraction: 0.15,
    class_weighting: 'balanced',
    gradient_clip: 1,
    seed: draw.int(1, 999_999),
  };
}

/** Costs stay at the defaults: a design that "finds" edge by assuming cheaper trading finds nothing. */
export function sampleDecisions(draw: Draw): Strategy['decisions'] {
  return {
    confidence_threshold: draw.pick([0.4, 0.45, 0.5, 0.55]),
    // both modes equally: a short side is how a model trades predicted falls (mean reversion, a down drift)
    mode: draw.chance(0.5) ? 'long_only' : 'long_short',
    cost_bps: 5,
    slippage_bps: 2,
  };
}

/** A strategy with no indicators or features yet, for the designer to fill in. */
export function draftStrategy(ctx: SpaceContext, parts: Pick<Strategy, 'labels' | 'model' | 'training' | 'decisions'>): Strategy {
  return {
    name: 'draft',
    description: '',
    hypothesis: '',
    data: { source: ctx.spec },
    indicators: [],
    fuzzy_sets: {},
    features: { fuzzy: true, raw: [], lagged_returns: [] },
    ...parts,
  };
}

/** A well-formed strategy drawn from the space: one to three indicators, labels, model, training. */
export function sampleStrategy(draw: Draw, ctx: SpaceContext): Strategy {
  const s = draftStrategy(ctx, {
    labels: sampleLabels(draw, ctx.scale),
    model: sampleModel(draw),
    training: sampleTraining(draw, ctx.maxEpochs),
    decisions: sampleDecisions(draw),
  });
  const count = 1 + draw.weighted([3, 4, 2]);
  for (let i = 0; i < count; i++) {
    const ind = sampleIndicator(draw, ctx.scale, new Set(s.indicators.map((d) => d.id)));
    if (ind) attachIndicator(s, ind, draw, ctx.scale);
  }
  if (draw.chance(0.6)) s.features.lagged_returns = draw.sample(LAGS, draw.int(1, 3));
  return s;
}
