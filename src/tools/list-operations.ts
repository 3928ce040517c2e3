import { z } from 'zod';
import { operationStatusSchema, operationTypeSchema } from '../domain/operation.js';
import { READ_ONLY, defineTool } from './define-tool.js';
import { operationListItemSchema, summarizeOperation } from './schemas.js';

export const listOperations = defineTool({
  name: 'list_operations',
  title: 'List operations',
  description: 'Recent long jobs (training, backtests, ...), newest first; get_status for one in full.',
  input: z.object({
    type: operationTypeSchema.optional(),
    status: operationStatusSchema.optional(),
    limit: z.number().int().min(1).max(200).default(20),
  }),
  output: z.object({ operations: z.array(operationListItemSchema) }),
  annotations: READ_ONLY,
  handler: (input, services) => ({
    operations: services.registry.operations
      .list({ type: input.type, status: input.status, limit: input.limit })
      .map((o) => summarizeOperation(o, services.jobs.queuePosition(o.id), services.clock())),
  }),
  render: (o) => o.operations.map((x) => `${x.operation_id} ${x.type} ${x.status} ${x.progress_pct}%`).join('\n') || 'No operations.',
});
