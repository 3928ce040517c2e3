import { z } from 'zod';
import { defineTool } from './define-tool.js';

export const cancelTuning = defineTool({
  name: 'cancel_tuning',
  title: 'Cancel a tuning run',
  description:
    'Stop a tuning run: running trials stop within one batch, nothing is registered. Ended trials stay; start_tuning {resume} continues the study.',
  input: z.object({ run_id: z.string(), reason: z.string().min(3).describe('Kept in the audit log') }),
  output: z.object({ run_id: z.string(), status: z.string(), message: z.string().nullable() }),
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false },
  handler: (input, services, ctx) => {
    const op = services.tuning.cancel(input.run_id, input.reason, ctx.actor);
    return { run_id: op.id, status: op.status, message: op.message };
  },
  render: (o) => `${o.run_id}: ${o.message ?? o.status}`,
});
