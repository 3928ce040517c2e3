import fs from 'node:fs';
import path from 'node:path';
import type { FileAccess } from '../config/access.js';
import type { Config } from '../config/schema.js';
import { cancelledError, DomainError } from '../domain/errors.js';
import { TERMINAL_STATUSES, type Operation } from '../domain/operation.js';
import type { JobRunner } from '../jobs/runner.js';
import type { BacktestJobSpec } from '../jobs/protocol.js';
import { backtestData, rangeBound, type BacktestMode, type BacktestRequest, type BacktestRun } from '../monitoring/backtest/request.js';
import { planWindows, type WalkForwardOptions } from '../monitoring/backtest/walk-forward-plan.js';
import { checkDataSpecAccess, loadMarketData } from '../pipeline/data/index.js';
import { labelHorizon } from '../domain/strategy.js';
import type { PipelineProgress, TrainingResult } from '../pipeline/result.js';
import { parseStrategy } from '../pipeline/strategy-source.js';
import type { TrainingOverrides } from '../pipeline/train-pipeline.js';
import type { Registry } from '../registry/index.js';
import type { BacktestStore } from './backtest-store.js';
import { clientOf } from '../config/limits.js';
import type { LimitChecks } from './limits.js';

export interface BacktestInput {
  model_id: string;
  /** Default: walk_forward when walk-forward options are given, data when a data spec is, else test_segment. */
  mode?: BacktestMode | undefined;
  data?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  walk_forward?:
    | {
        scheme?: 'expanding' | 'rolling' | undefined;
        windows?: number | undefined;
        test_bars?: number | undefined;
        train_bars?: number | undefined;
        min_train_bars?: number | undefined;
        epochs?: number | undefined;
      }
    | undefined;
}

export interface BacktestRunContext {
  actor?: string | undefined;
  /** Who the job counts against for the queue limits; from the actor when absent. */
  client?: string | undefined;
  /** The research run that owns this backtest (it counts as the run for the queue limits). */
  parent_id?: string | null | undefined;
  /** Which files `data` may name; default: any (CLI). */
  access?: FileAccess | undefined;
  priority?: 'normal' | 'high' | undefined;
  signal?: AbortSignal | undefined;
  onProgress?: ((p: PipelineProgress) => void) | undefined;
  onQueued?: ((op: Operation) => void) | undefined;
}

interface Deps {
  config: Config;
  registry: Registry;
  jobs: JobRunner;
  store: BacktestStore;
  cwd: string;
  limits: LimitChecks;
}

const bad = (message: string, data?: Record<string, unknown>) => new DomainError('INVALID_ARGUMENT', message, data);

/** Backtest jobs of registered models: validated and queued like training, reports stored by the store. */
export function createBacktests({ config, registry, jobs, store, cwd, limits }: Deps) {
  /** Everything checkable before a row exists: the model, the mode, the data spec, dates, enough bars. */
  async function prepare(input: BacktestInput, access: FileAccess | undefined): Promise<BacktestRequest> {
    const model = registry.models.get(input.model_id);
    if (!fs.existsSync(path.join(model.artifact_path, 'model.json')))
      throw new DomainError(
        'MODEL_NOT_FOUND',
        `The artifacts of ${model.model_id} are gone (stage ${model.stage}; retention removes archived versions' folders). Backtest another version (list_models).`,
        { model_id: model.model_id },
      );
    const mode: BacktestMode = input.mode ?? (input.walk_forward ? 'walk_forward' : input.data ? 'data' : 'test_segment');
    if (mode === 'test_segment' && (input.data || input.from || input.to))
      throw bad(
        'mode "test_segment" replays the bars the model was tested on at training; data, from and to do not apply. Use mode "data" to trade other bars.',
      );
    if (mode === 'data' && !input.data)
      throw bad('mode "data" needs data: a data spec such as "sample:sp500", "csv:<path>" or "synthetic:seed=1,bars=3000".');
    if (input.walk_forward && mode !== 'walk_forward') throw bad(`walk_forward options apply to mode "walk_forward" only, not "${mode}".`);
    if (input.data) checkDataSpecAccess(input.data, { cwd, access });
    if (rangeBound(input.from, 'from') > rangeBound(input.to, 'to')) throw bad(`from ${input.from} is after to ${input.to}. Swap them.`);

    const result = JSON.parse(fs.readFileSync(path.join(model.artifact_path, 'result.json'), 'utf8')) as TrainingResult;
    let trainingOp: Operation | undefined;
    try {
      trainingOp = model.operation_id ? registry.operations.get(model.operation_id) : undefined;
    } catch {
      trainingOp = undefined;
    }
    // The training run's overrides make its data reproducible; without its row, the recorded summary does.
    const ds = result.data_summary;
    const overrides = (trainingOp?.params['overrides'] as TrainingOverrides | undefined) ?? {
      symbols: ds.symbols,
      timeframe: ds.timeframe,
      from: ds.date_range.from,
      to: ds.date_range.to,
    };
    const wf = input.walk_forward;
    const walk: BacktestRequest['walk_forward'] =
      mode === 'walk_forward'
        ? {
            scheme: wf?.scheme ?? 'expanding',
            windows: wf?.windows ?? config.backtest.walk_forward_windows,
            test_bars: wf?.test_bars,
            train_bars: wf?.train_bars,
            min_train_bars: wf?.min_train_bars ?? config.backtest.min_train_bars,
            epochs: wf?.epochs,
          }
        : undefined;
    if (walk?.train_bars !== undefined && walk.scheme !== 'rolling') throw bad('walk_forward.train_bars applies to scheme "rolling" only.');
    const req: BacktestRequest = {
      mode,
      model_id: model.model_id,
      model_dir: model.artifact_path,
      training: {
        data: model.lineage.data_source,
        overrides,
        data_hash: model.lineage.data_hash,
        backtest: model.metrics.backtest ?? null,
      },
      data: input.data,
      access,
      from: input.from,
      to: input.to,
      walk_forward: walk,
    };
    if (mode !== 'test_segment') await preflight(req, walk);
    return req;
  }

  /**
   * Loads the data once here so a missing file, an empty date range or too few bars for the
   * windows is an error before any row exists. The walk-forward check is necessary, not
   * sufficient (indicator warm-up is known only once features are built): the job checks again.
   */
  async function preflight(req: BacktestRequest, walk: WalkForwardOptions | undefined): Promise<void> {
    const yaml = fs.readFileSync(path.join(req.model_dir, 'strategy.yaml'), 'utf8');
    const { strategy, spec, load } = backtestData(req, parseStrategy(yaml, 'strategy.yaml').strategy);
    const data = await loadMarketData(spec, { ...load, cwd, dataDir: config.data_dir, storeFile: registry.file });
    const lo = rangeBound(req.from, 'from');
    const hi = rangeBound(req.to, 'to');
    const times = new Set<number>();
    for (const s of data.series) for (const t of s.time) if (t >= lo && t <= hi) times.add(t);
    if (times.size < 2)
      throw bad(
        `${spec} has ${times.size} bars from ${req.from ?? 'the start'} to ${req.to ?? 'the end'}; a backtest needs at least 2. Widen from/to.`,
      );
    if (walk) {
      const horizon = labelHorizon(strategy.labels);
      planWindows(Math.max(0, times.size - horizon), strategy.training.purge_gap ?? horizon, walk);
    }
  }

  const service = {
    /** Validates (nothing is queued when the input is wrong) and queues a backtest job; returns the pending row. */
    async start(
      input: BacktestInput,
      o: Pick<BacktestRunContext, 'client' | 'parent_id' | 'priority' | 'access'> & { actor: string },
    ): Promise<Operation> {
      limits.dataSpec(input.data);
      const req = await prepare(input, o.access);
      const client = clientOf(o.actor, o.client);
      jobs.assertAccepting();
      if (!o.parent_id) limits.admit(client);
      const spec: BacktestJobSpec = {
        ...req,
        kind: 'backtest',
        data_dir: config.data_dir,
        store_file: registry.file,
        cwd,
        backend: config.backend,
        wasm_threads: config.wasm_threads,
        progress_every_batches: config.progress_every_batches,
      };
      const params = {
        model_id: req.model_id,
        mode: req.mode,
        data: req.data ?? null,
        from: req.from ?? null,
        to: req.to ?? null,
        walk_forward: req.walk_forward ?? null,
        actor: o.actor,
        client,
      };
      const op = jobs.submit(spec, { priority: o.priority, parent_id: o.parent_id ?? null, params });
      registry.audit.append(o.actor, 'run_backtest', op.id, params);
      return op;
    },

    /** Queues a backtest and follows it to the end (aborting `ctx.signal` cancels it); resolves with the full report. */
    async run(input: BacktestInput, ctx: BacktestRunContext = {}): Promise<BacktestRun & { operation_id: string }> {
      const op = await service.start(input, {
        actor: ctx.actor ?? 'cli',
        client: ctx.client,
        parent_id: ctx.parent_id,
        priority: ctx.priority,
        access: ctx.access,
      });
      ctx.onQueued?.(op);
      const unsubscribe = jobs.subscribe(op.id, (e) => {
        if (e.type === 'progress') ctx.onProgress?.(e.progress);
      });
      const onAbort = () => {
        if (!TERMINAL_STATUSES.has(registry.operations.get(op.id).status)) jobs.cancel(op.id, String(ctx.signal?.reason ?? 'aborted'));
      };
      ctx.signal?.addEventListener('abort', onAbort, { once: true });
      if (ctx.signal?.aborted) onAbort();
      try {
        const done = await jobs.waitFor(op.id);
        if (done.status === 'cancelled') throw cancelledError(done.error?.message);
        if (done.status !== 'completed')
          throw new DomainError(
            (done.error?.code ?? 'BACKTEST_FAILED') as DomainError['code'],
            done.error?.message ?? `The backtest ${done.id} ended ${done.status}.`,
            { operation_id: done.id },
          );
        return store.read(op.id);
      } finally {
        unsubscribe();
        ctx.signal?.removeEventListener('abort', onAbort);
      }
    },

    /** The full report of a completed backtest operation. */
    report: (operationId: string) => store.read(operationId),
  };
  return service;
}

export type Backtests = ReturnType<typeof createBacktests>;
