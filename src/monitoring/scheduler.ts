import type { Logger } from 'pino';
import type { TriggersConfig } from '../config/schema.js';
import type { ModelVersion } from '../domain/model-version.js';
import { TERMINAL_STATUSES, type Operation } from '../domain/operation.js';
import type { TriggerRecord } from '../domain/trigger.js';
import type { JobListener } from '../jobs/runner.js';
import type { Registry } from '../registry/index.js';
import type { Alerts } from './alerts.js';
import type { BacktestGateThresholds, TrainingGateThresholds } from './gates.js';
import { modelArtifacts, type Observed } from './observations.js';
import { failedOutcome, recordRetrainOutcome } from './retrain-outcome.js';
import { startRetrain, type RetrainStarter } from './retrain-run.js';
import { evaluateTriggers, type TriggerState } from './triggers.js';
import { retryBusy } from '../registry/busy-retry.js';

/** Injected so tests drive the loop without real time. */
export interface Timer {
  setInterval(fn: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

/**
 * Live performance of a name's production model, from performance monitoring: how many days in a
 * row it has been degraded; null when nothing is known yet. Optional: without it the performance
 * trigger never fires.
 */
export type PerformanceProvider = (name: string) => { degraded_days: number } | null;

export interface SchedulerOptions {
  registry: Pick<Registry, 'models' | 'triggers' | 'operations'>;
  training: RetrainStarter;
  jobs: { on(listener: JobListener): () => void; waitFor(id: string): Promise<Operation> };
  config: TriggersConfig;
  gates: { training: TrainingGateThresholds; backtest: BacktestGateThresholds };
  /** Measures a production model against current data (drift, new bars, volatility). */
  observe: (model: ModelVersion, data: string) => Promise<Observed>;
  performance?: PerformanceProvider | undefined;
  clock: () => Date;
  timer?: Timer | undefined;
  logger: Logger;
  alerts: Alerts;
  /** Every tick's decisions (the watch command prints them). */
  onDecisions?: ((d: SchedulerDecision[]) => void) | undefined;
  onPromoted?: (() => void) | undefined;
}

/** What one check decided for one production model. */
export interface SchedulerDecision {
  name: string;
  model_id: string;
  at: string;
  data: string | null;
  observations: { max_psi: number | null; new_bars: number | null; volatility: number | null; degraded_days: number | null };
  fired: TriggerRecord[];
  postponed: { trigger_type: string; why: string }[];
  next_scheduled: string | null;
  /** Why the model was not evaluated (a retrain still running) or what failed. */
  skipped: string | null;
}

const realTimer: Timer = {
  setInterval: (fn, ms) => setInterval(fn, ms),
  clearInterval: (h) => clearInterval(h as NodeJS.Timeout),
};

/**
 * The retraining scheduler: every `interval_seconds`, for each name with a production model,
 * measures it (drift, new data, volatility, live performance), asks `evaluateTriggers`, persists
 * the fired triggers with the new state in one transaction, starts one training job of the
 * production model's strategy on current data per fired trigger, and links each job's outcome
 * (gates, automatic promotion to staging) to its trigger when the job ends.
 */
export function createScheduler(o: SchedulerOptions) {
  const { registry, config: cfg, logger } = o;
  const log = logger.child({ component: 'scheduler' });
  const timer = o.timer ?? realTimer;
  /** Conditions already escalated per name, so a lasting condition alerts once, not every tick. */
  const raised = new Map<string, Set<'drift' | 'degradation'>>();
  /** Operations started since the last settle(). */
  let unsettled: string[] = [];
  let handle: unknown;
  let running: Promise<SchedulerDecision[]> | undefined;
  let stopped = false;

  const outcomeDeps = {
    registry,
    gates: o.gates,
    promoteToStaging: cfg.promote_to_staging,
    clock: o.clock,
    alerts: o.alerts,
    logger: log,
    onPromoted: o.onPromoted,
  };

  function linkOutcome(t: TriggerRecord, op: Operation): void {
    try {
      recordRetrainOutcome(outcomeDeps, t, op);
    } catch (err) {
      log.error({ err, trigger_id: t.trigger_id, operation_id: op.id }, 'linking the retraining outcome failed');
    }
  }

  const unsubscribe = o.jobs.on((e) => {
    if (e.type !== 'status' || !TERMINAL_STATUSES.has(e.operation.status)) return;
    const t = registry.triggers.byOperation(e.operation.id);
    if (t && (t.status === 'pending' || t.status === 'training')) linkOutcome(t, e.operation);
  });

  /** Outcomes of runs that ended while nobody listened (a restart), and triggers whose job never started. */
  function reconcile(): void {
    for (const t of registry.triggers.open()) {
      if (!t.operation_id) {
        registry.triggers.finish(
          t.trigger_id,
          'failed',
          failedOutcome('the scheduler stopped before it queued the training job', o.clock()),
        );
        continue;
      }
      const op = registry.operations.get(t.operation_id);
      if (TERMINAL_STATUSES.has(op.status)) linkOutcome(t, op);
    }
  }

  function escalate(name: string, kind: 'drift' | 'degradation', active: boolean, message: string, model: ModelVersion): void {
    const set = raised.get(name) ?? new Set();
    raised.set(name, set);
    if (!active) return void set.delete(kind);
    if (set.has(kind)) return;
    set.add(kind);
    o.alerts.emit({ kind, level: 'warning', name, model_id: model.model_id, message, at: o.clock().toISOString() });
  }

  function startRun(t: TriggerRecord, model: ModelVersion): TriggerRecord {
    const { record, operation_id } = startRetrain({ registry, training: o.training, alerts: o.alerts, clock: o.clock }, t, model);
    if (operation_id) unsettled.push(operation_id);
    return record;
  }

  async function checkModel(model: ModelVersion): Promise<SchedulerDecision> {
    const now = o.clock();
    const decision: SchedulerDecision = {
      name: model.name,
      model_id: model.model_id,
      at: now.toISOString(),
      data: null,
      observations: { max_psi: null, new_bars: null, volatility: null, degraded_days: null },
      fired: [],
      postponed: [],
      next_scheduled: null,
      skipped: null,
    };
    const busy = registry.triggers.open().find((t) => t.name === model.name);
    if (busy) {
      decision.skipped = `retraining for trigger ${busy.trigger_id} is still ${busy.status === 'pending' ? 'starting' : `running (${busy.operation_id})`}`;
      return decision;
    }
    try {
      const data = cfg.data ?? model.lineage.data_source;
      decision.data = data;
      modelArtifacts(model); // fails early, with what to do, when the folder is unreadable
      const obs = await o.observe(model, data);
      const perf = o.performance ? o.performance(model.name) : null;
      decision.observations = {
        max_psi: obs.max_psi ?? null,
        new_bars: obs.new_bars ?? null,
        volatility: obs.volatility ?? null,
        degraded_days: perf?.degraded_days ?? null,
      };
      if (cfg.drift_psi != null && obs.drift)
        escalate(
          model.name,
          'drift',
          obs.drift.action_required,
          `${model.model_id}: drift on ${data}: ${obs.drift.summary}${obs.max_psi !== undefined ? ` (largest feature PSI ${obs.max_psi.toFixed(3)})` : ''}`,
          model,
        );
      if (perf)
        escalate(
          model.name,
          'degradation',
          perf.degraded_days > 0,
          `${model.model_id}: live performance degraded for ${perf.degraded_days} day${perf.degraded_days === 1 ? '' : 's'}`,
          model,
        );
      const saved = registry.triggers.state(model.name);
      // First sight of a name: slots before its model went to production were never "missed".
      const state: TriggerState = {
        last_trigger_at: saved?.last_trigger_at ?? undefined,
        last_scheduled_slot: saved ? (saved.last_scheduled_slot ?? undefined) : model.stage_changed_at,
      };
      const d = evaluateTriggers(cfg, state, {
        now,
        max_psi: obs.max_psi,
        drift: obs.drift,
        new_bars: obs.new_bars,
        volatility: obs.volatility,
        degraded_days: perf?.degraded_days,
      });
      decision.postponed = d.postponed;
      decision.next_scheduled = d.next_scheduled;
      const changed =
        !saved ||
        d.fired.length > 0 ||
        d.state.last_scheduled_slot !== (saved.last_scheduled_slot ?? undefined) ||
        d.state.last_trigger_at !== (saved.last_trigger_at ?? undefined);
      if (!changed) return decision;
      const recorded = registry.triggers.record(
        { name: model.name, last_trigger_at: d.state.last_trigger_at ?? null, last_scheduled_slot: d.state.last_scheduled_slot ?? null },
        d.fired.map((t) => ({ ...t, name: model.name, model_id: model.model_id, data, postponed: d.postponed })),
      );
      decision.fired = recorded.map((t) => startRun(t, model));
    } catch (err) {
      decision.skipped = `check failed: ${(err as Error).message}`;
      log.warn({ err, name: model.name, model_id: model.model_id }, 'trigger check failed');
    }
    return decision;
  }

  const scheduler = {
    /** One check of every production model; decisions in name order. */
    async tick(): Promise<SchedulerDecision[]> {
      reconcile();
      const production = registry.models.list({ stage: 'production', limit: 10_000 }).sort((a, b) => a.name.localeCompare(b.name));
      const out: SchedulerDecision[] = [];
      for (const model of production) {
        if (stopped) break;
        out.push(await checkModel(model));
      }
      log.debug({ models: out.length, fired: out.reduce((n, d) => n + d.fired.length, 0) }, 'trigger check');
      o.onDecisions?.(out);
      return out;
    },

    /** Checks now (a slot missed while the process was down fires here, once), then every interval. */
    start(): void {
      if (handle !== undefined) return;
      const run = () => {
        if (running || stopped) return; // a slow check (large data) never overlaps the next one
        // A check that found the registry locked by another process (busy past its timeout) is
        // retried with backoff; any failure is logged and the next interval tries again.
        running = retryBusy(() => scheduler.tick())
          .catch((err: unknown) => {
            log.error({ err }, 'scheduler tick failed');
            return [];
          })
          .finally(() => (running = undefined));
      };
      handle = timer.setInterval(run, cfg.interval_seconds * 1000);
      run();
    },

    /** Waits for the training jobs this scheduler started to end and their outcomes to be linked. */
    async settle(): Promise<TriggerRecord[]> {
      const ops = unsettled;
      unsettled = [];
      await Promise.all(ops.map((id) => o.jobs.waitFor(id)));
      reconcile();
      return ops.map((id) => registry.triggers.byOperation(id)).filter((t): t is TriggerRecord => t !== null);
    },

    /** Stops the loop and waits for a check in progress; jobs already started go on. */
    async stop(): Promise<void> {
      stopped = true;
      if (handle !== undefined) timer.clearInterval(handle);
      handle = undefined;
      await running;
      unsubscribe();
    },
  };
  return scheduler;
}

export type Scheduler = ReturnType<typeof createScheduler>;
