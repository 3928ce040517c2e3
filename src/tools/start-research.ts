import { z } from 'zod';
import { defineTool } from './define-tool.js';
import { renderRun, researchRunSchema, waitForResearch } from './research-schemas.js';

export const startResearch = defineTool({
  name: 'start_research',
  title: 'Start (or resume) an autonomous research run',
  description:
    'Run research cycles in the background: design a strategy (Claude when an API key is set, else a deterministic offline search over the strategy space), ' +
    'train it, apply the training gate, backtest it out of sample against buy-and-hold, apply the backtest and promotion gates, and assess it; ' +
    'each cycle learns from the journal of earlier ones. Models that pass the promotion gate go to staging; production always needs a person. ' +
    'Every trial counts toward the deflated Sharpe of its program, so more tries make promotion harder. Returns the run id at once ' +
    '(wait_seconds to wait with progress); follow with get_research_status, stop with cancel_research. ' +
    'resume: a run id that ended interrupted (trainyard stopped) continues its unfinished cycles at their last completed phase.',
  input: z.object({
    goal: z.string().max(2000).optional().describe('What to look for, in your words; also names the program unless program is given'),
    cycles: z.number().int().min(1).max(100).optional().describe('Cycles to run (default from config research.max_cycles)'),
    designer: z.enum(['auto', 'claude', 'offline']).default('auto').describe('auto: Claude when ANTHROPIC_API_KEY is set'),
    data: z.string().optional().describe('Data spec to research on (default sample:sp500), e.g. "csv:./prices.csv", "store:"'),
    program: z.string().max(60).optional().describe('Research program name (groups trials for the deflated Sharpe)'),
    seed: z.number().int().min(0).optional().describe('Seed of the offline search (same seed, same strategies)'),
    resume: z.string().optional().describe('Resume this interrupted research run instead of starting a new one'),
    wait_seconds: z.number().min(0).max(3600).default(0).describe('Wait up to this long for the run to finish (0 = return at once)'),
  }),
  output: researchRunSchema,
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
  handler: async (input, services, ctx) => {
    const op = input.resume
      ? await services.research.resume(input.resume, ctx.actor, ctx.client, ctx.access)
      : await services.research.start(input, ctx.actor, ctx.client, ctx.access);
    return waitForResearch(services, op.id, input.wait_seconds, ctx);
  },
  render: renderRun,
});
