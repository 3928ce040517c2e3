import fs from 'node:fs';
import path from 'node:path';
import type { FileAccess } from '../config/access.js';
import { codeVersion } from '../config/code-version.js';
import { createLogger, type Logger } from '../config/logger.js';
import { packageRoot } from '../config/paths.js';
import type { Config } from '../config/schema.js';
import { cancelledError, DomainError } from '../domain/errors.js';
import { TERMINAL_STATUSES, type Operation } from '../domain/operation.js';
import { createJobRunner, type JobEvent, type JobRunner, type JobRunnerOptions } from '../jobs/runner.js';
import { createRedisJobRunner } from '../jobs/redis/coordinator.js';
import type { PackStoreBars } from '../jobs/redis/job-data.js';
import type { TrainingJobSpec, TrialJobSpec } from '../jobs/protocol.js';
import { isTrialOutcome, type TrialOutcome } from '../pipeline/trial.js';
import { createTuningService, trialReturnsFile } from '../tuning/service.js';
import { createAlerts, type Alerts } from '../monitoring/alerts.js';
import { initBackend, type BackendInfo } from '../pipeline/backend/index.js';
import { createTaskRunner, type TaskRunner } from '../jobs/tasks/task-runner.js';
import type { PipelineProgress, TrainingResult } from '../pipeline/result.js';
import { listStrategies, resolveStrategy, type ResolvedStrategy } from '../pipeline/strategy-source.js';
import { applyOverrides, DEFAULT_DATA_SPEC, type TrainingOverrides } from '../pipeline/train-pipeline.js';
import { checkDataSpecAccess } from '../pipeline/data/index.js';
import { openRegistry, type Registry } from '../registry/index.js';
import { createWriteGate } from '../registry/write-gate.js';
import { startWalCheckpoints } from './wal-checkpoints.js';
import { createMirror, type Mirror } from '../registry/mirror.js';
import { staleTempFiles } from '../registry/atomic-write.js';
import { processAlive } from '../registry/operations.js';
import { createResearchService, type ResearchServiceOptions } from '../agents/research-service.js';
import { createDriftService } from './drift.js';
import { createGateService, type GateService } from './gates.js';
import { isBacktestRun } from '../monitoring/backtest/request.js';
import { createBacktestStore } from './backtest-store.js';
import { createBacktests } from './backtests.js';
import { createChartService } from './charts.js';
import { createReportService } from './reports.js';
import { createDataService } from './data.js';
import { clientOf } from '../config/limits.js';
import { createLimitChecks } from './limits.js';
import { registerTrainedModel } from './registration.js';
import { createMonitoringServices } from '../monitoring/performance.js';

export interface TrainInput {
  /** Name under strategies/, a path, or inline YAML. */
  strategy: string;
  data?: string | undefined;
  overrides?: TrainingOverrides | undefined;
}

export interface StartOptions {
  actor: string;
  /** Who the job counts against for the queue limits (an MCP session's id); from the actor when absent. */
  client?: string | undefined;
  /** Which files the caller may read (an MCP client's roots); default: the CLI's, any path. */
  access?: FileAccess | undefined;
  priority?: 'normal' | 'high';
  parent_id?: string | null;
  trigger?: string;
  /** The tuning run and trial whose parameters this job trains (recorded in the model's lineage). */
  tuning?: { run_id: string; study_id: string; trial: number } | undefined;
}

export interface RunContext extends Partial<StartOptions> {
  /** Aborting cancels the training job. */
  signal?: AbortSignal | undefined;
  onProgress?: ((p: PipelineProgress) => void) | undefined;
  onQueued?: ((op: Operation) => void) | undefined;
}

export interface ServiceOptions {
  logger?: Logger;
  cwd?: string;
  clock?: () => Date;
  /** The research designer and assessor (tests point Claude at a local server); from config otherwise. */
  researchProviders?: ResearchServiceOptions['providers'];
  /** false: drift reports, ingests and data summaries run on the calling thread (tests compare the two). Default true. */
  offThread?: boolean;
}

const TERMINAL_MESSAGE: Partial<Record<Operation['status'], string>> = {
  failed: 'Training failed',
  interrupted: 'Training was interrupted',
};

/** Builds everything once; the CLI and the MCP server share one instance. */
export function createServices(config: Config, opts: ServiceOptions = {}) {
  const logger = opts.logger ?? createLogger(config.log_level);
  const clock = opts.clock ?? (() => new Date());
  const cwd = opts.cwd ?? process.cwd();
  const models = path.join(config.home, 'models');
  const staging = path.join(models, '.staging');
  const version = codeVersion(packageRoot());
  // The main thread's writes go before a worker's chunked ingest write (registry/write-gate.ts).
  const writeGate = createWriteGate();
  const registry: Registry = openRegistry({
    writeGate,
    // Checkpoints run in the task worker (wal-checkpoints.ts; ingests checkpoint at their end).
    autoCheckpoint: false,
    file: path.join(config.home, 'trainyard.db'),
    modelsDir: models,
    clock,
    retention: config.retention,
  });
  const alerts: Alerts = createAlerts(logger);
  const mirror: Mirror = createMirror({ home: config.home, registry, clock, logger });
  // Data-sized work (drift reports, ingests (plan and write), data summaries) runs here, off the main thread.
  const tasks: TaskRunner = createTaskRunner({
    offThread: opts.offThread,
    logger,
    resourceLimits: config.worker_memory_mb ? { maxOldGenerationSizeMb: config.worker_memory_mb } : undefined,
  });
  const walCheckpoints = startWalCheckpoints({ file: registry.file, tasks, logger });
  const backend = (): Promise<BackendInfo> => initBackend({ preference: config.backend, wasmThreads: config.wasm_threads });
  const gates: GateService = createGateService({
    config,
    registry,
    clock,
    cwd,
    backend,
    tasks,
    // Every trial counts toward the deflated Sharpe: the name's versions, and for a research model
    // every model its program trained (gate-rejected ones included), so more tries set a higher bar.
    tuningSharpes: (m) => registry.tuning.sharpesFor(m.name),
    trials: (m) => {
      const own = registry.models.list({ name: m.name, limit: 10_000 });
      const program = registry.research.programOf(m.model_id);
      if (!program) return own;
      const seen = new Set(own.map((v) => v.model_id));
      const others = registry.research
        .programModels(program)
        .filter((id) => !seen.has(id))
        .map((id) => registry.models.get(id));
      return [...own, ...others];
    },
  });
  const drift = createDriftService({ config, registry, cwd, tasks });
  const strategies = {
    list: () => listStrategies(config.strategies_dir),
    resolve: (ref: string, access?: FileAccess): ResolvedStrategy =>
      resolveStrategy(ref, { strategiesDir: config.strategies_dir, cwd, access }),
  };

  const limits = createLimitChecks(config.limits, registry.operations);
  const tuningDir = path.join(config.home, 'tuning');
  /** A trial's outcome is its operation's result (its worker wrote the every-bar validation returns to `returns_file`). */
  const recordTrialReturns = (_op: Operation, r: TrialOutcome): Record<string, unknown> => {
    const { returns: _returns, ...rest } = r;
    return rest as unknown as Record<string, unknown>;
  };
  /** Where a job's worker finds data and how it computes (every kind of job). */
  const workerSettings = (access: FileAccess | undefined) => ({
    store_file: registry.file,
    data_dir: config.data_dir,
    cwd,
    access,
    backend: config.backend,
    wasm_threads: config.wasm_threads,
    progress_every_batches: config.progress_every_batches,
    limits: config.limits,
  });
  const backtestStore = createBacktestStore(path.join(config.home, 'backtests'));
  const runnerOptions: JobRunnerOptions = {
    operations: registry.operations,
    stagingDir: staging,
    logger,
    clock,
    workers: config.workers,
    resourceLimits: config.worker_memory_mb ? { maxOldGenerationSizeMb: config.worker_memory_mb } : undefined,
    timeLimit: { ms: config.limits.job_wall_seconds * 1000, key: 'limits.job_wall_seconds' },
    onCompleted: (op, result, stagedPath) => {
      if (isBacktestRun(result)) return backtestStore.write(op.id, result);
      if (isTrialOutcome(result)) return recordTrialReturns(op, result);
      const actor = (op.params['actor'] as string | undefined) ?? 'system';
      // The version and its training and backtest gates commit together: a crash or a gate that
      // cannot be stored leaves neither (the job fails and the staged folder is removed).
      let stored: ReturnType<typeof gates.recordRegistrationGates> = [];
      const outcome = registerTrainedModel(registry, op, result, stagedPath, version, actor, (model) => {
        stored = gates.recordRegistrationGates(model, actor);
      });
      if (outcome.already_registered) {
        const latest = registry.evaluations.latestGates(outcome.model_id);
        const passed = (gate: string) => latest.find((g) => g.result.gate === gate)?.result.passed ?? null;
        return { ...outcome, training_gate_passed: passed('training'), backtest_gate_passed: passed('backtest') };
      }
      const [training, backtest] = stored;
      return { ...outcome, training_gate_passed: training!.result.passed, backtest_gate_passed: backtest!.result.passed };
    },
  };
  // Local worker threads by default; with `queue` (--queue redis://...), BullMQ workers on any machine.
  // A job on `store:` data carries its bars to the remote worker, read off the main thread.
  const packStoreBars: PackStoreBars = (spec, settings) =>
    tasks.run({
      kind: 'pack_store_bars',
      spec,
      store_file: settings.store_file ?? registry.file,
      cwd: settings.cwd,
      access: settings.access,
    });
  const jobs: JobRunner = config.queue
    ? createRedisJobRunner({ ...runnerOptions, queue: config.queue, packStoreBars })
    : createJobRunner(runnerOptions);
  jobs.on((e: JobEvent) => (e.type === 'progress' ? mirror.touch(e.operation_id) : mirror.touch(e.operation.id, true)));

  // Rows of dead processes -> interrupted; artifact folders nobody owns -> removed. Staging folders
  // of jobs still pending or running in another live process (a server beside this CLI) stay.
  jobs.recover({
    folders: () => {
      const live = new Set(
        [
          ...registry.operations.list({ status: 'running', limit: 1000 }),
          ...registry.operations.list({ status: 'pending', limit: 1000 }),
        ].map((o) => o.id),
      );
      const training = path.join(config.home, 'training');
      const mirrorTemps = staleTempFiles([models, training, path.join(training, 'runs')], processAlive);
      return [...registry.models.orphanFolders(), ...backtestStore.tempFolders(), ...mirrorTemps].filter((f) => {
        const id = /^(?:\.tmp-)?(op_[0-9]+_[0-9a-f]+)/.exec(path.basename(f))?.[1];
        return !(id && live.has(id));
      });
    },
  });
  void mirror.flush();

  const training = {
    /** Validates the strategy (nothing is queued when it is invalid) and queues the job. */
    start(input: TrainInput, o: StartOptions): Operation {
      const strategy = strategies.resolve(input.strategy, o.access);
      const trained = applyOverrides(strategy.strategy, input.overrides);
      // The data the worker will read, refused now (nothing queued) when the caller may not read it.
      checkDataSpecAccess(input.data ?? trained.data.source ?? DEFAULT_DATA_SPEC, { cwd, access: o.access });
      limits.training(trained, input.data ?? trained.data.source ?? DEFAULT_DATA_SPEC);
      const client = clientOf(o.actor, o.client);
      jobs.assertAccepting();
      // A research run's own jobs count as the run (admitted when it started).
      if (!o.parent_id) limits.admit(client);
      const spec: TrainingJobSpec = {
        ...workerSettings(o.access),
        strategy_yaml: strategy.yaml,
        strategy_source: strategy.source,
        data: input.data,
        overrides: input.overrides,
      };
      const params = {
        strategy: strategy.strategy.name,
        strategy_source: strategy.source,
        data: input.data ?? null,
        overrides: input.overrides ?? {},
        actor: o.actor,
        client,
        trigger: o.trigger ?? 'manual',
        ...(o.tuning ? { tuning: o.tuning } : {}),
      };
      const op = jobs.submit(spec, { priority: o.priority, parent_id: o.parent_id ?? null, params });
      registry.audit.append(o.actor, 'start_training', op.id, params);
      return op;
    },

    cancel(id: string, reason: string, actor: string): Operation {
      return registry.audit.record(actor, 'cancel_training', id, { reason }, () => jobs.cancel(id, reason));
    },

    /**
     * Queues a job and follows it to the end; aborting `ctx.signal` cancels the job. Resolves with
     * the full training result (read back from the registered artifact folder).
     */
    async train(input: TrainInput, ctx: RunContext = {}): Promise<TrainingResult & { operation_id: string }> {
      const op = training.start(input, {
        actor: ctx.actor ?? 'cli',
        client: ctx.client,
        access: ctx.access,
        priority: ctx.priority,
        parent_id: ctx.parent_id,
        trigger: ctx.trigger,
        tuning: ctx.tuning,
      });
      ctx.onQueued?.(op);
      const unsubscribe = jobs.subscribe(op.id, (e) => {
        if (e.type === 'progress') ctx.onProgress?.(e.progress);
      });
      const onAbort = () => {
        const current = registry.operations.get(op.id);
        if (!TERMINAL_STATUSES.has(current.status)) jobs.cancel(op.id, String(ctx.signal?.reason ?? 'aborted'));
      };
      ctx.signal?.addEventListener('abort', onAbort, { once: true });
      if (ctx.signal?.aborted) onAbort();
      try {
        const done = await jobs.waitFor(op.id);
        if (done.status === 'cancelled') throw cancelledError(done.error?.message);
        if (done.status !== 'completed') {
          const code = (done.error?.code ?? 'TRAINING_FAILED') as DomainError['code'];
          throw new DomainError(
            code,
            done.error?.message ?? `${TERMINAL_MESSAGE[done.status] ?? 'Training did not complete'} (${done.id}).`,
            { operation_id: done.id },
          );
        }
        const modelPath = done.result?.['model_path'] as string;
        const result = JSON.parse(fs.readFileSync(path.join(modelPath, 'result.json'), 'utf8')) as TrainingResult;
        return { ...result, operation_id: op.id };
      } finally {
        unsubscribe();
        ctx.signal?.removeEventListener('abort', onAbort);
      }
    },
  };

  const monitoring = createMonitoringServices({
    registry,
    home: config.home,
    dataDir: config.data_dir,
    cwd,
    clock,
    logger,
    rules: config.performance,
    backend,
    runUpdate: (model, rules) =>
      tasks.run({
        kind: 'performance_update',
        store_file: registry.file,
        model,
        rules,
        now: clock().toISOString(),
        backend: { preference: config.backend, wasmThreads: config.wasm_threads },
      }),
    runIngest: (input, options, actor) =>
      tasks.run({ kind: 'ingest', store_file: registry.file, input, options, actor, at: clock().toISOString(), gate: writeGate }),
  });
  const backtests = createBacktests({ config, registry, jobs, store: backtestStore, cwd, limits });
  const charts = createChartService({
    config,
    registry,
    backtests: backtestStore,
    performanceHistory: (id) => monitoring.performance.history(id),
    // Called only once services exist: the tuning service is created below.
    tuningStatus: (runId) => tuning.status(runId),
    renderer: async (chart, options) => {
      const r = await tasks.run({ kind: 'render_chart', chart, options });
      // PNG bytes arrive as a Uint8Array (a Buffer does not survive the thread boundary as one).
      return r.png ? { ...r, png: Buffer.from(r.png.buffer, r.png.byteOffset, r.png.byteLength) } : r;
    },
  });
  const reports = createReportService({
    registry,
    charts,
    performanceReport: (id) => monitoring.performance.report({ model_id: id })[0]!,
    codeVersion: version,
    clock,
  });

  const research = createResearchService({
    config,
    registry,
    gates,
    train: (input, ctx) => training.train(input, ctx),
    backtest: (input, ctx) => backtests.run(input, ctx),
    tasks,
    logger: logger.child({ component: 'research' }),
    clock,
    cwd,
    providers: opts.researchProviders,
    alerts,
    limits,
  });

  const tuning = createTuningService({
    config,
    registry,
    gates,
    logger: logger.child({ component: 'tuning' }),
    clock,
    cwd,
    dir: tuningDir,
    resolveStrategy: strategies.resolve,
    limits,
    submitTrial: (job, o) => {
      jobs.assertAccepting();
      const study = o.params['study_id'] as string;
      const trial = o.params['trial'] as number;
      const spec: TrialJobSpec = {
        ...workerSettings(o.access),
        kind: 'trial',
        ...job,
        returns_file: trialReturnsFile(tuningDir, study, trial),
      };
      return jobs.submit(spec, { parent_id: o.parent_id, params: o.params, onReport: o.onReport });
    },
    waitFor: (id) => jobs.waitFor(id),
    cancelJob: (id, reason) => void jobs.cancel(id, reason),
    retrain: async (input, ctx) => {
      const r = await training.train(input, { ...ctx, trigger: 'tuning' });
      return { model_id: r.model_id, operation_id: r.operation_id };
    },
  });

  let closing: Promise<void> | undefined;
  return {
    config,
    logger,
    clock,
    cwd,
    codeVersion: version,
    paths: { models, staging, training: path.join(config.home, 'training'), backtests: backtestStore.dir },
    backend,
    registry,
    gates,
    drift,
    jobs,
    mirror,
    strategies,
    training,
    /** Queue, size and budget checks that refuse work before it is queued (config `limits`). */
    limits,
    /** ingest.ingest / newBarsSince / batches; performance.update / report / status (src/monitoring/performance.ts). */
    ...monitoring,
    /** Escalations (retraining outcomes, drift, degradation) that the MCP server forwards to clients. */
    alerts,
    backtests,
    /** Charts of a model version (list / spec / render to SVG or PNG), of a research program and of a tuning run (src/charts). */
    charts,
    /** modelHtml: one self-contained HTML report of a model version (`trainyard report`). */
    reports,
    research,
    /** Hyperparameter tuning runs (src/tuning): start, resume, cancel, status. */
    tuning,
    /** describe: what a data spec loads to (describe_data, `trainyard data show`). */
    data: createDataService({ config, cwd, storeFile: registry.file, limits, tasks }),
    /** The task worker that runs data-sized work off the main thread. */
    tasks,
    /** Stops taking jobs, cancels or finishes running ones (config.shutdown), writes the state files, closes the database. */
    close(mode: 'cancel' | 'finish' = config.shutdown): Promise<void> {
      closing ??= (async () => {
        // Research runs first: they end interrupted (resumable) rather than failing on cancelled jobs.
        await research.shutdown();
        await tuning.shutdown();
        await jobs.shutdown({ mode, timeoutMs: config.shutdown_timeout_ms });
        await mirror.close();
        await monitoring.performance.flush();
        await walCheckpoints.stop();
        await tasks.close();
        registry.close();
      })();
      return closing;
    },
  };
}

export type Services = ReturnType<typeof createServices>;
