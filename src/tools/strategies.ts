import { z } from 'zod';
import { isDomainError } from '../domain/errors.js';
import { READ_ONLY, defineTool } from './define-tool.js';
import { listing } from './json-schema.js';
import { nextStep } from './next-steps.js';

export const listStrategies = defineTool({
  name: 'list_strategies',
  title: 'List example strategies',
  description: 'The strategies start_training accepts by name, with what each tests (in full: trainyard://strategies/{name}).',
  input: z.object({}),
  output: z.object({ strategies: z.array(z.object({ name: z.string(), description: z.string(), hypothesis: z.string() })) }),
  annotations: READ_ONLY,
  handler: (_input, services) => ({
    strategies: services.strategies.list().map((name) => {
      const s = services.strategies.resolve(name).strategy;
      return { name, description: s.description, hypothesis: s.hypothesis.trim() };
    }),
  }),
  render: (o) => o.strategies.map((s) => `${s.name}: ${s.description}`).join('\n'),
});

export const validateStrategy = defineTool({
  name: 'validate_strategy',
  title: 'Validate a strategy',
  description:
    'Check a strategy without training: every problem by field path, with what is allowed. Format: resource trainyard://schema/strategy.',
  input: z.object({ strategy: z.string().min(1).describe('Strategy name, path, or inline YAML') }),
  output: listing(
    z.object({
      valid: z.boolean(),
      problems: z.array(z.string()),
      name: z.string().nullable(),
      hash: z.string().nullable(),
      feature_count: z.number().nullable(),
    }),
    { omit: ['hash', 'feature_count'] },
  ),
  annotations: READ_ONLY,
  handler: (input, services, ctx) => {
    try {
      const r = services.strategies.resolve(input.strategy, ctx.access);
      const s = r.strategy;
      const fuzzy = s.features.fuzzy ? Object.values(s.fuzzy_sets).reduce((n, sets) => n + Object.keys(sets).length, 0) : 0;
      return {
        valid: true,
        problems: [],
        name: s.name,
        hash: r.hash,
        feature_count: fuzzy + s.features.raw.length + s.features.lagged_returns.length,
      };
    } catch (err) {
      // A refused path (ACCESS_DENIED) stays an error: it is not a problem of the strategy.
      if (!isDomainError(err) || (err.code !== 'INVALID_STRATEGY' && err.code !== 'STRATEGY_NOT_FOUND')) throw err;
      const problems = (err.data?.['issues'] as string[] | undefined) ?? [err.message];
      return { valid: false, problems, name: null, hash: null, feature_count: null };
    }
  },
  next: (o) =>
    o.valid && o.name
      ? [nextStep('start_training', { strategy: '<the same strategy>' }, `train ${o.name}`)]
      : [
          nextStep(
            'validate_strategy',
            { strategy: '<fixed strategy>' },
            'after fixing the problems (format: resource trainyard://schema/strategy)',
          ),
        ],
  render: (o) => (o.valid ? `valid: ${o.name} (${o.feature_count} features)` : `invalid:\n${o.problems.map((p) => `- ${p}`).join('\n')}`),
});
