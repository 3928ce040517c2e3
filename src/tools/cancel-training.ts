import { z } from 'zod';
import { defineTool } from './define-tool.js';
import { operationNextSteps } from './next-steps.js';
import { operationIdSchema, operationHandleSchema, summarizeOperation } from './schemas.js';

export const cancelTraining = defineTool({
  name: 'cancel_training',
  title: 'Cancel a training run',
  description:
    'Cancel a queued or running training or backtest: it stops within one batch, leaving no model. Returns the operation once stopped.',
  input: z.object({ operation_id: operationIdSchema, reason: z.string().min(3).describe('Kept in the audit log') }),
  output: operationHandleSchema,
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false },
  handler: async (input, services, ctx) => {
    services.training.cancel(input.operation_id, input.reason, ctx.actor);
    const op = await services.jobs.waitFor(input.operation_id, { timeoutMs: 10_000, signal: ctx.signal });
    return summarizeOperation(op, services.jobs.queuePosition(op.id), services.clock());
  },
  next: operationNextSteps,
  render: (o) => `${o.operation_id} is ${o.status}${o.message ? `: ${o.message}` : ''}`,
});
