import type { Operation } from '../domain/operation.js';

/** Phases of a run in the model-trainer spec's order. */
export const RUN_PHASES = ['data_preparation', 'feature_engineering', 'model_training', 'validation', 'deployment_decision'] as const;

/** Estimated completion from progress so far and elapsed time (null before any progress). */
export function eta(op: Operation, now: Date): string | null {
  if (!op.started_at || op.progress_pct <= 0 || op.progress_pct >= 100) return null;
  const elapsed = now.getTime() - Date.parse(op.started_at);
  return new Date(now.getTime() + (elapsed * (100 - op.progress_pct)) / op.progress_pct).toISOString();
}

/**
 * Phase start times. The job runner's progress recorder keeps them in the operation row's metrics
 * (`phases: {phase: iso}`), so run files survive a restart and the mirror holds no state of its own.
 */
function phaseTimes(op: Operation): Record<string, string> {
  return ((op.metrics?.['phases'] as Record<string, string> | undefined) ?? {}) as Record<string, string>;
}

/** Index of the run's current phase; a phase outside RUN_PHASES ("saving") counts as the last known one entered. */
function currentPhase(op: Operation, times: Record<string, string>): number {
  const i = op.phase ? RUN_PHASES.indexOf(op.phase as (typeof RUN_PHASES)[number]) : -1;
  return i >= 0 ? i : RUN_PHASES.reduce((last, p, j) => (times[p] ? j : last), -1);
}

/** training/runs/<run_id>.json for one training operation, derived from its row. */
export function runFile(op: Operation): Record<string, unknown> {
  const times = phaseTimes(op);
  const current = currentPhase(op, times);
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
