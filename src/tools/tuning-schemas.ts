import { z } from 'zod';
import type { Operation } from '../domain/operation.js';
import type { StoredTrial } from '../registry/tuning-trials.js';
import type { Services } from '../services/index.js';
import type { ToolContext } from './define-tool.js';
import { listing } from './json-schema.js';
import { nextStep } from './next-steps.js';

const trialSchema = listing(
  z.object({
    number: z.number(),
    state: z.string().describe('running, complete, pruned or failed'),
    value: z.number().nullable().describe('Objective (minimised)'),
    params: z.record(z.string(), z.unknown()),
    epochs: z.number().describe('Epochs run (a pruned trial stops early)'),
    intermediate: z.array(z.number()).describe('Validation loss so far at each epoch end'),
    val_sharpe: z.number().nullable(),
    duration_s: z.number().nullable(),
    error: z.string().nullable(),
  }),
  { brief: ['params', 'intermediate'], omit: ['val_sharpe', 'duration_s', 'error'] },
);

export const tuningRunSchema = listing(
  z.object({
    run_id: z.string(),
    status: z.string().describe('pending, running, completed, failed, cancelled or interrupted (resumable)'),
    message: z.string().nullable(),
    progress_pct: z.number(),
    study_id: z.string().describe('The study its trials belong to (a resumed run continues it)'),
    strategy: z.string(),
    objective: z.string().describe('val_loss, or val_sharpe (value = minus the validation Sharpe)'),
    sampler: z.string(),
    pruner: z.string(),
    trials_planned: z.number(),
    counts: z.object({ complete: z.number(), pruned: z.number(), failed: z.number(), running: z.number() }),
    best: z
      .object({ number: z.number(), value: z.number().nullable(), params: z.record(z.string(), z.unknown()) })
      .nullable()
      .describe('Lowest validation loss among complete trials'),
    model_id: z.string().nullable().describe('The best trial retrained and registered as a candidate'),
    result: z
      .record(z.string(), z.unknown())
      .nullable()
      .describe('At the end: promotion gate (deflated Sharpe over every trial), pbo, pruning savings'),
    trials: z.array(trialSchema).describe('number, state, value, params, epochs, intermediate (per epoch)'),
  }),
  {
    brief: ['result', 'counts', 'best', 'trials'],
    omit: ['progress_pct', 'sampler', 'pruner', 'trials_planned', 'objective', 'strategy', 'study_id'],
  },
);
export type TuningRun = z.infer<typeof tuningRunSchema>;

const listedTrial = (t: StoredTrial): TuningRun['trials'][number] => ({
  number: t.number,
  state: t.state,
  value: t.value,
  params: t.params,
  epochs: t.intermediate.length,
  intermediate: t.intermediate.map((i) => +i.value.toPrecision(6)),
  val_sharpe: typeof t.metrics?.['val_sharpe'] === 'number' ? (t.metrics['val_sharpe'] as number) : null,
  duration_s: t.duration_s,
  error: t.error,
});

/** A run and its study's trials as every tuning tool returns them (`limit`: the best trials first, then the latest). */
export function tuningRun(run: Operation, trials: StoredTrial[], limit = 1000): TuningRun {
  const p = run.params as Record<string, unknown>;
  const counts = { complete: 0, pruned: 0, failed: 0, running: 0 };
  let best: StoredTrial | null = null;
  for (const t of trials) {
    counts[t.state]++;
    if (t.state === 'complete' && t.value !== null && (!best || t.value < best.value!)) best = t;
  }
  const shown =
    trials.length <= limit
      ? trials
      : [...trials]
          .sort((a, b) => (a.value ?? Number.POSITIVE_INFINITY) - (b.value ?? Number.POSITIVE_INFINITY) || b.number - a.number)
          .slice(0, limit)
          .sort((a, b) => a.number - b.number);
  const r = run.result ?? null;
  return {
    run_id: run.id,
    status: run.status,
    message: run.message,
    progress_pct: Math.round(run.progress_pct * 10) / 10,
    study_id: (p['study_id'] as string | null) ?? run.id,
    strategy: String(p['strategy'] ?? ''),
    objective: String(p['objective'] ?? 'val_loss'),
    sampler: String(p['sampler'] ?? ''),
    pruner: String(p['pruner'] ?? ''),
    trials_planned: Number(p['trials'] ?? 0),
    counts,
    best: best ? { number: best.number, value: best.value, params: best.params } : null,
    model_id: typeof r?.['model_id'] === 'string' ? r['model_id'] : null,
    result: r
      ? {
          promotion: r['promotion'] ?? null,
          pbo: r['pbo'] ?? null,
          pruning: r['pruning'] ?? null,
          trials_counted: r['trials_counted'] ?? null,
        }
      : null,
    trials: shown.map(listedTrial),
  };
}

/** Waits up to `seconds` for a run to end, forwarding its progress; the run goes on when the wait ends. */
export async function waitForTuning(
  services: Services,
  runId: string,
  seconds: number,
  ctx: ToolContext,
  limit?: number,
): Promise<TuningRun> {
  if (seconds > 0)
    await services.tuning.waitFor(runId, {
      timeoutMs: Math.min(seconds, ctx.maxWaitSeconds) * 1000,
      signal: ctx.signal,
      onProgress: (op) => ctx.progress(op.progress_pct, op.message ?? op.phase ?? 'running'),
    });
  const { run, trials } = services.tuning.status(runId);
  return tuningRun(run, trials, limit);
}

export function tuningNextSteps(o: Pick<TuningRun, 'run_id' | 'status' | 'model_id'>): string[] {
  if (o.status === 'pending' || o.status === 'running')
    return [nextStep('get_tuning_status', { run_id: o.run_id, wait_seconds: 600 }, 'wait for it with progress')];
  if (o.status === 'interrupted' || o.status === 'cancelled')
    return [nextStep('start_tuning', { resume: o.run_id }, 'continue the study: unfinished trials re-run, then new ones')];
  return o.model_id ? [nextStep('get_model', { model_id: o.model_id }, 'the best trial, registered as a candidate')] : [];
}

const num = (v: number | null) => (v === null ? 'n/a' : v.toFixed(4));

/** Parameters with numbers at 4 significant digits (what a person reads; the study keeps them exact). */
export const showParams = (params: Record<string, unknown>): string =>
  Object.entries(params)
    .map(([k, v]) => `${k}=${typeof v === 'number' && !Number.isInteger(v) ? Number(v.toPrecision(4)) : JSON.stringify(v)}`)
    .join(' ');

export function renderTuning(o: TuningRun): string {
  const c = o.counts;
  const lines = o.trials.map(
    (t) =>
      `#${t.number} ${t.state}${t.value !== null ? ` ${num(t.value)}` : ''} (${t.epochs} epochs) ${showParams(t.params)}${t.error ? ` · ${t.error}` : ''}`,
  );
  const promotion = o.result?.['promotion'] as { deflated_sharpe_reason?: string } | null | undefined;
  const pbo = o.result?.['pbo'] as { pbo: number | null; note: string | null; trials: number } | null | undefined;
  return [
    `Tuning ${o.run_id} (${o.strategy}, study ${o.study_id}): ${o.status} · ${o.message ?? ''}`,
    `${c.complete} complete, ${c.pruned} pruned, ${c.failed} failed, ${c.running} running`,
    ...lines,
    ...(o.best ? [`Best (${o.objective}): trial ${o.best.number}, ${num(o.best.value)} · ${showParams(o.best.params)}`] : []),
    ...(o.model_id
      ? [`Registered: ${o.model_id}${promotion?.deflated_sharpe_reason ? ` · ${promotion.deflated_sharpe_reason}` : ''}`]
      : []),
    ...(pbo ? [pbo.pbo !== null ? `PBO ${pbo.pbo.toFixed(2)} over ${pbo.trials} trials` : `PBO: ${pbo.note}`] : []),
  ].join('\n');
}
