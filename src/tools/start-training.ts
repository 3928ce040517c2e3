import { z } from 'zod';
import { defineTool } from './define-tool.js';
import { operationNextSteps } from './next-steps.js';
import { operationHandleSchema, summarizeOperation } from './schemas.js';
import { waitForOperation } from './wait-for-operation.js';

export const startTraining = defineTool({
  name: 'start_training',
  title: 'Start a training run',
  description:
    'Validate a strategy and queue a training job; returns an operation id at once (or waits up to wait_seconds with progress). On success the model is registered as candidate "<strategy>@<version>" with its training gate.',
  input: z.object({
    strategy: z.string().min(1).describe('A strategy name from list_strategies, a path to a YAML file, or inline strategy YAML'),
    data: z
      .string()
      .optional()
      .describe(
        'Data spec: "sample:sp500" (default), "csv:<path>", or "synthetic:seed=1,bars=5000[,symbols=3][,family=momentum|mean_reversion|regime_direction|random_walk|garch|vol_shift][,signal=0.3]"',
      ),
    overrides: z
      .object({
        symbols: z.array(z.string()).optional(),
        from: z.string().optional().describe('First bar, ISO date'),
        to: z.string().optional().describe('Last bar, ISO date'),
        timeframe: z.string().optional().describe('Resample to this bar size, e.g. "4h"'),
        epochs: z.number().int().min(1).max(10000).optional(),
        seed: z.number().int().min(0).optional(),
      })
      .optional(),
    priority: z.enum(['normal', 'high']).default('normal').describe('high jumps the queue'),
    wait_seconds: z.number().min(0).max(3600).default(0).describe('Wait up to this long for the end (0: return at once)'),
  }),
  output: operationHandleSchema,
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  handler: async (input, services, ctx) => {
    const op = services.training.start(
      { strategy: input.strategy, data: input.data, overrides: input.overrides },
      { actor: ctx.actor, client: ctx.client, priority: input.priority, access: ctx.access },
    );
    const current = input.wait_seconds > 0 ? await waitForOperation(services, op.id, input.wait_seconds, ctx) : op;
    return summarizeOperation(current, services.jobs.queuePosition(op.id), services.clock());
  },
  view: { modelId: (o) => (typeof o.result?.['model_id'] === 'string' ? o.result['model_id'] : null) },
  next: operationNextSteps,
  render: (o) =>
    o.status === 'completed'
      ? `Training ${o.operation_id} completed: ${String(o.result?.['model_id'])} registered as a candidate (test accuracy ${Number(o.result?.['test_accuracy']).toFixed(3)} vs baseline ${Number(o.result?.['baseline_accuracy']).toFixed(3)}).`
      : `Training ${o.operation_id} is ${o.status}${o.queue_position ? ` (queue position ${o.queue_position})` : ''}${o.error ? `: ${o.error.message}` : ''}.`,
});
