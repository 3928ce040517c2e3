import path from 'node:path';
import type { Logger } from 'pino';
import type { Operation } from '../domain/operation.js';
import { writeJsonAtomicAsync } from './atomic-write.js';
import type { Registry } from './index.js';

/** Phases of a run in the model-trainer spec's order. */
export const RUN_PHASES = ['data_preparation', 'feature_engineering', 'model_training', 'validation', 'deployment_decision'] as const;

export interface MirrorOptions {
  home: string;
  registry: Registry;
  clock: () => Date;
  logger?: Logger;
  /** Bursts of changes are written at most once per this many ms. */
  debounceMs?: number;
}

function eta(op: Operation, now: Date): string | null {
  if (!op.started_at || op.progress_pct <= 0 || op.progress_pct >= 100) return null;
  const elapsed = now.getTime() - Date.parse(op.started_at);
  return new Date(now.getTime() + (elapsed * (100 - op.progress_pct)) / op.progress_pct).toISOString();
}

/** Phase start times the runner records in the operation's metrics (`phases: {phase: iso}`). */
function phaseTimes(op: Operation): Record<string, string> {
  return ((op.metrics?.['phases'] as Record<string, string> | undefined) ?? {}) as Record<string, string>;
}

export function runFile(op: Operation): Record<string, unknown> {
  const times = phaseTimes(op);
  const current = op.phase ? RUN_PHASES.indexOf(op.phase as (typeof RUN_PHASES)[number]) : -1;
  const done = op.status === 'completed';
  const phases = Object.fromEntries(
    RUN_PHASES.map((p, i) => {
      const next = RUN_PHASES[i + 1];
      const started = times[p] ?? null;
      const status = done
        ? 'completed'
        : i < current
          ? 'completed'
          : i === current
            ? op.status === 'running'
              ? 'running'
              : op.status
            : 'pending';
      const completed = status === 'completed' ? ((next && times[next]) ?? op.finished_at) : null;
      const entry: Record<string, unknown> = { status, started_at: started, completed_at: completed };
      if (i === current && op.status === 'running') entry['progress'] = { pct: op.progress_pct, message: op.message };
      if (p === 'deployment_decision' && op.result)
        entry['result'] = { model_id: op.result['model_id'] ?? null, stage: op.result['stage'] ?? null };
      return [p, entry];
    }),
  );
  return {
    run_id: op.id,
    trigger: (op.params['trigger'] as string | undefined) ?? 'manual',
    started_at: op.started_at,
    completed_at: op.finished_at,
    status: op.status,
    error: op.error,
    phases,
  };
}

/**
 * Mirrors the registry into the JSON files the model-trainer specification describes, for agents
 * that read files. Never read back as truth; rewritten atomically after changes.
 */
export function createMirror({ home, registry, clock, logger, debounceMs = 500 }: MirrorOptions) {
  const trainingDir = path.join(home, 'training');
  let timer: NodeJS.Timeout | undefined;
  const dirtyRuns = new Set<string>();
  // Progress touches only the status and run files; the registry file waits for a registry change.
  let registryDirty = true;

  /** Reads happen now (consistent snapshot); the files are written off the event loop. */
  function statusFile(): [string, unknown] {
    const now = clock();
    const recent = registry.operations.list({ type: 'training', limit: 50 });
    const running = recent.find((o) => o.status === 'running');
    const last = recent.find((o) => o.status !== 'running' && o.status !== 'pending');
    const lastModel = last?.result?.['model_id'] as string | undefined;
    const lastStage = lastModel ? registry.models.get(lastModel).stage : undefined;
    return [
      path.join(trainingDir, 'training_status.json'),
      {
        updated_at: now.toISOString(),
        current_run: running
          ? {
              run_id: running.id,
              status: running.status,
              phase: running.phase,
              progress_pct: running.progress_pct,
              started_at: running.started_at,
              eta_completion: eta(running, now),
            }
          : null,
        last_completed_run: last
          ? {
              run_id: last.id,
              status: last.status,
              result: last.result ?? last.error,
              model_promoted: lastStage === 'staging' || lastStage === 'production',
            }
          : null,
        next_scheduled_run: null,
        triggered_runs_pending: recent
          .filter((o) => o.status === 'pending')
          .map((o) => ({
            run_id: o.id,
            trigger: (o.params['trigger'] as string | undefined) ?? 'manual',
            priority: o.priority,
            created_at: o.created_at,
          })),
      },
    ];
  }

  function registryFile(): [string, unknown] {
    const all = registry.models.list({ limit: 10_000 });
    const production = all.filter((m) => m.stage === 'production');
    const card = (m: (typeof all)[number]) => ({
      model_id: m.model_id,
      stage: m.stage,
      created_at: m.created_at,
      test_accuracy: (m.metrics.test['accuracy'] as number | undefined) ?? null,
    });
    const prodEntry = (m: (typeof all)[number]) => ({
      model_id: m.model_id,
      deployed_at: m.stage_changed_at,
      performance_since_deploy: m.metrics.production ?? null,
    });
    const latest = [...production].sort((a, b) => b.stage_changed_at.localeCompare(a.stage_changed_at))[0];
    const history = registry.db
      .prepare(
        'SELECT model_id, name, from_stage, to_stage, action, actor, at, reason, forced FROM promotion_history ORDER BY id DESC LIMIT 50',
      )
      .all();
    return [
      path.join(registry.modelsDir, 'model_registry.json'),
      {
        updated_at: clock().toISOString(),
        // The spec has one production model; with several model names the most recently deployed
        // one is here and every name's is under production_models.
        production_model: latest ? prodEntry(latest) : null,
        production_models: Object.fromEntries(production.map((m) => [m.name, prodEntry(m)])),
        candidate_models: all.filter((m) => m.stage === 'candidate' || m.stage === 'staging').map(card),
        model_history: history,
        total_models_trained: registry.models.count(),
      },
    ];
  }

  let writing: Promise<void> = Promise.resolve();

  /** Snapshots what changed and queues the writes behind any still in flight. */
  function flush(): Promise<void> {
    if (timer) clearTimeout(timer);
    timer = undefined;
    let files: [string, unknown][];
    try {
      files = [...dirtyRuns].map((id): [string, unknown] => [
        path.join(trainingDir, 'runs', `${id}.json`),
        runFile(registry.operations.get(id)),
      ]);
      files.push(statusFile());
      if (registryDirty) files.push(registryFile());
    } catch (err) {
      logger?.warn({ err }, 'state file mirror failed');
      return writing;
    }
    dirtyRuns.clear();
    registryDirty = false;
    // The mirror is a convenience; the registry stays the truth. A failed write is logged only.
    writing = writing.then(() =>
      Promise.all(files.map(([file, value]) => writeJsonAtomicAsync(file, value))).then(
        () => undefined,
        (err: unknown) => logger?.warn({ err }, 'state file mirror failed'),
      ),
    );
    return writing;
  }

  return {
    flush,
    /**
     * Marks things changed; the files are rewritten at most once per debounce interval. A run's
     * progress rewrites the status and run files; a change of models (or no run id) all files.
     */
    touch(runId?: string, registryChanged = runId === undefined): void {
      if (runId) dirtyRuns.add(runId);
      registryDirty ||= registryChanged;
      timer ??= setTimeout(() => void flush(), debounceMs);
      timer.unref?.();
    },
    /** Writes everything once more and waits for the writes to land. */
    close(): Promise<void> {
      registryDirty = true;
      return flush();
    },
  };
}

export type Mirror = ReturnType<typeof createMirror>;
