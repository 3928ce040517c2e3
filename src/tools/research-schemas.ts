import { z } from 'zod';
import { cycleSummary, cycleSummarySchema } from '../agents/summary.js';
import type { Operation } from '../domain/operation.js';
import type { ResearchCycle } from '../domain/research.js';
import type { Services } from '../services/index.js';
import type { Registry } from '../registry/index.js';
import { programPbo } from '../agents/program-pbo.js';
import type { ToolContext } from './define-tool.js';
import { listing } from './json-schema.js';
import { nextStep } from './next-steps.js';

/** A cycle as research tools list it: how far it got, the verdict and the model; the rest rides along unlisted or brief. */
export const listedCycleSchema = listing(
  cycleSummarySchema.extend({
    gates: cycleSummarySchema.shape.gates.describe('Gates reached: gate, passed, failing (reasons)'),
    backtest: cycleSummarySchema.shape.backtest.describe('sharpe, total_return, trades, buy_and_hold_sharpe, ...'),
  }),
  {
    brief: ['backtest'],
    omit: [
      'cycle_id',
      'test_accuracy',
      'baseline_accuracy',
      'deflated_sharpe',
      'next_hypotheses',
      'usage',
      'hypothesis',
      'rationale',
      'gates',
      'lockbox',
      'stage',
      'error',
    ],
  },
);

export const researchRunSchema = listing(
  z.object({
    run_id: z.string(),
    status: z.string().describe('An operation status; interrupted: resumable'),
    phase: z.string().nullable().describe("Current cycle's: designing, training, backtesting, assessing"),
    progress_pct: z.number(),
    message: z.string().nullable(),
    goal: z.string(),
    program: z.string(),
    designer: z.string().describe('claude or offline'),
    data: z.string(),
    cycles_planned: z.number(),
    stopped_by: z.string().nullable().describe('cycles, wall_time, tokens, daily_cost, cancelled, failures or shutdown'),
    promoted: z.array(z.string()).describe('Models it promoted to staging'),
    usage: z.object({ input_tokens: z.number(), output_tokens: z.number(), requests: z.number(), cost_usd: z.number() }).nullable(),
    lockbox: z
      .object({ from: z.string(), to: z.string(), train_to: z.string(), bars: z.number() })
      .nullable()
      .describe('Recent bars held out of every cycle (no designer, assessor or selection gate sees them); null when off'),
    lockbox_looks: z.number().describe('Lockbox evaluations in this run (only models that passed every gate get one)'),
    program_lockbox_looks: z.number().nullable().describe('Lockbox evaluations in the whole program'),
    pbo: z
      .object({
        pbo: z
          .number()
          .nullable()
          .describe("Probability of Backtest Overfitting (CSCV) over the program's trials; null until there are enough"),
        trials: z.number(),
        periods: z.number(),
        blocks: z.number(),
        combinations: z.number(),
        median_logit: z.number().nullable(),
        prob_oos_loss: z.number().nullable(),
        note: z.string().nullable(),
      })
      .nullable()
      .describe('Probability of backtest overfitting'),
    cycles: z.array(listedCycleSchema).describe('cycle_index, strategy_name, phase_reached, verdict, model_id, backtest'),
  }),
  {
    brief: ['pbo', 'cycles'],
    omit: ['progress_pct', 'goal', 'data', 'lockbox_looks', 'program_lockbox_looks', 'usage', 'lockbox', 'designer', 'cycles_planned'],
  },
);
export type ResearchRun = z.infer<typeof researchRunSchema>;

/** The run start_research returns, as listed: its id and state; get_research_status lists its cycles. */
export const startedRunSchema = listing(researchRunSchema, { omit: ['phase', 'pbo', 'cycles'] });

/** A run with its cycles, as every research tool returns it. */
export function researchRun(run: Operation, cycles: ResearchCycle[], registry?: Registry): ResearchRun {
  const p = run.params as Record<string, unknown>;
  const program = String(p['program'] ?? '');
  const lockbox = p['lockbox'] as ResearchRun['lockbox'] | undefined;
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
    lockbox: lockbox ? { from: lockbox.from, to: lockbox.to, train_to: lockbox.train_to, bars: lockbox.bars } : null,
    lockbox_looks: cycles.filter((c) => c.lockbox !== null).length,
    program_lockbox_looks: registry ? registry.research.lockboxLooks({ program }) : null,
    pbo: registry ? programPbo(registry, registry.research.list({ program, limit: 10_000 })) : null,
    cycles: cycles.map(cycleSummary),
  };
}

/** Waits up to `seconds` for a run to end, forwarding its progress; the run goes on when the wait ends. */
export async function waitForResearch(services: Services, runId: string, seconds: number, ctx: ToolContext): Promise<ResearchRun> {
  if (seconds > 0)
    await services.research.waitFor(runId, {
      timeoutMs: Math.min(seconds, ctx.maxWaitSeconds) * 1000,
      signal: ctx.signal,
      onProgress: (op) => ctx.progress(op.progress_pct, op.message ?? op.phase ?? 'running'),
    });
  const { run, cycles } = services.research.status(runId);
  return researchRun(run, cycles, services.registry);
}

/** Next steps for a research run: follow it while it runs, look at what it promoted when it ends. */
export function researchNextSteps(o: Pick<ResearchRun, 'run_id' | 'status' | 'promoted'>): string[] {
  if (o.status === 'pending' || o.status === 'running')
    return [nextStep('get_research_status', { run_id: o.run_id, wait_seconds: 600 }, 'wait for it with progress')];
  if (o.status === 'interrupted') return [nextStep('start_research', { resume: o.run_id }, 'continue its unfinished cycles')];
  return o.promoted.map((id) => nextStep('get_model', { model_id: id }, 'promoted to staging; production needs a person'));
}

export function renderRun(o: ResearchRun): string {
  const lines = o.cycles.map(
    (c) =>
      `#${c.cycle_index} ${c.strategy_name ?? '?'}: ${c.phase_reached}${c.verdict ? ` · ${c.verdict}` : ''}${c.model_id ? ` · ${c.model_id} (${c.stage ?? 'candidate'})` : ''}${c.lockbox ? ` · lockbox Sharpe ${c.lockbox.sharpe.toFixed(2)} ${c.lockbox.passed ? 'held up' : 'did not hold up'}` : ''}${c.error ? ` · ${c.error}` : ''}`,
  );
  const lockbox = o.lockbox
    ? `Lockbox ${o.lockbox.from.slice(0, 10)} .. ${o.lockbox.to.slice(0, 10)} (${o.lockbox.bars} bars held out): looked at ${o.lockbox_looks} time(s) in this run${o.program_lockbox_looks !== null ? `, ${o.program_lockbox_looks} in the program` : ''}`
    : 'No lockbox';
  const pbo = o.pbo
    ? o.pbo.pbo !== null
      ? `PBO ${o.pbo.pbo.toFixed(2)} over ${o.pbo.trials} trials, ${o.pbo.periods} bars`
      : `PBO: ${o.pbo.note}`
    : null;
  return [
    `Research ${o.run_id} (${o.program}, ${o.designer}): ${o.status}${o.stopped_by ? `, stopped by ${o.stopped_by}` : ''} · ${o.message ?? ''}`,
    ...lines,
    lockbox,
    ...(pbo ? [pbo] : []),
  ].join('\n');
}
