import { z } from 'zod';
import { strictObject } from './strict-object.js';
import { gateOverridesSchema } from './gates.js';
import { searchSchema } from './search-space.js';
import { indicatorCatalog, indicatorTypes, type IndicatorType } from './indicators.js';

const identifier = z.string().regex(/^[a-z][a-z0-9_]*$/, 'use lower-case letters, digits and underscores, starting with a letter');

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}([T ][\d:.]+Z?)?$/, 'use an ISO date such as 2015-01-31')
  .refine((s) => !Number.isNaN(Date.parse(s)), 'not a real date');

export const timeframeSchema = z
  .string()
  .regex(/^\d+(m|h|d|w)$/, 'use a number and a unit: 1m, 5m, 15m, 1h, 4h, 1d, 1w')
  .describe('Bar size, e.g. "1h", "4h", "1d"');

/** One indicator instance: `id` is how fuzzy sets and features refer to it. */
function indicatorVariant<T extends IndicatorType>(type: T) {
  return strictObject({
    id: identifier.describe('Name used by fuzzy_sets and features, e.g. "rsi_14"'),
    type: z.literal(type),
    params: (indicatorCatalog[type].params as z.ZodType<Record<string, unknown>>).default(() => indicatorCatalog[type].params.parse({})),
  });
}
const indicatorVariants = indicatorTypes.map((t) => indicatorVariant(t));
export const indicatorSchema = z
  .discriminatedUnion('type', indicatorVariants as unknown as [(typeof indicatorVariants)[number], ...(typeof indicatorVariants)[number][]])
  .describe(`Indicator; type is one of: ${indicatorTypes.join(', ')}`);
export type IndicatorDef = z.infer<typeof indicatorSchema>;

/**
 * A fuzzy membership function. Shorthand: 3 numbers = triangular [a, b, c], 4 numbers =
 * trapezoidal [a, b, c, d] (ktrdr style, e.g. `oversold: [0, 25, 40]`).
 */
const ascending = (xs: number[]) => xs.every((x, i) => i === 0 || x >= xs[i - 1]!);
export const membershipSchema = z.union(
  [
    z
      .tuple([z.number(), z.number(), z.number()])
      .refine(ascending, 'triangular points must be ascending: [left, peak, right]')
      .transform((p) => ({ type: 'triangular' as const, params: p as number[] })),
    z
      .tuple([z.number(), z.number(), z.number(), z.number()])
      .refine(ascending, 'trapezoidal points must be ascending: [a, b, c, d]')
      .transform((p) => ({ type: 'trapezoidal' as const, params: p as number[] })),
    strictObject({
      type: z.literal('triangular'),
      params: z.tuple([z.number(), z.number(), z.number()]).refine(ascending, 'points must be ascending'),
    }),
    strictObject({
      type: z.literal('trapezoidal'),
      params: z.tuple([z.number(), z.number(), z.number(), z.number()]).refine(ascending, 'points must be ascending'),
    }),
    strictObject({
      type: z.literal('gaussian'),
      params: z.tuple([z.number(), z.number().positive('sigma must be > 0')]).describe('[mean, sigma]'),
    }),
  ],
  {
    error: () =>
      'a membership is [a, b, c] (triangular), [a, b, c, d] (trapezoidal), or {type: gaussian, params: [mean, sigma]}; points ascending',
  },
);
export type Membership = { type: 'triangular' | 'trapezoidal' | 'gaussian'; params: number[] };

export const labelsSchema = z.discriminatedUnion('type', [
  strictObject({
    type: z.literal('forward_return'),
    horizon: z.number().int().min(1).max(500).default(5).describe('Bars ahead'),
    up_threshold: z.number().min(0).default(0.01).describe('Return above which the label is "up" (0.01 = 1%)'),
    down_threshold: z.number().max(0).default(-0.01).describe('Return below which the label is "down"'),
  }),
  strictObject({
    type: z.literal('triple_barrier'),
    profit_take: z.number().positive().default(2).describe('Upper barrier in multiples of volatility'),
    stop_loss: z.number().positive().default(1).describe('Lower barrier in multiples of volatility'),
    max_holding: z.number().int().min(1).max(500).default(10).describe('Vertical barrier: bars held at most'),
    volatility_window: z.number().int().min(2).max(500).default(20).describe('Bars for the daily-vol estimate'),
  }),
]);
export type LabelsDef = z.infer<typeof labelsSchema>;

export const featuresSchema = strictObject({
  fuzzy: z.boolean().default(true).describe('Include every fuzzy membership as a feature'),
  raw: z
    .array(z.string())
    .default([])
    .describe('Indicator outputs fed directly, e.g. ["rsi_14", "macd.hist"]; z-scored with training statistics'),
  lagged_returns: z.array(z.number().int().min(1).max(500)).default([]).describe('Log returns over these bar counts'),
});

export const modelSchema = strictObject({
  type: z.literal('mlp').default('mlp'),
  hidden_layers: z.array(z.number().int().min(1).max(4096)).min(1).max(8).default([64, 32]),
  activation: z.enum(['relu', 'tanh', 'elu', 'sigmoid', 'selu']).default('relu'),
  dropout: z.number().min(0).max(0.9).default(0.2),
  l2: z.number().min(0).max(1).default(0),
});

/** Fits allowed for CPCV: C(12, 2) = 66, i.e. 12 groups two at a time; each fit is a full training run. */
export const CPCV_MAX_FITS = 66;

const binomial = (n: number, k: number) => {
  let c = 1;
  for (let i = 1; i <= k; i++) c = (c * (n - k + i)) / i;
  return Math.round(c);
};

export const crossValidationSchema = strictObject({
  type: z.literal('cpcv').describe('Combinatorial purged cross-validation (López de Prado 2018, ch. 12)'),
  groups: z
    .number()
    .int()
    .min(3, 'use 3 to 12 groups')
    .max(12, 'use 3 to 12 groups')
    .default(6)
    .describe('N: contiguous groups the samples are cut into'),
  test_groups: z
    .number()
    .int()
    .min(1, 'at least 1 test group')
    .default(2)
    .describe('k: groups tested in each fit; C(N, k) fits and k/N·C(N, k) backtest paths'),
  embargo: z
    .number()
    .int()
    .min(0)
    .optional()
    .describe('Bars dropped after each test block beyond the purge; 1% of the samples (per symbol) when absent'),
}).superRefine((cv, ctx) => {
  if (cv.groups < 3 || cv.groups > 12 || cv.test_groups < 1) return; // reported on the field
  if (cv.test_groups >= cv.groups) {
    ctx.addIssue({
      code: 'custom',
      path: ['test_groups'],
      message: `test_groups ${cv.test_groups} must be below groups ${cv.groups} (something has to be left to train on)`,
    });
    return;
  }
  const fits = binomial(cv.groups, cv.test_groups);
  if (fits > CPCV_MAX_FITS) {
    ctx.addIssue({
      code: 'custom',
      path: ['test_groups'],
      message: `groups ${cv.groups} with test_groups ${cv.test_groups} means ${fits} fits; at most ${CPCV_MAX_FITS} are allowed (e.g. groups 6 with test_groups 2 = 15 fits)`,
    });
  }
});
export type CrossValidationDef = z.infer<typeof crossValidationSchema>;

export const trainingSchema = strictObject({
  optimizer: z.enum(['adam', 'sgd', 'momentum', 'rmsprop']).default('adam'),
  learning_rate: z.number().positive().max(1).default(0.001),
  batch_size: z.number().int().min(1).max(65536).default(64),
  epochs: z.number().int().min(1).max(10000).default(30),
  early_stopping_patience: z.number().int().min(0).max(1000).default(5).describe('0 disables early stopping'),
  validation_fraction: z.number().min(0.05).max(0.5).default(0.15),
  test_fraction: z.number().min(0.05).max(0.5).default(0.15),
  purge_gap: z.number().int().min(0).optional().describe('Bars dropped at each split boundary; at least the label horizon'),
  class_weighting: z.enum(['balanced', 'none']).default('balanced'),
  gradient_clip: z.number().positive().default(1).describe('Clip gradients to this global norm'),
  seed: z.number().int().min(0).default(42),
  cross_validation: crossValidationSchema
    .optional()
    .describe('After the normal run, refit on every CPCV split and report the spread of out-of-sample figures; off when absent'),
});

export const decisionsSchema = strictObject({
  confidence_threshold: z
    .number()
    .min(0)
    .max(1)
    .default(0.4)
    .describe('The winning class needs at least this probability to open a position'),
  mode: z.enum(['long_only', 'long_short']).default('long_only'),
  cost_bps: z.number().min(0).max(1000).default(5).describe('Commission per position change, basis points'),
  slippage_bps: z.number().min(0).max(1000).default(2).describe('Slippage per position change, basis points'),
});

export const strategyDataSchema = strictObject({
  symbols: z.array(z.string().min(1)).optional().describe('Symbols to use; all in the data when absent'),
  timeframe: timeframeSchema.optional().describe("Resample the data to this bar size; the data's own bar size when absent"),
  from: isoDate.optional(),
  to: isoDate.optional(),
  source: z.string().optional().describe('Default data spec, e.g. "sample:sp500"'),
});

export const strategySchema = z
  .strictObject({
    name: identifier.describe('Strategy name; registered models are named after it'),
    description: z.string().default(''),
    hypothesis: z.string().default('').describe('What market behaviour the strategy expects to exploit'),
    version: z.union([z.string(), z.number()]).optional(),
    data: strategyDataSchema.default({}),
    indicators: z.array(indicatorSchema).min(1, 'at least one indicator is needed'),
    fuzzy_sets: z.record(z.string(), z.record(identifier, membershipSchema)).default({}),
    features: featuresSchema.default({ fuzzy: true, raw: [], lagged_returns: [] }),
    labels: labelsSchema,
    model: modelSchema.default({ type: 'mlp', hidden_layers: [64, 32], activation: 'relu', dropout: 0.2, l2: 0 }),
    training: trainingSchema.default(trainingSchema.parse({})),
    decisions: decisionsSchema.default(decisionsSchema.parse({})).describe('How predictions become positions in backtests'),
    gates: gateOverridesSchema.optional(),
    search: searchSchema.optional(),
  })
  .superRefine((s, ctx) => {
    const ids = new Set<string>();
    const outputs = new Set<string>();
    s.indicators.forEach((ind, i) => {
      if (ids.has(ind.id)) ctx.addIssue({ code: 'custom', path: ['indicators', i, 'id'], message: `duplicate indicator id "${ind.id}"` });
      ids.add(ind.id);
      const outs = indicatorCatalog[ind.type].outputs;
      if (outs.length === 1) outputs.add(ind.id);
      for (const o of outs) outputs.add(`${ind.id}.${o}`);
    });
    const valid = [...outputs].join(', ');
    for (const key of Object.keys(s.fuzzy_sets)) {
      if (!outputs.has(key))
        ctx.addIssue({ code: 'custom', path: ['fuzzy_sets', key], message: `unknown indicator output "${key}"; valid: ${valid}` });
    }
    s.features.raw.forEach((key, i) => {
      if (!outputs.has(key))
        ctx.addIssue({ code: 'custom', path: ['features', 'raw', i], message: `unknown indicator output "${key}"; valid: ${valid}` });
    });
    const fuzzyCount = Object.values(s.fuzzy_sets).reduce((n, sets) => n + Object.keys(sets).length, 0);
    const featureCount = (s.features.fuzzy ? fuzzyCount : 0) + s.features.raw.length + s.features.lagged_returns.length;
    if (featureCount === 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['features'],
        message: 'the strategy yields no features: add fuzzy_sets, features.raw or features.lagged_returns',
      });
    }
    if (s.labels.type === 'forward_return' && s.labels.up_threshold === 0 && s.labels.down_threshold === 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['labels'],
        message: 'up_threshold and down_threshold are both 0: nothing would be labelled "flat"',
      });
    }
    const horizon = labelHorizon(s.labels);
    if (s.training.purge_gap !== undefined && s.training.purge_gap < horizon) {
      ctx.addIssue({
        code: 'custom',
        path: ['training', 'purge_gap'],
        message: `purge_gap ${s.training.purge_gap} is shorter than the label horizon ${horizon}; use at least ${horizon} or leave it out`,
      });
    }
    if (s.training.validation_fraction + s.training.test_fraction > 0.7) {
      ctx.addIssue({
        code: 'custom',
        path: ['training'],
        message: 'validation_fraction + test_fraction must leave at least 30% for training',
      });
    }
  });

export type Strategy = z.infer<typeof strategySchema>;
export type StrategyInput = z.input<typeof strategySchema>;

/** Bars a label looks ahead: the minimum purge gap between split parts. */
export function labelHorizon(labels: LabelsDef): number {
  return labels.type === 'forward_return' ? labels.horizon : labels.max_holding;
}

export const LABEL_CLASSES = ['down', 'flat', 'up'] as const;
