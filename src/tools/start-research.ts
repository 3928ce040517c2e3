import { z } from 'zod';
import { defineTool } from './define-tool.js';
import { renderRun, researchNextSteps, startedRunSchema, waitForResearch } from './research-schemas.js';
import { waitSecondsSchema } from './schemas.js';

export const startResearch = defineTool({
  name: 'start_research',
  title: 'Start research',
  description:
    'Run research cycles in the background: design a strategy (Claude or an offline search), train, gate, backtest against buy-and-hold, assess, learn from the journal. Passing models go to staging; production needs a person. Returns the run, at once or after wait_seconds.',
  input: z.object({
    goal: z.string().max(2000).optional().describe('What to look for; names the program unless given'),
    cycles: z.number().int().min(1).max(100).optional().describe('Default: config research.max_cycles'),
    designer: z.enum(['auto', 'claude', 'offline']).default('auto').describe('auto: Claude when ANTHROPIC_API_KEY is set'),
    data: z.string().optional().describe('Data spec (default sample:sp500)'),
    program: z.string().max(60).optional().describe('Groups trials for the deflated Sharpe'),
    seed: z.number().int().min(0).optional().describe('Offline search seed'),
    resume: z.string().optional().describe('Run id of an interrupted run to continue'),
    wait_seconds: waitSecondsSchema,
  }),
  output: startedRunSchema,
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
  handler: async (input, services, ctx) => {
    const op = input.resume
      ? await services.research.resume(input.resume, ctx.actor, ctx.client, ctx.access)
      : await services.research.start(input, ctx.actor, ctx.client, ctx.access);
    return waitForResearch(services, op.id, input.wait_seconds, ctx);
  },
  next: researchNextSteps,
  render: renderRun,
});
