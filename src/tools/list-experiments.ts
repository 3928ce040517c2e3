import { z } from 'zod';
import { cycleSummary } from '../agents/summary.js';
import { READ_ONLY, defineTool } from './define-tool.js';
import { listing } from './json-schema.js';
import { nextStep } from './next-steps.js';
import { listedCycleSchema } from './research-schemas.js';

export const listExperiments = defineTool({
  name: 'list_experiments',
  title: 'Research journal',
  description: "The research journal, newest first: each cycle's strategy, how far it got (gate rejections), backtest, verdict and model.",
  input: z.object({
    program: z.string().optional(),
    verdict: z.enum(['strong_signal', 'weak_signal', 'no_signal', 'overfit']).optional(),
    limit: z.number().int().min(1).max(200).default(20),
  }),
  output: z.object({
    experiments: z.array(
      listing(listedCycleSchema.extend({ program: z.string(), run_id: z.string() }), { omit: ['cycle_index', 'run_id'] }),
    ),
  }),
  annotations: READ_ONLY,
  handler: (input, services) => ({
    experiments: services.registry.research
      .list({ program: input.program, limit: input.verdict ? 10_000 : input.limit })
      .filter((c) => !input.verdict || c.verdict === input.verdict)
      .slice(0, input.limit)
      .map((c) => ({ ...cycleSummary(c), program: c.program, run_id: c.run_id })),
  }),
  next: (o) => (o.experiments.length ? [] : [nextStep('start_research', { goal: '<what to look for>' }, 'no experiments yet')]),
  render: (o) =>
    o.experiments
      .map((e) => `${e.program}#${e.cycle_index} ${e.strategy_name ?? '?'}: ${e.phase_reached}${e.verdict ? ` · ${e.verdict}` : ''}`)
      .join('\n') || 'No experiments yet.',
});
