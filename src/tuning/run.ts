import type { Logger } from 'pino';
import { DomainError, isDomainError } from '../domain/errors.js';
import type { Operation } from '../domain/operation.js';
import type { Strategy } from '../domain/strategy.js';
import type { FileAccess } from '../config/access.js';
import type { Registry } from '../registry/index.js';
import type { StoredTrial, TrialEnd } from '../registry/tuning-trials.js';
import { applyOverrides, type TrainingOverrides } from '../pipeline/train-pipeline.js';
import type { TrialObjective, TrialOutcome } from '../pipeline/trial.js';
import type { TrialJobSpec } from '../jobs/protocol.js';
import { applyParams, tunedYaml } from './space.js';
import type { Pruner, Sampler, SearchSpace, ParamValue, TrialRecord } from './types.js';

/** The abort reason when trainyard itself stops: the study stays resumable. */
export const TUNING_SHUTDOWN = 'trainyard is shutting down';

export interface TuningPlan {
  /** The study's id: the first run's operation id (a resumed run continues the same study). */
  study_id: string;
  base: Strategy;
  space: SearchSpace;
  objective: TrialObjective;
  /** Steps a full trial reports (epochs, or folds with CV): a trial at its last step is complete, never pruned. */
  max_steps: number;
  /** Purged k-fold cross-validation per trial; absent: one fit scored on the validation part. */
  cv_folds?: number | undefined;
  data?: string | undefined;
  overrides?: TrainingOverrides | undefined;
  /** Trials in the whole study (a resumed run counts those already run). */
  trials: number;
  parallel: number;
  sampler: Sampler;
  pruner: Pruner;
  access?: FileAccess | undefined;
  actor: string;
  client: string;
  /** Retrain the best trial's strategy on the full pipeline and register it (default). */
  retrain: boolean;
}

/** What a tuning run needs from the services. */
export interface TuningRunDeps {
  registry: Registry;
  logger: Logger;
  /** Queues a trial job (operation type `trial`) under the run. */
  submitTrial: (
    job: Pick<TrialJobSpec, 'strategy_yaml' | 'strategy_source' | 'data' | 'overrides' | 'prune' | 'objective' | 'cv_folds'>,
    o: {
      parent_id: string;
      params: Record<string, unknown>;
      access?: FileAccess | undefined;
      onReport: (step: number, value: number) => boolean;
    },
  ) => Operation;
  waitFor: (id: string) => Promise<Operation>;
  /** The size limits a trial's strategy must meet (model parameters, training budget); throws LIMIT_EXCEEDED. */
  checkTrial?: ((strategy: Strategy, data: string | undefined) => void) | undefined;
  cancelJob: (id: string, reason: string) => void;
  /** Trains and registers the winner (a normal training job under the run). */
  retrain: (
    input: { strategy: string; data?: string | undefined; overrides?: TrainingOverrides | undefined },
    ctx: {
      actor: string;
      client: string;
      parent_id: string;
      signal: AbortSignal;
      access?: FileAccess | undefined;
      tuning: { run_id: string; study_id: string; trial: number };
    },
  ) => Promise<{ model_id: string; operation_id: string }>;
  /** Summarises the ended study for the run's result (PBO, deflated Sharpe, the winner's gates). */
  summarize: (
    op: Operation,
    plan: TuningPlan,
    model: { model_id: string; operation_id: string } | null,
  ) => Promise<Record<string, unknown>>;
  /** Told every change of the run (progress rows) and of a running trial (intermediate values). */
  onProgress: (op: Operation) => void;
  onTrial: (trial: TrialRecord) => void;
}

const fmt = (v: number | null) => (v === null || !Number.isFinite(v) ? 'n/a' : v.toFixed(4));

/** A stored trial as the samplers and pruners see it. */
function asRecord(t: StoredTrial): TrialRecord {
  return { number: t.number, state: t.state, params: t.params, value: t.value, intermediate: t.intermediate };
}

/**
 * Runs a tuning study's trials (up to `parallel` at once on the job runner's workers), each sampled
 * from every trial recorded so far, each pruned at epoch rungs against the others; then retrains
 * the best and registers it. Every trial is written when it starts and when it ends, so a stop of
 * trainyard leaves a study that a resumed run continues: its unfinished trials re-run with the same
 * parameters, and the sampler picks up from every finished one.
 */
export async function runTuning(op: Operation, plan: TuningPlan, signal: AbortSignal, d: TuningRunDeps): Promise<Operation> {
  const store = d.registry.tuning;
  const ops = d.registry.operations;
  const inflight = new Map<number, Promise<void>>();
  const started = store.list(plan.study_id);
  // Every trial as the sampler and the pruners see it, kept here (ended ones as stored, running ones
  // with their live intermediate values): a pruning verdict at every epoch reads no database.
  const known = new Map<number, TrialRecord>(started.map((t) => [t.number, asRecord(t)]));
  const records = (): TrialRecord[] => Array.from(known.values());
  /** Ends a trial in the store and tells the service; returns the stored row. */
  const endTrial = (number: number, e: TrialEnd): StoredTrial => {
    const t = store.end(plan.study_id, number, e);
    known.set(number, asRecord(t));
    d.onTrial(known.get(number)!);
    return t;
  };
  const rerun = started.filter((t) => t.state === 'running').map((t) => t.number);
  let next = started.reduce((n, t) => Math.max(n, t.number + 1), 0);
  const pruning = plan.pruner.name !== 'none';

  const progress = (message: string) => {
    const all = store.list(plan.study_id);
    const ended = all.filter((t) => t.state !== 'running').length;
    const best = bestOf(all);
    const row = ops.update(op.id, {
      phase: 'tuning',
      progress_pct: Math.min(95, (95 * ended) / Math.max(1, plan.trials)),
      message: `${ended}/${plan.trials} trials ended; ${message}${best ? `; best so far trial ${best.number} (${plan.objective} ${fmt(best.value)})` : ''}`,
    });
    d.onProgress(row);
  };

  async function runOne(number: number, params: Record<string, ParamValue>): Promise<void> {
    let strategy: Strategy;
    try {
      strategy = applyParams(plan.base, params);
      d.checkTrial?.(strategy, plan.data);
    } catch (err) {
      endTrial(number, { state: 'failed', error: isDomainError(err) ? `${err.code}: ${err.message}` : String(err) });
      progress(`trial ${number} failed before training: ${isDomainError(err) ? err.code : 'error'}`);
      return;
    }
    const record: TrialRecord = { number, state: 'running', params, value: null, intermediate: [] };
    // This trial's own last step: its folds, or its epochs (a searched epoch count differs per trial).
    const lastStep = plan.cv_folds ?? Math.min(plan.max_steps, applyOverrides(strategy, plan.overrides).training.epochs);
    known.set(number, record);
    const yaml = tunedYaml(strategy, `tuning study ${plan.study_id}, trial ${number}\n${JSON.stringify(params)}`);
    let job: Operation;
    try {
      job = d.submitTrial(
        {
          strategy_yaml: yaml,
          strategy_source: `tuning ${plan.study_id} trial ${number}`,
          data: plan.data,
          overrides: plan.overrides,
          prune: pruning,
          objective: plan.objective,
          cv_folds: plan.cv_folds,
        },
        {
          parent_id: op.id,
          params: { study_id: plan.study_id, trial: number, params, strategy: strategy.name, actor: plan.actor, client: plan.client },
          access: plan.access,
          onReport: (step, value) => {
            // A remote trial that BullMQ redelivered (its worker died) reports its steps again from 1.
            record.intermediate = [...record.intermediate.filter((p) => p.step < step), { step, value }];
            d.onTrial(record);
            // Stopping a trial at its last step saves nothing and throws its result away.
            if (step >= lastStep) return false;
            return plan.pruner.shouldPrune(record, step, records());
          },
        },
      );
    } catch (err) {
      known.set(number, asRecord(store.get(plan.study_id, number)));
      throw err;
    }
    store.setOperation(plan.study_id, number, job.id);
    const onAbort = () => {
      try {
        d.cancelJob(job.id, String(signal.reason ?? 'cancelled'));
      } catch {
        // already ended
      }
    };
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      const done = await d.waitFor(job.id);
      if (done.status === 'completed') {
        const r = done.result as unknown as Omit<TrialOutcome, 'returns'> & { returns_file?: string | null };
        const summary = ((r.validation ?? {})['strategy'] ?? {}) as Record<string, unknown>;
        const finite = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null);
        const sharpe = finite(summary['sharpe_per_period']);
        const metrics = {
          epochs_run: r.epochs_run,
          best_epoch: r.best_epoch,
          val_accuracy: r.val_accuracy,
          val_sharpe: finite(summary['sharpe']),
          val_trades: finite(summary['trade_count']),
          val_bars: finite(summary['bars']),
          train_rows: r.train_rows,
          validation_rows: r.validation_rows,
          seconds: r.seconds,
          backend: r.backend?.name ?? null,
          returns_file: r.returns_file ?? null,
        };
        const ended =
          r.value === null || !Number.isFinite(r.value)
            ? endTrial(number, {
                state: 'failed',
                intermediate: r.intermediate,
                metrics,
                error: 'the validation loss was not finite (the model diverged)',
              })
            : endTrial(number, { state: r.state, value: r.value, intermediate: r.intermediate, sharpe, metrics });
        progress(
          `trial ${number} ${ended.state === 'pruned' ? `pruned after step ${ended.intermediate.length}` : ended.state === 'failed' ? 'failed' : `complete (${plan.objective} ${fmt(ended.value)})`}`,
        );
        return;
      }
      // Stopped by trainyard's shutdown: the trial stays running in the store and re-runs on resume.
      if (signal.aborted && signal.reason === TUNING_SHUTDOWN) return;
      const error =
        done.status === 'cancelled'
          ? `cancelled: ${done.error?.message ?? 'cancelled'}`
          : `${done.error?.code ?? done.status}: ${done.error?.message ?? done.status}`;
      endTrial(number, { state: 'failed', intermediate: record.intermediate, error });
      progress(`trial ${number} ${done.status}`);
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
  }

  progress(rerun.length ? `resuming: ${rerun.length} unfinished trial(s) re-run with their parameters` : 'starting');
  let failure: unknown;
  while (!signal.aborted && failure === undefined) {
    while (!signal.aborted && inflight.size < plan.parallel && (rerun.length > 0 || next < plan.trials)) {
      let number: number;
      let params: Record<string, ParamValue>;
      if (rerun.length) {
        number = rerun.shift()!;
        params = store.restart(plan.study_id, number, op.id).params;
      } else {
        number = next++;
        params = plan.sampler.sample(plan.space, records(), number);
        store.start({ study_id: plan.study_id, number, run_id: op.id, name: plan.base.name, params });
      }
      const p = runOne(number, params)
        .catch((err: unknown) => {
          failure ??= err;
        })
        .finally(() => inflight.delete(number));
      inflight.set(number, p);
    }
    if (inflight.size === 0) break;
    await Promise.race(inflight.values());
  }
  await Promise.all(inflight.values());

  if (signal.aborted || failure !== undefined) {
    const shutdown = signal.reason === TUNING_SHUTDOWN;
    const cancelled = signal.aborted && !shutdown;
    const message = shutdown
      ? `interrupted: ${TUNING_SHUTDOWN}; resume with start_tuning {resume: "${op.id}"} or trainyard tune --resume ${op.id}`
      : cancelled
        ? `cancelled: ${String(signal.reason)}`
        : `failed: ${(failure as Error)?.message ?? String(failure)}`;
    const result = await d.summarize(op, plan, null);
    const row = ops.update(op.id, {
      status: shutdown ? 'interrupted' : cancelled ? 'cancelled' : 'failed',
      phase: 'done',
      message,
      result,
      error: shutdown
        ? { code: 'INTERRUPTED', message }
        : cancelled
          ? { code: 'CANCELLED', message }
          : { code: isDomainError(failure) ? failure.code : 'TUNING_FAILED', message },
    });
    d.onProgress(row);
    return row;
  }

  const best = bestOf(store.list(plan.study_id));
  let model: { model_id: string; operation_id: string } | null = null;
  if (best && plan.retrain) {
    const row = ops.update(op.id, {
      phase: 'retraining_best',
      progress_pct: 96,
      message: `retraining trial ${best.number} (${plan.objective} ${fmt(best.value)}) on the full pipeline to register it`,
    });
    d.onProgress(row);
    const strategy = applyParams(plan.base, best.params);
    const yaml = tunedYaml(
      strategy,
      `tuned by tuning study ${plan.study_id}: trial ${best.number} of ${plan.trials}, validation loss ${fmt(best.value)}\n${JSON.stringify(best.params)}`,
    );
    try {
      model = await d.retrain(
        { strategy: yaml, data: plan.data, overrides: plan.overrides },
        {
          actor: plan.actor,
          client: plan.client,
          parent_id: op.id,
          signal,
          access: plan.access,
          tuning: { run_id: op.id, study_id: plan.study_id, trial: best.number },
        },
      );
    } catch (err) {
      const shutdown = signal.reason === TUNING_SHUTDOWN;
      const message = shutdown
        ? `interrupted while retraining the best trial; resume with start_tuning {resume: "${op.id}"}`
        : `retraining the best trial failed: ${isDomainError(err) ? err.message : (err as Error).message}`;
      const failed = ops.update(op.id, {
        status: shutdown ? 'interrupted' : signal.aborted ? 'cancelled' : 'failed',
        phase: 'done',
        message,
        result: await d.summarize(op, plan, null),
        error: { code: shutdown ? 'INTERRUPTED' : isDomainError(err) ? err.code : 'TUNING_FAILED', message },
      });
      d.onProgress(failed);
      return failed;
    }
  }
  const result = await d.summarize(op, plan, model);
  const counts = result['counts'] as Record<string, number> | undefined;
  const message = best
    ? `${counts?.['complete'] ?? 0} complete, ${counts?.['pruned'] ?? 0} pruned, ${counts?.['failed'] ?? 0} failed; best trial ${best.number} (${plan.objective} ${fmt(best.value)})${model ? `, registered as ${model.model_id}` : ''}`
    : 'no trial completed; nothing was registered';
  const row = ops.update(op.id, { status: 'completed', phase: 'done', progress_pct: 100, message, result });
  d.onProgress(row);
  return row;
}

/** The complete trial with the lowest objective (ties: the earlier trial). */
export function bestOf(trials: readonly StoredTrial[]): StoredTrial | null {
  let best: StoredTrial | null = null;
  for (const t of trials) if (t.state === 'complete' && t.value !== null && (best === null || t.value < best.value!)) best = t;
  return best;
}

export function assertTuning(op: Operation): void {
  if (op.type !== 'tuning')
    throw new DomainError('INVALID_ARGUMENT', `Operation ${op.id} is a ${op.type} operation, not a tuning run; use get_status for it.`);
}
