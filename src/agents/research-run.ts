import type { FileAccess } from '../config/access.js';
import type { Logger } from 'pino';
import type { Config } from '../config/schema.js';
import type { Operation } from '../domain/operation.js';
import type { ResearchCycle } from '../domain/research.js';
import type { Registry } from '../registry/index.js';
import type { GateService } from '../services/gates.js';
import { budgetStop, costUsd, type BudgetReason } from './budget.js';
import { runCycle, SHUTDOWN, type CycleDeps } from './cycle.js';
import type { Providers } from './providers/index.js';
import type { LockboxPlan } from './lockbox.js';
import { programPbo, type ProgramPbo } from './program-pbo.js';
import { cycleSummary, type CycleSummary } from './summary.js';
import type { DataSummary } from './types.js';

// A designer that fails three cycles running (a bad API key, an unreachable service) will not
// recover by itself: stop instead of burning the budget.
const MAX_CONSECUTIVE_FAILURES = 3;

export interface RunPlan {
  goal: string;
  program: string;
  data: string;
  /** Which files `data` may name (the starting caller's). */
  access?: FileAccess | undefined;
  cycles: number;
  seed: number;
  dataSummary: DataSummary;
  providers: Providers;
  lockbox: LockboxPlan | null;
  /** Why there is no lockbox, when there is none. */
  lockboxNote: string | null;
}

export interface RunResult extends Record<string, unknown> {
  program: string;
  designer: string;
  data: string;
  stopped_by: BudgetReason | 'cancelled' | 'failures' | 'shutdown';
  message: string;
  cycles: CycleSummary[];
  promoted: string[];
  /** The held-out recent bars, or null with lockbox_note saying why there is none. */
  lockbox: { from: string; to: string; train_to: string; bars: number } | null;
  lockbox_note: string | null;
  /** Lockbox evaluations in this run, and in the whole program (every look makes the lockbox less fresh). */
  lockbox_looks: number;
  program_lockbox_looks: number;
  /** Probability of Backtest Overfitting over the program's trials (null figure until there are enough). */
  pbo: ProgramPbo;
  usage: { input_tokens: number; output_tokens: number; requests: number; cost_usd: number };
}

export interface RunDeps {
  registry: Registry;
  gates: GateService;
  train: CycleDeps['train'];
  backtest: CycleDeps['backtest'];
  research: Config['research'];
  logger: Logger;
  alerts?: CycleDeps['alerts'];
  clock: () => Date;
  onProgress: (op: Operation) => void;
}

const startOfUtcDay = (d: Date) => new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate())).toISOString();

/**
 * Runs a research operation: the adopted (resumed) cycles first, then new ones until a budget
 * says stop (cycles, wall time, tokens, daily cost), the run is cancelled, or the designer keeps
 * failing. Every cycle persists itself; this loop only decides whether to start another, and
 * writes the run's progress and final result.
 */
export async function runResearch(
  op: Operation,
  plan: RunPlan,
  adopted: ResearchCycle[],
  signal: AbortSignal,
  d: RunDeps,
): Promise<Operation> {
  const ops = d.registry.operations;
  const store = d.registry.research;
  const price = plan.providers.model ? (d.research.prices[plan.providers.model] ?? null) : null;
  const limits = {
    max_cycles: plan.cycles,
    max_wall_ms: d.research.max_wall_minutes * 60_000,
    max_tokens: d.research.max_tokens,
    daily_cost_usd: d.research.daily_cost_usd,
    price,
  };
  const startedAt = d.clock().getTime();
  const queue = [...adopted];
  let started = 0;
  let failures = 0;
  let lastWrite = 0;
  let stop: { reason: RunResult['stopped_by']; message: string } | null = null;

  const progress = (c: ResearchCycle, detail?: string) => {
    const now = d.clock().getTime();
    // Phase changes are written at once, training chatter at most twice a second.
    if (detail && now - lastWrite < 500) return;
    lastWrite = now;
    const done = Math.max(0, started - 1);
    const phaseShare = { designing: 0.05, training: 0.3, backtesting: 0.8, assessing: 0.9 }[c.state as string] ?? 1;
    const pct = Math.min(99, (100 * (done + phaseShare)) / Math.max(plan.cycles, started));
    const row = ops.update(op.id, {
      phase: c.state,
      progress_pct: pct,
      message: `cycle ${started}/${plan.cycles} (#${c.cycle_index} ${c.strategy_name ?? 'designing'}): ${c.state}${detail ? ` · ${detail}` : ''}`,
    });
    d.onProgress(row);
  };

  const deps: CycleDeps = {
    registry: d.registry,
    gates: d.gates,
    train: d.train,
    backtest: d.backtest,
    lockbox: plan.lockbox,
    designer: plan.providers.designer,
    assessor: plan.providers.assessor,
    research: d.research,
    clock: d.clock,
    logger: d.logger,
    alerts: d.alerts,
    goal: plan.goal,
    program: plan.program,
    data: plan.data,
    access: plan.access,
    dataSummary: plan.dataSummary,
    runId: op.id,
    signal,
    onPhase: progress,
  };

  while (!stop) {
    if (signal.aborted) {
      stop =
        signal.reason === SHUTDOWN
          ? { reason: 'shutdown', message: SHUTDOWN }
          : { reason: 'cancelled', message: `cancelled: ${String(signal.reason)}` };
      break;
    }
    let cycle = queue.shift();
    if (!cycle) {
      const runCycles = store.list({ run_id: op.id, limit: 10_000 });
      const tokens = runCycles.reduce((n, c) => n + c.usage.input_tokens + c.usage.output_tokens, 0);
      const budget = budgetStop(limits, {
        cycles_started: started,
        started_at_ms: startedAt,
        now_ms: d.clock().getTime(),
        run_tokens: tokens,
        today: store.usageSince(startOfUtcDay(d.clock())),
      });
      if (budget) {
        stop = budget;
        break;
      }
      cycle = store.create({
        program: plan.program,
        run_id: op.id,
        seed: plan.seed * 7919 + started,
        designer: plan.providers.designer.provider,
      });
    }
    started++;
    const ended = await runCycle(cycle, deps);
    if (signal.aborted) continue;
    failures = ended.state === 'failed' ? failures + 1 : 0;
    if (failures >= MAX_CONSECUTIVE_FAILURES)
      stop = { reason: 'failures', message: `${failures} cycles in a row failed; last error: ${ended.error ?? 'unknown'}` };
  }

  const cycles = store.list({ run_id: op.id, limit: 10_000 }).sort((a, b) => a.cycle_index - b.cycle_index);
  const usage = cycles.reduce(
    (u, c) => ({
      input_tokens: u.input_tokens + c.usage.input_tokens,
      output_tokens: u.output_tokens + c.usage.output_tokens,
      requests: u.requests + c.usage.requests,
    }),
    { input_tokens: 0, output_tokens: 0, requests: 0 },
  );
  const result: RunResult = {
    program: plan.program,
    designer: plan.providers.designer.provider,
    data: plan.data,
    stopped_by: stop.reason,
    message: stop.message,
    cycles: cycles.map(cycleSummary),
    promoted: cycles.filter((c) => c.stage === 'staging').map((c) => c.model_id!),
    lockbox: plan.lockbox
      ? { from: plan.lockbox.from, to: plan.lockbox.to, train_to: plan.lockbox.train_to, bars: plan.lockbox.bars }
      : null,
    lockbox_note: plan.lockboxNote,
    lockbox_looks: store.lockboxLooks({ run_id: op.id }),
    program_lockbox_looks: store.lockboxLooks({ program: plan.program }),
    pbo: programPbo(d.registry, store.list({ program: plan.program, limit: 10_000 })),
    usage: { ...usage, cost_usd: +costUsd(usage, price).toFixed(6) },
  };
  const status =
    stop.reason === 'cancelled'
      ? 'cancelled'
      : stop.reason === 'shutdown'
        ? 'interrupted'
        : stop.reason === 'failures'
          ? 'failed'
          : 'completed';
  const message =
    stop.reason === 'shutdown'
      ? `interrupted: ${SHUTDOWN}; resume with start_research {resume: "${op.id}"} or trainyard research --resume ${op.id}`
      : `${result.cycles.length} cycle(s), stopped: ${stop.message}`;
  const row = ops.update(op.id, {
    status,
    phase: 'done',
    progress_pct: 100,
    message,
    result,
    error:
      status === 'failed' || status === 'interrupted'
        ? { code: status === 'failed' ? 'RESEARCH_FAILED' : 'INTERRUPTED', message: stop.message }
        : null,
  });
  d.onProgress(row);
  return row;
}
