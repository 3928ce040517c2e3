import { EventEmitter } from 'node:events';
import path from 'node:path';
import type { Logger } from 'pino';
import type { FileAccess } from '../config/access.js';
import { clientOf } from '../config/limits.js';
import type { Config } from '../config/schema.js';
import { DomainError, isDomainError } from '../domain/errors.js';
import { TERMINAL_STATUSES, type Operation } from '../domain/operation.js';
import { checkDataSpecAccess } from '../pipeline/data/index.js';
import { parseStrategy, type ResolvedStrategy } from '../pipeline/strategy-source.js';
import { applyOverrides, DEFAULT_DATA_SPEC, type TrainingOverrides } from '../pipeline/train-pipeline.js';
import { waitForRun, type RunWaitOptions } from '../jobs/run-wait.js';
import type { Registry } from '../registry/index.js';
import type { StoredTrial } from '../registry/tuning-trials.js';
import { guardTimerWrite } from '../registry/busy-retry.js';
import type { GateService } from '../services/gates.js';
import type { LimitChecks } from '../services/limits.js';
import { pboOfReturns, readReturns } from '../agents/program-pbo.js';
import type { OosReturnsFile } from '../monitoring/backtest/segment.js';
import { createPruner } from './pruners.js';
import { createSampler } from './samplers/index.js';
import { compileSpace } from './space.js';
import { assertTuning, bestOf, runTuning, TUNING_SHUTDOWN, type TuningPlan, type TuningRunDeps } from './run.js';
import type { SearchSpace, TrialRecord } from './types.js';
import type { TrialObjective } from '../pipeline/trial.js';

export type SamplerName = 'tpe' | 'random';
export type PrunerName = 'hyperband' | 'successive_halving' | 'none';

export interface StartTuningInput {
  /** Name under strategies/, a path, or inline YAML. */
  strategy: string;
  /** The search space; default: the strategy's own `search:` section. */
  search?: unknown;
  /** What trials minimise: val_loss (default) or val_sharpe (minus the validation backtest's Sharpe). */
  objective?: TrialObjective | undefined;
  /** Score each trial by purged k-fold cross-validation with this many folds (3..12) instead of one validation part. */
  cv?: number | undefined;
  data?: string | undefined;
  trials?: number | undefined;
  sampler?: SamplerName | undefined;
  pruner?: PrunerName | undefined;
  /** Trials at once (default: config workers). */
  parallel?: number | undefined;
  seed?: number | undefined;
  overrides?: TrainingOverrides | undefined;
  /** Retrain and register the best trial at the end (default true). */
  retrain?: boolean | undefined;
}

/** What a tuning run records in its operation row's params (a resume rebuilds its plan from them). */
interface RunParams {
  /** null: the run is its own study (a fresh run); else the study a resumed run continues. */
  study_id: string | null;
  strategy: string;
  strategy_source: string;
  strategy_yaml: string;
  search: unknown;
  objective: TrialObjective;
  cv_folds: number | null;
  data: string | null;
  overrides: TrainingOverrides;
  trials: number;
  sampler: SamplerName;
  pruner: PrunerName;
  parallel: number;
  seed: number;
  retrain: boolean;
  max_epochs: number;
  actor: string;
  client: string;
  resumed_from?: string;
}

export interface TuningServiceOptions {
  config: Config;
  registry: Registry;
  gates: GateService;
  logger: Logger;
  clock: () => Date;
  cwd: string;
  /** Where trials' validation returns are kept: <dir>/<study_id>/trial-<n>.returns.json. */
  dir: string;
  resolveStrategy: (ref: string, access?: FileAccess) => ResolvedStrategy;
  submitTrial: TuningRunDeps['submitTrial'];
  waitFor: TuningRunDeps['waitFor'];
  cancelJob: TuningRunDeps['cancelJob'];
  retrain: TuningRunDeps['retrain'];
  limits?: Pick<LimitChecks, 'admit' | 'dataSpec' | 'training'> | undefined;
}

/** Epochs a trial may run at most: the pruners' largest rung (a searched epoch count: its top). */
function maxEpochs(base: ResolvedStrategy['strategy'], overrides: TrainingOverrides | undefined, search: unknown): number {
  const own = applyOverrides(base, overrides).training.epochs;
  const spec = (search ?? base.search) as Record<string, { high?: number; choices?: unknown[] }> | undefined;
  const e = spec?.['training.epochs'];
  if (!e) return own;
  if (typeof e.high === 'number') return e.high;
  let top = own;
  for (const c of e.choices ?? []) if (typeof c === 'number' && c > top) top = c;
  return top;
}

/**
 * Labels change what the validation loss measures (another target: a loss on easier labels is not
 * a better model), and decisions do not change it at all: searching either needs an objective on
 * trading results, the validation backtest's Sharpe ratio.
 */
function checkObjective(space: SearchSpace, objective: TrialObjective): void {
  if (objective !== 'val_loss') return;
  const labels = space.params.filter((p) => p.name.startsWith('labels.')).map((p) => p.name);
  const decisions = space.params.filter((p) => p.name.startsWith('decisions.')).map((p) => p.name);
  const problems = [
    ...labels.map((n) => `${n}: labels change what the validation loss measures (losses on different targets are not comparable)`),
    ...decisions.map((n) => `${n}: decisions do not change the validation loss at all`),
  ];
  if (problems.length)
    throw new DomainError(
      'INVALID_ARGUMENT',
      `The search space cannot be tuned on validation loss:\n- ${problems.join('\n- ')}\nUse objective val_sharpe (the validation backtest's Sharpe ratio), or leave these fields out.`,
      { field: 'objective', issues: problems },
    );
}

export const trialReturnsFile = (dir: string, studyId: string, trial: number) => path.join(dir, studyId, `trial-${trial}.returns.json`);

/**
 * Hyperparameter tuning as a service: a tuning run is an operation (type `tuning`) that owns its
 * trial jobs (type `trial`), like a research run owns its cycles. Start, follow, cancel, resume.
 */
export function createTuningService(o: TuningServiceOptions) {
  const { registry, config, logger } = o;
  const running = new Map<string, { controller: AbortController; done: Promise<Operation> }>();
  const events = new EventEmitter();
  events.setMaxListeners(0);
  /** Intermediate values of running trials, by study (the store has them once a trial ends). */
  const liveTrials = new Map<string, Map<number, TrialRecord>>();

  function planOf(op: Operation, p: RunParams & { study_id: string }, access: FileAccess | undefined): TuningPlan {
    const resolved = parseStrategy(p.strategy_yaml, p.strategy_source);
    const space = compileSpace(resolved.strategy, p.search ?? undefined);
    return {
      objective: p.objective ?? 'val_loss',
      max_steps: p.max_epochs,
      cv_folds: p.cv_folds ?? undefined,
      study_id: p.study_id,
      base: resolved.strategy,
      space,
      data: p.data ?? undefined,
      overrides: p.overrides,
      trials: p.trials,
      parallel: p.parallel,
      sampler: createSampler(p.sampler, p.seed),
      pruner: createPruner(
        p.pruner === 'none'
          ? { kind: 'none' }
          : p.pruner === 'hyperband'
            ? {
                kind: 'hyperband',
                min_resource: Math.min(config.tuning.min_epochs, p.max_epochs),
                max_resource: p.max_epochs,
                reduction_factor: config.tuning.reduction_factor,
                // From the seed, not the run id: the same seed gives the same brackets (reproducible).
                study_key: `${p.strategy}:${p.seed}`,
              }
            : {
                kind: 'successive_halving',
                min_resource: Math.min(config.tuning.min_epochs, p.max_epochs),
                max_resource: p.max_epochs,
                reduction_factor: config.tuning.reduction_factor,
              },
      ),
      access,
      actor: p.actor,
      client: p.client,
      retrain: p.retrain,
    };
  }

  async function summarize(
    op: Operation,
    plan: TuningPlan,
    model: { model_id: string; operation_id: string } | null,
  ): Promise<Record<string, unknown>> {
    const trials = registry.tuning.list(plan.study_id);
    const counts = { complete: 0, pruned: 0, failed: 0, running: 0 };
    let epochsRun = 0;
    for (const t of trials) {
      counts[t.state]++;
      epochsRun += t.intermediate.length;
    }
    const series: OosReturnsFile[] = [];
    for (const t of trials) {
      if (t.state !== 'complete' && t.state !== 'pruned') continue;
      const r = readReturns(trialReturnsFile(o.dir, plan.study_id, t.number));
      if (r && r.time.length) series.push(r);
    }
    const best = bestOf(trials);
    const maxSteps = (op.params as unknown as RunParams).max_epochs;
    let stepsSaved = 0;
    for (const t of trials) if (t.state === 'pruned') stepsSaved += Math.max(0, maxSteps - t.intermediate.length);
    let promotion: Record<string, unknown> | null = null;
    if (model) {
      try {
        const version = registry.models.get(model.model_id);
        const gate = (await o.gates.evaluateAndRecord(version, 'promotion', 'tuning', plan.actor)).result;
        const dsr = gate.checks.find((c) => c.name === 'deflated_sharpe');
        promotion = {
          passed: gate.passed,
          deflated_sharpe: dsr?.value ?? null,
          deflated_sharpe_reason: dsr?.reason ?? null,
          failing: gate.checks.filter((c) => !c.passed).map((c) => c.reason),
        };
      } catch (err) {
        logger.warn({ err, operation_id: op.id }, 'evaluating the tuned model for promotion failed');
      }
    }
    return {
      study_id: plan.study_id,
      objective: plan.objective,
      cv_folds: plan.cv_folds ?? null,
      strategy: plan.base.name,
      sampler: plan.sampler.name,
      pruner: plan.pruner.name,
      trials_planned: plan.trials,
      counts,
      best: best
        ? {
            number: best.number,
            value: best.value,
            params: best.params,
            val_accuracy: best.metrics?.['val_accuracy'] ?? null,
            val_sharpe: best.metrics?.['val_sharpe'] ?? null,
          }
        : null,
      model_id: model?.model_id ?? null,
      retrain_operation_id: model?.operation_id ?? null,
      promotion,
      // Every trial of every study of this name counts toward the deflated Sharpe of its models.
      trials_counted: registry.tuning.sharpesFor(plan.base.name).length,
      pbo: pboOfReturns(series, 'a validation backtest', 'study'),
      // What pruning saved: the steps pruned trials did not run (at most: early stopping might have
      // ended some of them sooner), against the steps the study ran.
      pruning: {
        steps_run: epochsRun,
        pruned_trials: counts.pruned,
        steps_saved: stepsSaved,
        saved_share: epochsRun + stepsSaved > 0 ? +(stepsSaved / (epochsRun + stepsSaved)).toFixed(4) : 0,
      },
    };
  }

  function launch(op: Operation, plan: TuningPlan): Operation {
    const controller = new AbortController();
    const claimed = registry.operations.claim(op.id);
    const heartbeat = setInterval(
      () => void guardTimerWrite(logger.child({ operation_id: op.id }), 'tuning heartbeat', () => registry.operations.heartbeat(op.id)),
      5000,
    );
    heartbeat.unref();
    const live = new Map<number, TrialRecord>();
    liveTrials.set(plan.study_id, live);
    const done = runTuning(claimed, plan, controller.signal, {
      registry,
      logger,
      submitTrial: o.submitTrial,
      waitFor: o.waitFor,
      checkTrial: o.limits
        ? (strategy, data) => o.limits!.training(strategy, data ?? strategy.data.source ?? DEFAULT_DATA_SPEC)
        : undefined,
      cancelJob: o.cancelJob,
      retrain: o.retrain,
      summarize,
      onProgress: (row) => events.emit(row.id, row),
      onTrial: (t) => {
        if (t.state === 'running') live.set(t.number, { ...t });
        else live.delete(t.number);
        events.emit(`trial:${op.id}`, t);
      },
    })
      .catch((err: unknown) => {
        logger.error({ err, operation_id: op.id }, 'tuning run failed unexpectedly');
        const message = isDomainError(err) ? err.message : `unexpected error: ${(err as Error)?.message ?? String(err)}`;
        return registry.operations.update(op.id, { status: 'failed', phase: 'done', message, error: { code: 'TUNING_FAILED', message } });
      })
      .finally(() => {
        clearInterval(heartbeat);
        running.delete(op.id);
        liveTrials.delete(plan.study_id);
      });
    running.set(op.id, { controller, done });
    void done.then((row) => events.emit(op.id, row));
    return claimed;
  }

  /** A fresh run's study is the run itself (study_id null in its params); a resumed run names the study it continues. */
  const studyOf = (op: Operation) => ((op.params as unknown as RunParams).study_id as string | null) ?? op.id;

  function create(
    p: Omit<RunParams, 'study_id'> & { study_id: string | null },
    actor: string,
    action: string,
    access: FileAccess | undefined,
  ): Operation {
    o.limits?.admit(p.client);
    const op = registry.operations.create({ type: 'tuning', params: { ...p } });
    const plan = planOf(op, { ...p, study_id: studyOf(op) }, access);
    registry.audit.append(actor, action, op.id, {
      strategy: p.strategy,
      trials: p.trials,
      sampler: p.sampler,
      pruner: p.pruner,
      study_id: plan.study_id,
      ...(p.resumed_from ? { resumed_from: p.resumed_from } : {}),
    });
    return launch(op, plan);
  }

  const service = {
    /** Validates the strategy, the search space and the data before a row exists, then runs in the background. */
    start(input: StartTuningInput, actor: string, client?: string, access?: FileAccess): Operation {
      const resolved = o.resolveStrategy(input.strategy, access);
      // Every problem of the space, by path, before anything is queued.
      const space = compileSpace(resolved.strategy, input.search);
      const objective = input.objective ?? 'val_loss';
      checkObjective(space, objective);
      if (input.overrides?.epochs !== undefined && space.params.some((p) => p.name === 'training.epochs'))
        throw new DomainError(
          'INVALID_ARGUMENT',
          'training.epochs is searched; leave out epochs (it would set every trial to the same count).',
          {
            field: 'epochs',
          },
        );
      if (input.cv !== undefined) {
        if (!Number.isInteger(input.cv) || input.cv < 3 || input.cv > 12)
          throw new DomainError('INVALID_ARGUMENT', `cv must be a whole number of folds from 3 to 12; got ${input.cv}.`, { field: 'cv' });
        if (objective !== 'val_loss')
          throw new DomainError('INVALID_ARGUMENT', 'cv scores trials by out-of-fold log loss; use it with objective val_loss.', {
            field: 'cv',
          });
      }
      const trained = applyOverrides(resolved.strategy, input.overrides);
      const data = input.data ?? trained.data.source ?? DEFAULT_DATA_SPEC;
      o.limits?.dataSpec(data);
      checkDataSpecAccess(data, { cwd: o.cwd, access });
      o.limits?.training(trained, data);
      const trials = input.trials ?? config.tuning.trials;
      if (trials > config.tuning.max_trials)
        throw new DomainError(
          'LIMIT_EXCEEDED',
          `trials ${trials} is above the limit of ${config.tuning.max_trials} per study (config tuning.max_trials). Ask for fewer, or raise it in the trainyard config file.`,
          { field: 'trials', limit: config.tuning.max_trials },
        );
      return create(
        {
          study_id: null,
          strategy: resolved.strategy.name,
          strategy_source: resolved.source,
          strategy_yaml: resolved.yaml,
          search: input.search ?? null,
          objective,
          cv_folds: input.cv ?? null,
          data: input.data ?? null,
          overrides: input.overrides ?? {},
          trials,
          sampler: input.sampler ?? config.tuning.sampler,
          pruner: input.pruner ?? config.tuning.pruner,
          parallel: Math.max(1, input.parallel ?? config.workers),
          seed: input.seed ?? 1,
          retrain: input.retrain ?? true,
          // The pruners' steps: epochs, or folds when trials are cross-validated.
          max_epochs: input.cv ?? maxEpochs(resolved.strategy, input.overrides, input.search),
          actor,
          client: clientOf(actor, client),
        },
        actor,
        'start_tuning',
        access,
      );
    },

    /** Continues a study whose run stopped (trainyard stopped or was killed, or it was cancelled): unfinished trials re-run with their parameters, then new ones up to `trials` (default: the study's plan). */
    resume(runId: string, actor: string, client?: string, access?: FileAccess, more?: { trials?: number | undefined }): Operation {
      const old = registry.operations.get(runId);
      assertTuning(old);
      if (!TERMINAL_STATUSES.has(old.status))
        throw new DomainError(
          'CONFLICT',
          `Tuning run ${runId} is still ${old.status} (process ${old.owner_pid ?? '?'}); it can be resumed once it has stopped.`,
        );
      const p = old.params as unknown as RunParams;
      const studyId = studyOf(old);
      const trials = more?.trials ?? p.trials;
      const have = registry.tuning.list(studyId);
      const unfinished = have.filter((t) => t.state === 'running').length;
      // A run stopped while retraining its winner has run every trial: resuming retrains it.
      if (have.length >= trials && unfinished === 0 && old.status === 'completed')
        throw new DomainError(
          'CONFLICT',
          `Tuning study ${studyId} has run all ${trials} of its trials (it ended ${old.status}). Pass trials above ${have.length} to run more.`,
          { field: 'trials' },
        );
      const checked = o.resolveStrategy(p.strategy_yaml, access); // the caller may read the data it names
      checkDataSpecAccess(p.data ?? checked.strategy.data.source ?? DEFAULT_DATA_SPEC, { cwd: o.cwd, access });
      return create(
        { ...p, study_id: studyId, trials, actor, client: clientOf(actor, client), resumed_from: runId },
        actor,
        'resume_tuning',
        access,
      );
    },

    cancel(runId: string, reason: string, actor: string): Operation {
      return registry.audit.record(actor, 'cancel_tuning', runId, { reason }, () => {
        const op = registry.operations.get(runId);
        assertTuning(op);
        if (TERMINAL_STATUSES.has(op.status)) throw new DomainError('CONFLICT', `Tuning run ${runId} already ended as ${op.status}.`);
        const run = running.get(runId);
        if (!run)
          throw new DomainError('CONFLICT', `Tuning run ${runId} is not running in this process (owner pid ${op.owner_pid ?? '?'}).`);
        run.controller.abort(reason);
        return registry.operations.update(runId, { message: `cancelling: ${reason}` });
      });
    },

    /** The run and every trial of its study (running ones with their intermediate values so far). */
    status(runId: string): { run: Operation; trials: StoredTrial[] } {
      const run = registry.operations.get(runId);
      assertTuning(run);
      const studyId = studyOf(run);
      const live = liveTrials.get(studyId);
      const trials = registry.tuning
        .list(studyId)
        .map((t) => (t.state === 'running' && live?.get(t.number) ? { ...t, intermediate: live.get(t.number)!.intermediate } : t));
      return { run, trials };
    },

    /** The run once it ends, or as it stands at the timeout / abort (the run goes on). */
    waitFor(runId: string, w: RunWaitOptions = {}): Promise<Operation> {
      return waitForRun(runId, (id) => registry.operations.get(id), running.has(runId), events, w);
    },

    /** Told every trial change of a run (intermediate values as they are reported, and each end). */
    onTrial(runId: string, listener: (t: TrialRecord) => void): () => void {
      events.on(`trial:${runId}`, listener);
      return () => events.off(`trial:${runId}`, listener);
    },

    /** Runs of this process; on shutdown they end interrupted, their studies resumable. */
    async shutdown(): Promise<void> {
      const runs = [...running.values()];
      for (const r of runs) r.controller.abort(TUNING_SHUTDOWN);
      await Promise.all(runs.map((r) => r.done));
    },

    active: (): string[] => [...running.keys()],
  };
  return service;
}

export type TuningService = ReturnType<typeof createTuningService>;
