import { z } from 'zod';
import { DomainError } from '../domain/errors.js';
import { defineTool } from './define-tool.js';
import { renderTuning, tuningNextSteps, tuningRunSchema, waitForTuning } from './tuning-schemas.js';

export const startTuning = defineTool({
  name: 'start_tuning',
  title: 'Start hyperparameter tuning',
  description:
    "Tune a strategy in the background: TPE or random trials over its search: section (or search), pruned per epoch (Hyperband); the best is retrained and registered. Every trial counts in the name's deflated Sharpe.",
  input: z.object({
    strategy: z.string().optional().describe('Strategy name, path or inline YAML'),
    search: z
      .record(z.string(), z.record(z.string(), z.unknown()))
      .optional()
      .describe('path -> {low, high, log?, step?} or {choices}; when: {parent: [values]}'),
    objective: z.enum(['val_loss', 'val_sharpe']).optional().describe('val_sharpe for labels or decisions'),
    cv: z.number().int().min(3).max(12).optional().describe('Score trials by purged k-fold CV'),
    data: z.string().optional(),
    trials: z.number().int().min(1).optional(),
    sampler: z.enum(['tpe', 'random']).optional(),
    pruner: z.enum(['hyperband', 'successive_halving', 'none']).optional(),
    parallel: z.number().int().min(1).max(16).optional(),
    seed: z.number().int().min(0).optional(),
    epochs: z.number().int().min(1).max(10000).optional(),
    resume: z.string().optional().describe('Continue this stopped run'),
    wait_seconds: z.number().min(0).max(3600).default(0),
  }),
  output: tuningRunSchema,
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  handler: async (input, services, ctx) => {
    let op;
    if (input.resume) op = services.tuning.resume(input.resume, ctx.actor, ctx.client, ctx.access, { trials: input.trials });
    else {
      if (!input.strategy)
        throw new DomainError('INVALID_ARGUMENT', 'strategy is required (or resume with a run id).', {
          field: 'strategy',
        });
      op = services.tuning.start(
        {
          strategy: input.strategy,
          search: input.search,
          objective: input.objective,
          cv: input.cv,
          data: input.data,
          trials: input.trials,
          sampler: input.sampler,
          pruner: input.pruner,
          parallel: input.parallel,
          seed: input.seed,
          overrides: input.epochs !== undefined ? { epochs: input.epochs } : undefined,
        },
        ctx.actor,
        ctx.client,
        ctx.access,
      );
    }
    return waitForTuning(services, op.id, input.wait_seconds, ctx, 50);
  },
  next: tuningNextSteps,
  render: renderTuning,
});
