import { z } from 'zod';
import { cycleSummary, cycleSummarySchema } from '../agents/summary.js';
import type { Operation } from '../domain/operation.js';
import type { ResearchCycle } from '../domain/research.js';
import type { Services } from '../services/index.js';
import type { ToolContext } from './define-tool.js';

export const researchRunSchema = z.object({
  run_id: z.string().describe('The research operation id, e.g. "op_20261123052926_1a2b3c"'),
  status: z.string().describe('pending, running, completed, failed, cancelled or interrupted (resumable)'),
  phase: z.string().nullable().describe('State of the current cycle: designing, training, backtesting, assessing'),
  progress_pct: z.number(),
  message: z.string().nullable(),
  goal: z.string(),
  program: z.string().describe('Research program; its trials deflate each other in the promotion gate'),
  designer: z.string().describe('claude or offline'),
  data: z.string(),
  cycles_planned: z.number(),
  stopped_by: z.string().nullable().describe('cycles, wall_time, tokens, daily_cost, cancelled, failures or shutdown'),
  promoted: z.array(z.string()).describe('Models promoted to staging by this run (production needs a person)'),
  usage: z.object({ input_tokens: z.number(), output_tokens: z.number(), requests: z.number(), cost_usd: z.number() }).nullable(),
  cycles: z.array(cycleSummarySchema),
});
export type ResearchRun = z.infer<typeof researchRunSchema>;

/** A run with its cycles, as every research tool returns it. */
export function researchRun(run: Operation, cycles: ResearchCycle[]): ResearchRun {
  const p = run.params as Record<string, unknown>;
  const r = (run.result ?? {}) as Record<string, unknown>;
  return {
    run_id: run.id,
    status: run.status,
    phase: run.phase,
    progress_pct: Math.round(run.progress_pct * 10) / 10,
    message: run.message,
    goal: String(p['goal'] ?? ''),
    program: String(p['program'] ?? ''),
    designer: String(p['designer'] ?? ''),
    data: String(p['data'] ?? ''),
    cycles_planned: Number(p['cycles'] ?? 0),
    stopped_by: typeof r['stopped_by'] === 'string' ? r['stopped_by'] : null,
    promoted: cycles.filter((c) => c.stage === 'staging' && c.model_id).map((c) => c.model_id!),
    usage: (r['usage'] as ResearchRun['usage']) ?? null,
    cycles: cycles.map(cycleSummary),
  };
}

/** Waits up to `seconds` for a run to end, forwarding its progress; the run goes on when the wait ends. */
export async function waitForResearch(services: Services, runId: string, seconds: number, ctx: ToolContext): Promise<ResearchRun> {
  if (seconds > 0)
    await services.research.waitFor(runId, {
      timeoutMs: seconds * 1000,
      signal: ctx.signal,
      onProgress: (op) => ctx.progress(op.progress_pct, op.message ?? op.phase ?? 'running'),
    });
  const { run, cycles } = services.research.status(runId);
  return researchRun(run, cycles);
}

export function renderRun(o: ResearchRun): string {
  const lines = o.cycles.map(
    (c) =>
      `#${c.cycle_index} ${c.strategy_name ?? '?'}: ${c.phase_reached}${c.verdict ? ` · ${c.verdict}` : ''}${c.model_id ? ` · ${c.model_id} (${c.stage ?? 'candidate'})` : ''}${c.error ? ` · ${c.error}` : ''}`,
  );
  return [
    `Research ${o.run_id} (${o.program}, ${o.designer}): ${o.status}${o.stopped_by ? `, stopped by ${o.stopped_by}` : ''} · ${o.message ?? ''}`,
    ...lines,
  ].join('\n');
}
