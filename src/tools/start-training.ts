import { z } from 'zod';
import { defineTool } from './define-tool.js';
import { operationNextSteps } from './next-steps.js';
import { operationHandleSchema, summarizeOperation, waitSecondsSchema } from './schemas.js';
import { waitForOperation } from './wait-for-operation.js';

export const startTraining = defineTool({
  name: 'start_training',
  title: 'Start a training run',
  description:
    'Queue training of a strategy (validated first); returns the operation, at once or after wait_seconds. Success registers candidate "<strategy>@<version>" with its training gate.',
  input: z.object({
    strategy: z.string().min(1).describe('Name from list_strategies, YAML path, or inline YAML'),
    data: z
      .string()
      .optional()
      .describe(
        'Data spec: "sample:sp500" (default), "csv:<path>", "store:", "synthetic:seed=1,bars=5000[,symbols=3,family=momentum|mean_reversion|regime_direction|random_walk|garch|vol_shift,signal=0.3]"',
      ),
    overrides: z
      .object({
        symbols: z.array(z.string()).optional(),
        from: z.string().optional().describe('ISO date'),
        to: z.string().optional().describe('ISO date'),
        timeframe: z.string().optional().describe('Resample to this bar size, e.g. "4h"'),
        epochs: z.number().int().min(1).max(10000).optional(),
        seed: z.number().int().min(0).optional(),
      })
      .optional(),
    priority: z.enum(['normal', 'high']).default('normal').describe('high jumps the queue'),
    wait_seconds: waitSecondsSchema,
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
