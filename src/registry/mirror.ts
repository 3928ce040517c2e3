import path from 'node:path';
import type { Logger } from 'pino';
import type { ModelVersion } from '../domain/model-version.js';
import { writeJsonAtomicAsync } from './atomic-write.js';
import { eta, runFile } from './run-file.js';
import type { Registry } from './index.js';
import { isBusyError } from './busy-retry.js';

export { RUN_PHASES, runFile } from './run-file.js';

export interface MirrorOptions {
  home: string;
  registry: Registry;
  clock: () => Date;
  logger?: Logger;
  /** Bursts of changes are written at most once per this many ms. */
  debounceMs?: number;
}

/**
 * Mirrors the registry into the JSON files the model-trainer specification describes, for agents
 * that read files. Never read back as truth; each file is rewritten atomically (temp + rename).
 *
 * - training/training_status.json: `current_run` is the running training operation (eta from
 *   progress and elapsed time); `last_completed_run` the latest one that ended, whatever the
 *   outcome (its `status` says which); `model_promoted` is true once its version reached staging
 *   or was ever in production. `next_scheduled_run` stays null (the scheduler owns schedules);
 *   `triggered_runs_pending` lists queued training operations.
 * - training/runs/<run_id>.json: derived from the operation row alone (see runFile).
 * - <modelsDir>/model_registry.json: `production_model` is the most recently deployed production
 *   version over all names, `production_models` the production version of every name (keyed by
 *   name); `candidate_models` holds staging then candidate versions; `model_history` the 50 latest
 *   stage changes, newest first; `total_models_trained` counts every version ever registered.
 */
export function createMirror({ home, registry, clock, logger, debounceMs = 500 }: MirrorOptions) {
  const trainingDir = path.join(home, 'training');
  let timer: NodeJS.Timeout | undefined;
  const dirtyRuns = new Set<string>();
  // Progress touches only the status and run files; the registry file waits for a registry change.
  let registryDirty = true;

  /** A model the status file mentions; a missing one (another database, a test double) is no reason to stop mirroring. */
  function findModel(modelId: string): ModelVersion | null {
    try {
      return registry.models.get(modelId);
    } catch {
      return null;
    }
  }

  /** Reads happen now (consistent snapshot); the files are written off the event loop. */
  function statusFile(): [string, unknown] {
    const now = clock();
    const recent = registry.operations.list({ type: 'training', limit: 50 });
    const running = recent.find((o) => o.status === 'running');
    const last = recent.find((o) => o.status !== 'running' && o.status !== 'pending');
    const lastModel = last?.result?.['model_id'] as string | undefined;
    const lastVersion = lastModel ? findModel(lastModel) : null;
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
              model_promoted: lastVersion ? lastVersion.ever_in_production || lastVersion.stage === 'staging' : false,
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
    const production = registry.models.list({ stage: 'production', limit: 10_000 });
    const waiting = [
      ...registry.models.list({ stage: 'staging', limit: 10_000 }),
      ...registry.models.list({ stage: 'candidate', limit: 10_000 }),
    ];
    const card = (m: ModelVersion) => ({
      model_id: m.model_id,
      stage: m.stage,
      created_at: m.created_at,
      test_accuracy: (m.metrics.test['accuracy'] as number | undefined) ?? null,
    });
    const prodEntry = (m: ModelVersion) => ({
      model_id: m.model_id,
      deployed_at: m.stage_changed_at,
      performance_since_deploy: m.metrics.production ?? null,
    });
    const latest = [...production].sort((a, b) => b.stage_changed_at.localeCompare(a.stage_changed_at))[0];
    const history = registry.db
      .prepare(
        'SELECT model_id, name, from_stage, to_stage, action, actor, at, reason, forced FROM promotion_history ORDER BY id DESC LIMIT 50',
      )
      .all()
      .map((h) => ({ ...(h as Record<string, unknown>), forced: (h as { forced: number }).forced === 1 }));
    return [
      path.join(registry.modelsDir, 'model_registry.json'),
      {
        updated_at: clock().toISOString(),
        // The spec has one production model; with several model names the most recently deployed
        // one is here and every name's is under production_models.
        production_model: latest ? prodEntry(latest) : null,
        production_models: Object.fromEntries(production.map((m) => [m.name, prodEntry(m)])),
        // Candidates and staging versions (the ones that could be promoted next), staging first.
        candidate_models: waiting.map(card),
        model_history: history,
        total_models_trained: registry.models.count(),
      },
    ];
  }

  let writing: Promise<void> = Promise.resolve();
  let closed = false;

  /** A run file, or nothing when its operation row is gone (a bad id must not block the other files). */
  function runEntry(id: string): [string, unknown] | null {
    try {
      return [path.join(trainingDir, 'runs', `${id}.json`), runFile(registry.operations.get(id))];
    } catch (err) {
      logger?.warn({ err, run_id: id }, 'state file mirror: no run file for this operation');
      return null;
    }
  }

  /** Snapshots what changed and queues the writes behind any still in flight. */
  function flush(): Promise<void> {
    if (timer) clearTimeout(timer);
    timer = undefined;
    let files: [string, unknown][];
    try {
      files = [...dirtyRuns].map(runEntry).filter((f): f is [string, unknown] => f !== null);
      files.push(statusFile());
      if (registryDirty) files.push(registryFile());
    } catch (err) {
      logger?.warn({ err, busy: isBusyError(err) }, 'state file mirror failed');
      // Another process held the write lock: what changed is still marked, try at the next debounce.
      if (isBusyError(err) && !closed) {
        timer = setTimeout(() => void flush(), debounceMs);
        timer.unref?.();
      }
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
     * The debounce: marks things changed; the files are rewritten at most once per `debounceMs`
     * (500 ms: at most ~2 writes a second however fast progress comes). A run's progress rewrites
     * the status and run files; a change of models (or no run id) the registry file too.
     */
    touch(runId?: string, registryChanged = runId === undefined): void {
      if (closed) return;
      if (runId) dirtyRuns.add(runId);
      registryDirty ||= registryChanged;
      timer ??= setTimeout(() => void flush(), debounceMs);
      timer.unref?.();
    },
    /** Rewrites every file now: status, registry, and the run files of the 50 most recent training runs. */
    refresh(): Promise<void> {
      for (const op of registry.operations.list({ type: 'training', limit: 50 })) dirtyRuns.add(op.id);
      registryDirty = true;
      return flush();
    },
    /** Rewrites one run's file (and the status file) now. */
    refreshRun(runId: string): Promise<void> {
      dirtyRuns.add(runId);
      return flush();
    },
    /** Writes everything once more and waits for the writes to land; later touches are ignored. */
    close(): Promise<void> {
      registryDirty = true;
      const out = flush();
      closed = true;
      return out;
    },
  };
}

export type Mirror = ReturnType<typeof createMirror>;
