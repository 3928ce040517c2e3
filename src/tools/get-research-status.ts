import { z } from 'zod';
import { chartsFlag, waitSecondsSchema } from './schemas.js';
import { READ_ONLY, defineTool } from './define-tool.js';
import { listing } from './json-schema.js';
import { renderRun, researchNextSteps, researchRun, researchRunSchema, waitForResearch } from './research-schemas.js';

export const getResearchStatus = defineTool({
  name: 'get_research_status',
  title: 'Research run status',
  description:
    'A research run with every cycle (strategy, how far it got, backtest vs buy-and-hold, verdict, model); without run_id, the recent runs.',
  input: z.object({
    run_id: z.string().optional(),
    wait_seconds: waitSecondsSchema,
    charts: chartsFlag,
  }),
  output: listing(
    z.object({
      run: researchRunSchema.nullable(),
      recent: z.array(researchRunSchema.omit({ cycles: true })).describe('As run, without cycles'),
    }),
    { brief: ['recent'] },
  ),
  annotations: READ_ONLY,
  handler: async (input, services, ctx) => {
    if (input.run_id) return { run: await waitForResearch(services, input.run_id, input.wait_seconds, ctx), recent: [] };
    const recent = services.registry.operations.list({ type: 'research', limit: 10 }).map((op) => {
      const { cycles: _c, ...rest } = researchRun(op, services.registry.research.list({ run_id: op.id, limit: 1000 }));
      return rest;
    });
    return { run: null, recent };
  },
  charts: (_input, o) => (o.run ? [{ program: o.run.program }] : []),
  next: (o) => (o.run ? researchNextSteps(o.run) : []),
  render: (o) =>
    o.run
      ? renderRun(o.run)
      : o.recent.map((r) => `${r.run_id} ${r.status} ${r.program} (${r.designer}): ${r.message ?? ''}`).join('\n') ||
        'No research runs yet.',
});
