import type { FileAccess } from '../config/access.js';
import { checkDataSpecAccess } from '../pipeline/data/index.js';
import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import type { Config } from '../config/schema.js';
import { DomainError, isDomainError } from '../domain/errors.js';
import { TERMINAL_STATUSES, type Operation } from '../domain/operation.js';
import type { ResearchCycle } from '../domain/research.js';
import { waitForRun, type RunWaitOptions } from '../jobs/run-wait.js';
import type { Registry } from '../registry/index.js';
import type { GateService } from '../services/gates.js';
import { SHUTDOWN, type CycleDeps } from './cycle.js';
import { summarizeData } from './data-summary.js';
import type { TaskRunner } from '../jobs/tasks/task-runner.js';
import { planLockbox, type LockboxPlan } from './lockbox.js';
import { createProviders, type Providers } from './providers/index.js';
import { runResearch, type RunPlan } from './research-run.js';
import { clientOf } from '../config/limits.js';
import type { LimitChecks } from '../services/limits.js';
import { guardTimerWrite } from '../registry/busy-retry.js';

export interface StartResearchInput {
  goal?: string | undefined;
  cycles?: number | undefined;
  designer?: 'auto' | 'claude' | 'offline' | undefined;
  data?: string | undefined;
  program?: string | undefined;
  seed?: number | undefined;
  /** A resumed run's lockbox (new runs plan their own). */
  lockbox?: LockboxPlan | null | undefined;
}

export interface ResearchServiceOptions {
  config: Config;
  registry: Registry;
  gates: GateService;
  train: CycleDeps['train'];
  backtest: CycleDeps['backtest'];
  /** Runs the data summary in the task worker; absent: on this thread. */
  tasks?: TaskRunner | undefined;
  logger: Logger;
  clock: () => Date;
  cwd: string;
  alerts?: CycleDeps['alerts'];
  /** Queue and data-size limits checked before a run's row exists (services/limits.ts). */
  limits?: Pick<LimitChecks, 'admit' | 'dataSpec'> | undefined;
  /** Tests inject providers (e.g. Claude pointed at a local server); built from config otherwise. */
  providers?: ((choice: 'auto' | 'claude' | 'offline') => Providers) | undefined;
}

const DEFAULT_GOAL = 'Find a strategy with an out-of-sample edge over buy-and-hold and the majority-class baseline.';

/** A program name usable in strategy names: lower-case letters, digits and underscores. */
export function programName(text: string): string {
  const slug = text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 24)
    .replace(/_+$/, '');
  return /^[a-z]/.test(slug) ? slug : `r_${slug || 'research'}`;
}

/**
 * The research loop as a service: start a run (a `research` operation owning its cycles' training
 * jobs) that goes on in the background, follow it, cancel it, or resume one that trainyard's stop
 * interrupted. Runs share the job runner's workers with every other training job.
 */
export function createResearchService(o: ResearchServiceOptions) {
  const { registry, config, logger } = o;
  const providersFor = o.providers ?? ((choice) => createProviders(config.research, choice, logger));
  const running = new Map<string, { controller: AbortController; done: Promise<Operation> }>();
  const events = new EventEmitter();
  events.setMaxListeners(0);

  async function launch(op: Operation, plan: RunPlan, adopted: ResearchCycle[]): Promise<Operation> {
    const controller = new AbortController();
    const claimed = registry.operations.claim(op.id);
    const heartbeat = setInterval(
      () => void guardTimerWrite(logger.child({ operation_id: op.id }), 'research heartbeat', () => registry.operations.heartbeat(op.id)),
      5000,
    );
    heartbeat.unref();
    const done = runResearch(claimed, plan, adopted, controller.signal, {
      registry,
      gates: o.gates,
      train: o.train,
      backtest: o.backtest,
      research: config.research,
      logger,
      alerts: o.alerts,
      clock: o.clock,
      onProgress: (row) => events.emit(row.id, row),
    })
      .catch((err: unknown) => {
        logger.error({ err, operation_id: op.id }, 'research run failed unexpectedly');
        const message = isDomainError(err) ? err.message : `unexpected error: ${(err as Error)?.message ?? String(err)}`;
        return registry.operations.update(op.id, { status: 'failed', message, error: { code: 'RESEARCH_FAILED', message } });
      })
      .finally(() => {
        clearInterval(heartbeat);
        running.delete(op.id);
      });
    running.set(op.id, { controller, done });
    void done.then((row) => events.emit(op.id, row));
    return claimed;
  }

  async function planFor(input: StartResearchInput, access: FileAccess | undefined): Promise<RunPlan> {
    const data = input.data ?? config.research.default_data;
    checkDataSpecAccess(data, { cwd: o.cwd, access });
    const providers = providersFor(input.designer ?? 'auto');
    const files = { dataDir: config.data_dir, cwd: o.cwd, storeFile: registry.file, access };
    // The lockbox is fixed once per run (a resumed run keeps its own): the designer's summary ends before it.
    // Both read the whole data set: off the main thread when the services have a task worker.
    const lock =
      input.lockbox !== undefined
        ? { plan: input.lockbox, note: null }
        : o.tasks
          ? await o.tasks.run({ kind: 'plan_lockbox', spec: data, rules: config.research.lockbox, options: files })
          : await planLockbox(data, config.research.lockbox, files);
    const summaryOptions = { ...files, to: lock.plan?.train_to };
    const dataSummary = o.tasks
      ? await o.tasks.run({ kind: 'summarize_data', spec: data, options: summaryOptions })
      : await summarizeData(data, summaryOptions);
    const goal = input.goal?.trim() || DEFAULT_GOAL;
    return {
      goal,
      program: programName(input.program ?? (input.goal ? goal : 'research')),
      data,
      access,
      cycles: input.cycles ?? config.research.max_cycles,
      seed: input.seed ?? 1,
      dataSummary,
      providers,
      lockbox: lock.plan,
      lockboxNote: lock.note,
    };
  }

  const service = {
    /** Validates everything (data, designer, key) before a row exists, then starts the run in the background. */
    /** `access`: which files the caller may name in `data` (an MCP client's roots); default: any (CLI). */
    async start(input: StartResearchInput, actor: string, client?: string, access?: FileAccess): Promise<Operation> {
      o.limits?.dataSpec(input.data ?? config.research.default_data);
      const plan = await planFor(input, access);
      o.limits?.admit(clientOf(actor, client));
      const op = registry.operations.create({
        type: 'research',
        params: {
          goal: plan.goal,
          program: plan.program,
          data: plan.data,
          cycles: plan.cycles,
          seed: plan.seed,
          designer: plan.providers.designer.provider,
          lockbox: plan.lockbox,
          actor,
          client: clientOf(actor, client),
        },
      });
      registry.audit.append(actor, 'start_research', op.id, {
        program: plan.program,
        cycles: plan.cycles,
        designer: plan.providers.designer.provider,
      });
      return launch(op, plan, []);
    },

    /** Continues a run that ended interrupted (trainyard stopped or was killed): its unfinished cycles at their last completed phase, then the cycles it had left. */
    async resume(runId: string, actor: string, client?: string, access?: FileAccess): Promise<Operation> {
      const old = registry.operations.get(runId);
      if (old.type !== 'research')
        throw new DomainError('INVALID_ARGUMENT', `Operation ${runId} is a ${old.type} operation, not a research run.`);
      if (!TERMINAL_STATUSES.has(old.status))
        throw new DomainError(
          'CONFLICT',
          `Research run ${runId} is still ${old.status} (process ${old.owner_pid ?? '?'}); it can be resumed once it has stopped.`,
        );
      const unfinished = registry.research.unfinished(runId);
      const ended = registry.research.list({ run_id: runId, limit: 10_000 }).length - unfinished.length;
      const p = old.params as {
        goal: string;
        program: string;
        data: string;
        cycles: number;
        seed: number;
        designer: 'claude' | 'offline';
        lockbox?: LockboxPlan | null;
      };
      const remaining = Math.max(unfinished.length, p.cycles - ended);
      if (remaining === 0) throw new DomainError('CONFLICT', `Research run ${runId} has no cycles left to run (it ended ${old.status}).`);
      const plan = await planFor({ ...p, cycles: remaining, lockbox: p.lockbox ?? null }, access);
      o.limits?.admit(clientOf(actor, client));
      const op = registry.operations.create({
        type: 'research',
        params: { ...old.params, cycles: remaining, resumed_from: runId, actor, client: clientOf(actor, client) },
      });
      registry.audit.append(actor, 'resume_research', op.id, { resumed_from: runId, adopted: unfinished.map((c) => c.cycle_id) });
      const adopted = unfinished.map((c) => registry.research.adopt(c.cycle_id, op.id));
      return launch(op, plan, adopted);
    },

    cancel(runId: string, reason: string, actor: string): Operation {
      return registry.audit.record(actor, 'cancel_research', runId, { reason }, () => {
        const op = registry.operations.get(runId);
        if (TERMINAL_STATUSES.has(op.status)) throw new DomainError('CONFLICT', `Research run ${runId} already ended as ${op.status}.`);
        const run = running.get(runId);
        if (!run)
          throw new DomainError('CONFLICT', `Research run ${runId} is not running in this process (owner pid ${op.owner_pid ?? '?'}).`);
        run.controller.abort(reason);
        return registry.operations.update(runId, { message: `cancelling: ${reason}` });
      });
    },

    status(runId: string): { run: Operation; cycles: ResearchCycle[] } {
      const run = registry.operations.get(runId);
      if (run.type !== 'research')
        throw new DomainError('INVALID_ARGUMENT', `Operation ${runId} is a ${run.type} operation; use get_status for it.`);
      return { run, cycles: registry.research.list({ run_id: runId, limit: 10_000 }).sort((a, b) => a.cycle_index - b.cycle_index) };
    },

    /** The run once it ends, or as it stands at the timeout / abort (the run goes on). */
    waitFor(runId: string, w: RunWaitOptions = {}): Promise<Operation> {
      return waitForRun(runId, (id) => registry.operations.get(id), running.has(runId), events, w);
    },

    /** Runs of this process; on shutdown they end interrupted and their cycles stay resumable. */
    async shutdown(): Promise<void> {
      const runs = [...running.values()];
      for (const r of runs) r.controller.abort(SHUTDOWN);
      await Promise.all(runs.map((r) => r.done));
    },

    active: (): string[] => [...running.keys()],
  };
  return service;
}

export type ResearchService = ReturnType<typeof createResearchService>;
