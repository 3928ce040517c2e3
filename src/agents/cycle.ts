import type { FileAccess } from '../config/access.js';
import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import type { Config } from '../config/schema.js';
import { isDomainError } from '../domain/errors.js';
import type { GateResult, ModelVersion } from '../domain/model-version.js';
import type { ResearchCycle } from '../domain/research.js';
import { parseStrategy } from '../pipeline/strategy-source.js';
import type { PipelineProgress, TrainingResult } from '../pipeline/result.js';
import type { Alerts } from '../monitoring/alerts.js';
import type { Registry } from '../registry/index.js';
import type { GateService } from '../services/gates.js';
import type { Operation } from '../domain/operation.js';
import { summarizeJournal } from './journal.js';
import { evaluateLockbox, trainingEnd, type LockboxFigures, type LockboxPlan } from './lockbox.js';
import type { LockboxResult } from '../domain/research.js';
import type { AssessmentRequest, Assessor, DataSummary, Designer, TokenUsage } from './types.js';

/** What one cycle needs; the research service builds it once per run. */
export interface CycleDeps {
  registry: Registry;
  gates: GateService;
  train: (
    input: { strategy: string; data: string },
    ctx: {
      actor: string;
      parent_id: string;
      signal: AbortSignal;
      access?: FileAccess | undefined;
      onQueued: (op: Operation) => void;
      onProgress: (p: PipelineProgress) => void;
    },
  ) => Promise<TrainingResult & { operation_id: string }>;
  /** Runs a backtest job of a registered model to its end (the lockbox evaluation). */
  backtest: (
    input: { model_id: string; data: string; from: string },
    ctx: {
      actor: string;
      parent_id: string;
      signal: AbortSignal;
      access?: FileAccess | undefined;
      onProgress?: (p: PipelineProgress) => void;
    },
  ) => Promise<{ operation_id: string; strategy: LockboxFigures & { total_return: number }; traded: { from: string; to: string } }>;
  /** The run's held-out recent bars; null when there is none. */
  lockbox: LockboxPlan | null;
  designer: Designer;
  assessor: Assessor;
  research: Config['research'];
  clock: () => Date;
  logger: Logger;
  goal: string;
  program: string;
  data: string;
  /** Which files `data` may name: those of the caller that started the run (an MCP client's roots). */
  access?: FileAccess | undefined;
  dataSummary: DataSummary;
  runId: string;
  signal: AbortSignal;
  /** Escalations (a model ready for a person's production decision) go to connected clients. */
  alerts?: Pick<Alerts, 'emit'> | undefined;
  /** Told at every phase change and training progress (for the run's progress row). */
  onPhase: (cycle: ResearchCycle, detail?: string) => void;
}

const ACTOR = 'research';

/** The abort reason used when trainyard itself stops: cycles stay where they are, resumable. */
export const SHUTDOWN = 'trainyard is shutting down';

function addUsage(a: ResearchCycle['usage'], b: Partial<TokenUsage> | undefined): ResearchCycle['usage'] {
  return {
    input_tokens: a.input_tokens + (b?.input_tokens ?? 0),
    output_tokens: a.output_tokens + (b?.output_tokens ?? 0),
    requests: a.requests + (b?.requests ?? 0),
  };
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** Share of each label class over the data it trained on (from the model's result.json). */
function labelShares(m: ModelVersion): Record<string, number | null> {
  try {
    const r = JSON.parse(fs.readFileSync(path.join(m.artifact_path, 'result.json'), 'utf8')) as {
      data_summary?: { label_balance?: { down: number; flat: number; up: number } };
    };
    const b = r.data_summary?.label_balance;
    const n = b ? b.down + b.flat + b.up : 0;
    if (!b || n === 0) return {};
    return {
      label_down_share: +(b.down / n).toFixed(4),
      label_flat_share: +(b.flat / n).toFixed(4),
      label_up_share: +(b.up / n).toFixed(4),
    };
  } catch {
    return {};
  }
}

/** The training gate's directional statistics recorded with the model (see monitoring/validation/evidence.ts). */
function directionMetrics(m: ModelVersion): Record<string, number | null> {
  const d = (m.metrics.test['significance'] as { direction?: Record<string, { value?: unknown; p_value?: unknown }> } | undefined)
    ?.direction;
  if (!d) return {};
  return {
    direction_edge: num(d['edge']?.value),
    direction_edge_p: num(d['edge']?.p_value),
    log_loss_improvement: num(d['log_loss_improvement']?.value),
    log_loss_improvement_p: num(d['log_loss_improvement']?.p_value),
  };
}

/** The figures the journal keeps for a trained cycle model (test segment, out of sample). */
export function cycleMetrics(m: ModelVersion): Record<string, number | null> {
  const bt = (m.metrics.backtest ?? {}) as { strategy?: Record<string, unknown>; buy_and_hold?: Record<string, unknown> };
  const s = bt.strategy ?? {};
  const h = bt.buy_and_hold ?? {};
  return {
    test_accuracy: num(m.metrics.test['accuracy']),
    baseline_accuracy: num(m.metrics.test['baseline_accuracy']),
    validation_accuracy: num(m.metrics.validation['accuracy']),
    test_loss: num(m.metrics.test['loss']),
    epochs_run: num(m.metrics.training['epochs_run']),
    best_epoch: num(m.metrics.training['best_epoch']),
    loss_decrease: num(m.metrics.training['loss_decrease']),
    oos_sharpe: num(s['sharpe']),
    oos_total_return: num(s['total_return']),
    oos_max_drawdown: num(s['max_drawdown']),
    oos_win_rate: num(s['win_rate']),
    oos_trades: num(s['trade_count']),
    oos_bars: num(s['bars']),
    buy_and_hold_sharpe: num(h['sharpe']),
    buy_and_hold_total_return: num(h['total_return']),
    ...directionMetrics(m),
    ...labelShares(m),
  };
}

/** How a cycle ends, from the gates it reached. */
export function outcomeOf(gates: GateResult[] | null): 'done' | 'gate_rejected_training' | 'gate_rejected_backtest' {
  if (gates?.find((g) => g.gate === 'training' && !g.passed)) return 'gate_rejected_training';
  if (gates?.find((g) => g.gate === 'backtest' && !g.passed)) return 'gate_rejected_backtest';
  return 'done';
}

/** The gate stored when the model was registered, or evaluated now (and stored) if there is none. */
async function registrationGate(d: CycleDeps, model: ModelVersion, gate: 'training' | 'backtest'): Promise<GateResult> {
  const stored = d.registry.evaluations.latestGates(model.model_id).find((g) => g.result.gate === gate);
  return stored?.result ?? (await d.gates.evaluateAndRecord(model, gate, 'research', ACTOR)).result;
}

function numbers(o: Record<string, unknown> | undefined): Record<string, number> {
  return Object.fromEntries(Object.entries(o ?? {}).filter((e): e is [string, number] => typeof e[1] === 'number'));
}

async function design(c: ResearchCycle, d: CycleDeps): Promise<ResearchCycle> {
  const journal = summarizeJournal(d.registry.research.list({ program: d.program, limit: 1000 }).filter((x) => x.cycle_id !== c.cycle_id));
  const out = await d.designer.design(
    {
      goal: d.goal,
      program: d.program,
      data: d.dataSummary,
      journal,
      seed: c.seed,
      cycle_index: c.cycle_index,
      max_epochs: d.research.max_epochs,
    },
    { signal: d.signal },
  );
  const resolved = parseStrategy(out.strategy_yaml, `cycle ${c.cycle_index}`);
  return d.registry.research.update(c.cycle_id, {
    state: 'training',
    strategy_yaml: out.strategy_yaml,
    strategy_name: resolved.strategy.name,
    strategy_hash: resolved.hash,
    hypothesis: out.hypothesis,
    usage: addUsage(c.usage, out.usage),
  });
}

async function train(c: ResearchCycle, d: CycleDeps): Promise<ResearchCycle> {
  let modelId: string | null = null;
  // Resumed after a restart: a training job that completed before the stop is not repeated.
  if (c.training_op_id) {
    const op = d.registry.operations.get(c.training_op_id);
    if (op.status === 'completed' && typeof op.result?.['model_id'] === 'string') modelId = op.result['model_id'];
  }
  if (!modelId) {
    const result = await d.train(
      // The lockbox stays out of training, validation and the test segment.
      { strategy: c.strategy_yaml!, data: d.data, ...(d.lockbox ? { overrides: { to: trainingEnd(c.strategy_yaml!, d.lockbox) } } : {}) },
      {
        actor: ACTOR,
        parent_id: d.runId,
        signal: d.signal,
        access: d.access,
        onQueued: (op) => d.onPhase(d.registry.research.update(c.cycle_id, { training_op_id: op.id }), `training job ${op.id} queued`),
        onProgress: (p) => d.onPhase(c, p.message),
      },
    );
    modelId = result.model_id;
  }
  const model = d.registry.models.get(modelId);
  const training = await registrationGate(d, model, 'training');
  return d.registry.research.update(c.cycle_id, {
    state: training.passed ? 'backtesting' : 'assessing',
    model_id: modelId,
    metrics: cycleMetrics(model),
    gates: [training],
  });
}

async function backtestAndPromote(c: ResearchCycle, d: CycleDeps): Promise<ResearchCycle> {
  const model = d.registry.models.get(c.model_id!);
  const gates = [...(c.gates ?? []).filter((g) => g.gate === 'training')];
  const backtest = await registrationGate(d, model, 'backtest');
  gates.push(backtest);
  let stage = model.stage;
  let lockbox: LockboxResult | null = c.lockbox;
  const metrics = { ...(c.metrics ?? cycleMetrics(model)) };
  if (backtest.passed) {
    // The promotion gate counts every trial of the program (deflated Sharpe) and checks feature
    // drift on bars the model never saw: the lockbox's indicator values (never its returns or labels).
    const recentData = d.lockbox ? { recentData: { spec: d.data, from: d.lockbox.from } } : {};
    const promotion = (await d.gates.evaluateAndRecord(model, 'promotion', 'research', ACTOR, recentData)).result;
    gates.push(promotion);
    metrics['deflated_sharpe'] = promotion.checks.find((k) => k.name === 'deflated_sharpe')?.value ?? null;
    if (promotion.passed && d.lockbox) {
      lockbox = await evaluateLockbox(c, d, model, ACTOR);
      // Saved at once: a restart after the look resumes with it instead of looking again.
      c = d.registry.research.update(c.cycle_id, { lockbox });
    }
    const holdsUp = !d.lockbox || lockbox?.passed === true;
    if (promotion.passed && holdsUp && d.research.auto_promote_staging && model.stage === 'candidate') {
      const out = d.registry.models.promote(
        {
          model_id: model.model_id,
          to_stage: 'staging',
          reason: `research cycle ${c.cycle_index} of ${d.program} passed the promotion gate${d.lockbox ? ` and held up on the lockbox (Sharpe ${lockbox!.sharpe.toFixed(2)})` : ''}; production needs a person`,
          gate_result: promotion,
        },
        ACTOR,
      );
      stage = out.model.stage;
      d.alerts?.emit({
        kind: 'promotion_ready',
        level: 'notice',
        name: model.name,
        model_id: model.model_id,
        operation_id: d.runId,
        at: promotion.evaluated_at,
        message: `Research cycle ${c.cycle_index} of ${d.program}: ${model.model_id} passed every gate${d.lockbox ? ' and the lockbox' : ''} and is in staging; production needs a person (promote_model after review).`,
      });
    }
  }
  return d.registry.research.update(c.cycle_id, { state: 'assessing', gates, stage, metrics, lockbox });
}

async function assess(c: ResearchCycle, d: CycleDeps): Promise<ResearchCycle> {
  const m = c.metrics ?? {};
  const model = d.registry.models.get(c.model_id!);
  const bt = model.metrics.backtest as { strategy?: Record<string, unknown>; buy_and_hold?: Record<string, unknown> } | undefined;
  const outcome = outcomeOf(c.gates);
  const request: AssessmentRequest = {
    goal: d.goal,
    strategy_name: c.strategy_name ?? '',
    hypothesis: c.hypothesis ?? '',
    strategy_yaml: c.strategy_yaml ?? '',
    outcome,
    training: {
      test_accuracy: m['test_accuracy'] ?? 0,
      baseline_accuracy: m['baseline_accuracy'] ?? 0,
      validation_accuracy: m['validation_accuracy'] ?? 0,
      test_loss: m['test_loss'] ?? 0,
      epochs_run: m['epochs_run'] ?? 0,
      direction_edge: m['direction_edge'] ?? undefined,
      direction_edge_p: m['direction_edge_p'] ?? undefined,
    },
    // The backtest is reported only when the cycle got to the backtest gate.
    backtest:
      outcome === 'gate_rejected_training' || !bt ? null : { strategy: numbers(bt.strategy), buy_and_hold: numbers(bt.buy_and_hold) },
    gates: (c.gates ?? []).map((g) => ({ gate: g.gate, passed: g.passed, reasons: g.checks.map((k) => k.reason) })),
    journal: summarizeJournal(d.registry.research.list({ program: d.program, limit: 1000 }).filter((x) => x.cycle_id !== c.cycle_id)),
  };
  const out = await d.assessor.assess(request, { signal: d.signal });
  return d.registry.research.update(c.cycle_id, {
    state: outcome,
    verdict: out.assessment.verdict,
    rationale: out.assessment.rationale,
    next_hypotheses: out.assessment.next_hypotheses,
    usage: addUsage(c.usage, out.usage),
  });
}

/**
 * Runs one cycle from wherever it stands (a resumed cycle starts at its first phase not completed):
 * designing -> training -> (training gate) -> backtesting -> (backtest gate, promotion gate) ->
 * assessing -> done | gate_rejected_training | gate_rejected_backtest. A failed gate is an outcome,
 * not an error; an error ends the cycle failed with the reason; a cancel ends it cancelled. Each
 * phase's result is written before the next starts.
 */
export async function runCycle(cycle: ResearchCycle, d: CycleDeps): Promise<ResearchCycle> {
  let c = cycle;
  const step = async (fn: (c: ResearchCycle, d: CycleDeps) => Promise<ResearchCycle>) => {
    d.onPhase(c);
    c = await fn(c, d);
  };
  try {
    if (c.state === 'designing') await step(design);
    if (c.state === 'training') await step(train);
    if (c.state === 'backtesting') await step(backtestAndPromote);
    if (c.state === 'assessing') await step(assess);
    d.onPhase(c);
    return c;
  } catch (err) {
    // A stop of trainyard is not the cycle's fault: it resumes at this phase next time.
    if (d.signal.reason === SHUTDOWN) return d.registry.research.get(c.cycle_id);
    const cancelled = d.signal.aborted || (isDomainError(err) && err.code === 'CANCELLED');
    const message = isDomainError(err) ? `${err.code}: ${err.message}` : `unexpected error: ${(err as Error)?.message ?? String(err)}`;
    if (!cancelled) d.logger.warn({ err, cycle_id: c.cycle_id }, 'research cycle failed');
    // Tokens spent before a failure still count toward the budgets.
    const spent = isDomainError(err) ? (err.data?.['usage'] as Partial<TokenUsage> | undefined) : undefined;
    c = d.registry.research.update(c.cycle_id, {
      state: cancelled ? 'cancelled' : 'failed',
      error: cancelled ? `cancelled: ${String(d.signal.reason ?? 'cancelled')}` : message,
      usage: addUsage(d.registry.research.get(c.cycle_id).usage, spent),
    });
    d.onPhase(c);
    return c;
  }
}
