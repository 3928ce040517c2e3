import { z } from 'zod';
import { defineTool } from './define-tool.js';
import { renderRun, researchNextSteps, researchRunSchema, waitForResearch } from './research-schemas.js';

export const startResearch = defineTool({
  name: 'start_research',
  title: 'Start research',
  description:
    'Research cycles in the background: design a strategy (Claude with an API key, else an offline search), train, gate, backtest against buy-and-hold, assess, learning from the journal. Passing models go to staging; production needs a person. Returns the run id (or waits wait_seconds); resume continues an interrupted run.',
  input: z.object({
    goal: z.string().max(2000).optional().describe('What to look for; names the program unless program is given'),
    cycles: z.number().int().min(1).max(100).optional().describe('Default: config research.max_cycles'),
    designer: z.enum(['auto', 'claude', 'offline']).default('auto').describe('auto: Claude when ANTHROPIC_API_KEY is set'),
    data: z.string().optional().describe('Default sample:sp500; e.g. "csv:./prices.csv", "store:"'),
    program: z.string().max(60).optional().describe('Research program name (groups trials for the deflated Sharpe)'),
    seed: z.number().int().min(0).optional().describe('Seed of the offline search (same seed, same strategies)'),
    resume: z.string().optional().describe('Resume this interrupted research run instead of starting a new one'),
    wait_seconds: z.number().min(0).max(3600).default(0).describe('Wait up to this long for the end (0: return at once)'),
  }),
  output: researchRunSchema,
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
