import { z } from 'zod';
import { READ_ONLY, defineTool } from './define-tool.js';
import { listing } from './json-schema.js';
import { chartsFlag } from './schemas.js';
import { renderTuning, tuningNextSteps, tuningRun, tuningRunSchema, waitForTuning } from './tuning-schemas.js';

export const getTuningStatus = defineTool({
  name: 'get_tuning_status',
  title: 'Tuning run status',
  description:
    'A tuning run: progress, every trial (parameters, validation loss per epoch, pruned or not), the best, the registered model. Without run_id: recent runs.',
  input: z.object({
    run_id: z.string().optional(),
    limit: z.number().int().min(1).max(1000).default(50).describe('Trials listed: the best first'),
    wait_seconds: z.number().min(0).max(3600).default(0),
    charts: chartsFlag,
  }),
  output: listing(
    z.object({
      run: tuningRunSchema.nullable(),
      recent: z.array(tuningRunSchema.omit({ trials: true })).describe('Without run_id: the latest runs (run without trials)'),
    }),
    { brief: ['recent'] },
  ),
  annotations: READ_ONLY,
  handler: async (input, services, ctx) => {
    if (input.run_id) return { run: await waitForTuning(services, input.run_id, input.wait_seconds, ctx, input.limit), recent: [] };
    const recent = services.registry.operations.list({ type: 'tuning', limit: 10 }).map((op) => {
      const { trials: _t, ...rest } = tuningRun(op, services.tuning.status(op.id).trials, 0);
      return rest;
    });
    return { run: null, recent };
  },
  charts: (_input, o) => (o.run ? [{ tuning: o.run.run_id }] : []),
  next: (o) => (o.run ? tuningNextSteps(o.run) : []),
  render: (o) =>
    o.run
      ? renderTuning(o.run)
      : o.recent.map((r) => `${r.run_id} ${r.status} ${r.strategy}: ${r.message ?? ''}`).join('\n') || 'No tuning runs yet.',
});
