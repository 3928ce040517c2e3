import { z } from 'zod';
import { strictObject } from './strict-object.js';

/**
 * A strategy's `search:` section (or the `search` argument of start_tuning): which strategy fields a
 * tuning run varies and over what. Keys are field paths as written in the strategy:
 * `training.learning_rate`, `model.hidden_layers`, `model.hidden_layers.0`, `labels.horizon`,
 * `decisions.confidence_threshold`, `indicators.<id>.params.<name>`. A value is a range
 * (`{low, high}` with optional `log`, `step`, `type: int|float`) or a list of `choices`. `when:
 * {<parent path>: [values]}` makes a parameter conditional: it is drawn only in trials whose
 * parent (a `choices` parameter) took one of those values.
 */

export const searchValueSchema = z.union([z.number(), z.string(), z.boolean(), z.null(), z.array(z.number())]);

const pathSchema = z
  .string()
  .regex(
    /^(training|model|labels|decisions|features|data|indicators)(\.[a-z0-9_]+)+$/,
    'a strategy field path such as "training.learning_rate" or "indicators.rsi_14.params.period"',
  );

const whenSchema = z
  .record(pathSchema, z.array(searchValueSchema).min(1, 'list at least one value of the parent'))
  .refine((w) => Object.keys(w).length === 1, 'name exactly one parent parameter, e.g. {labels.type: [forward_return]}')
  .optional()
  .describe('Draw this parameter only when the parent parameter took one of these values');

export const rangeSpecSchema = strictObject({
  low: z.number().describe('Smallest value (inclusive)'),
  high: z.number().describe('Largest value (inclusive)'),
  log: z.boolean().default(false).describe('Sample log-uniformly (low > 0): learning rates, L2'),
  step: z.number().positive().optional().describe('Values are low + k * step'),
  type: z.enum(['float', 'int']).optional().describe("Default: the field's own type"),
  when: whenSchema,
}).superRefine((r, ctx) => {
  if (!(r.low <= r.high)) ctx.addIssue({ code: 'custom', path: ['high'], message: `high ${r.high} is below low ${r.low}` });
  if (r.log && !(r.low > 0)) ctx.addIssue({ code: 'custom', path: ['low'], message: `a log range needs low > 0 (got ${r.low})` });
  if (r.log && r.step !== undefined)
    ctx.addIssue({ code: 'custom', path: ['step'], message: 'step and log cannot be combined (as in Optuna)' });
});

export const choiceSpecSchema = strictObject({
  choices: z.array(searchValueSchema).min(1, 'list at least one choice').max(64, 'at most 64 choices'),
  when: whenSchema,
});

export const paramSpecSchema = z.union([rangeSpecSchema, choiceSpecSchema], {
  error: () =>
    'a search parameter is a range {low, high, log?, step?, type?} or {choices: [...]}, optionally with when: {parent: [values]}',
});

export const searchSchema = z
  .record(pathSchema, paramSpecSchema)
  .refine((s) => Object.keys(s).length >= 1, 'name at least one parameter to search over')
  .refine((s) => Object.keys(s).length <= 64, 'at most 64 parameters')
  .describe('Tuning search space: field path -> {low, high, log?, step?} or {choices}; used by trainyard tune / start_tuning');

export type SearchSpec = z.infer<typeof searchSchema>;
export type ParamSpec = z.infer<typeof paramSpecSchema>;
