import { z } from 'zod';
import { defineTool } from './define-tool.js';

export const cancelResearch = defineTool({
  name: 'cancel_research',
  title: 'Cancel a research run',
  description:
    'Stop a research run: the cycle in progress is cancelled (no model left) and no new one starts; finished cycles and models stay.',
  input: z.object({
    run_id: z.string(),
    reason: z.string().min(3).describe('Kept in the audit log'),
  }),
  output: z.object({ run_id: z.string(), status: z.string(), message: z.string().nullable() }),
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false },
  handler: (input, services, ctx) => {
    const op = services.research.cancel(input.run_id, input.reason, ctx.actor);
    return { run_id: op.id, status: op.status, message: op.message };
  },
  render: (o) => `${o.run_id}: ${o.message ?? o.status}`,
});
