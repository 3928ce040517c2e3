import { z } from 'zod';
import { trainingGate } from '../monitoring/gates.js';
import { READ_ONLY, defineTool } from './define-tool.js';
import { listing } from './json-schema.js';
import { nextStep, operationNextSteps } from './next-steps.js';
import { gateResultSchema, operationIdSchema, operationSummarySchema, summarizeOperation } from './schemas.js';

export const getStatus = defineTool({
  name: 'get_status',
  title: 'Operation status',
  description:
    "An operation's status, progress and result (training: model_id, training gate; backtest: figures vs buy-and-hold); without operation_id: current run, queue, last completed. Cheap to poll.",
  input: z.object({ operation_id: operationIdSchema.optional() }),
  output: listing(
    z.object({
      operation: operationSummarySchema.optional(),
      training_gate: gateResultSchema.nullable().optional().describe('passed, checks[].reason'),
      current_run: operationSummarySchema.nullable().optional(),
      queue: z.array(z.string()).optional().describe('Operation ids, next first'),
      last_completed: operationSummarySchema.nullable().optional(),
      next_scheduled_run: z.string().nullable().optional(),
    }),
    { brief: ['training_gate'], omit: ['next_scheduled_run'] },
  ),
  annotations: READ_ONLY,
  handler: (input, services) => {
    const now = services.clock();
    const summary = (id: string) => summarizeOperation(services.registry.operations.get(id), services.jobs.queuePosition(id), now);
    if (input.operation_id) {
      const op = summary(input.operation_id);
      const modelId = op.result?.['model_id'];
      let gate = null;
      if (op.type === 'training' && typeof modelId === 'string') {
        // The gate stored at registration; computed now for a version registered before gates were stored.
        const stored = services.registry.evaluations.latestGates(modelId).find((g) => g.result.gate === 'training');
        const model = services.registry.models.get(modelId);
        gate = stored?.result ?? trainingGate(model, services.gates.gatesFor(model).thresholds.training, now);
      }
      return { operation: op, training_gate: gate };
    }
    const stats = services.jobs.stats();
    const recent = services.registry.operations.list({ limit: 50 });
    const running = recent.find((o) => o.status === 'running');
    const last = recent.find((o) => o.status !== 'running' && o.status !== 'pending');
    return {
      current_run: running ? summary(running.id) : null,
      queue: stats.queued,
      last_completed: last ? summary(last.id) : null,
      next_scheduled_run: null,
    };
  },
  next: (o) => {
    if (o.operation) return operationNextSteps(o.operation);
    return o.current_run ? [nextStep('get_status', { operation_id: o.current_run.operation_id }, 'the run in progress')] : [];
  },
  render: (o) =>
    o.operation
      ? `${o.operation.operation_id}: ${o.operation.status} ${o.operation.progress_pct}% ${o.operation.phase ?? ''} ${o.operation.message ?? ''}${o.training_gate ? ` · training gate ${o.training_gate.passed ? 'passed' : 'failed'}` : ''}`
      : `current: ${o.current_run?.operation_id ?? 'none'} · queued: ${o.queue?.length ?? 0} · last: ${o.last_completed ? `${o.last_completed.operation_id} ${o.last_completed.status}` : 'none'}`,
});
