import path from 'node:path';
import type { ModelVersion } from '../domain/model-version.js';
import type { Operation } from '../domain/operation.js';
import type { TriggerRecord } from '../domain/trigger.js';
import type { TrainingOverrides } from '../pipeline/train-pipeline.js';
import type { Registry } from '../registry/index.js';
import type { Alerts } from './alerts.js';
import { failedOutcome } from './retrain-outcome.js';

/** The slice of the training service a retrain needs (services.training). */
export interface RetrainStarter {
  start(
    input: { strategy: string; data?: string; overrides?: TrainingOverrides },
    o: { actor: string; priority?: 'normal' | 'high'; trigger?: string },
  ): Operation;
}

export interface RetrainDeps {
  registry: Pick<Registry, 'triggers' | 'operations'>;
  training: RetrainStarter;
  alerts: Alerts;
  clock: () => Date;
}

/** Overrides of the production version's own training run that define its universe (not its date range). */
export function inheritedOverrides(registry: RetrainDeps['registry'], model: ModelVersion): TrainingOverrides | undefined {
  if (!model.operation_id) return undefined;
  try {
    const o = (registry.operations.get(model.operation_id).params['overrides'] ?? {}) as TrainingOverrides;
    const kept: TrainingOverrides = { symbols: o.symbols, timeframe: o.timeframe, epochs: o.epochs, seed: o.seed };
    const set = Object.entries(kept).filter(([, v]) => v !== undefined);
    return set.length ? (Object.fromEntries(set) as TrainingOverrides) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Starts the training job of a fired trigger: the production version's own strategy.yaml (so the
 * run's strategy_source names it) on the trigger's data, with the trigger's priority, actor
 * `scheduler`. A job that cannot start fails the trigger and is escalated.
 */
export function startRetrain(
  deps: RetrainDeps,
  t: TriggerRecord,
  model: ModelVersion,
): { record: TriggerRecord; operation_id: string | null } {
  const base = { name: t.name, model_id: model.model_id, trigger_id: t.trigger_id };
  try {
    const op = deps.training.start(
      { strategy: path.join(model.artifact_path, 'strategy.yaml'), data: t.data, overrides: inheritedOverrides(deps.registry, model) },
      { actor: 'scheduler', priority: t.requested_run.priority, trigger: t.trigger_id },
    );
    const record = deps.registry.triggers.linkOperation(t.trigger_id, op.id);
    deps.alerts.emit({
      ...base,
      kind: 'trigger_fired',
      level: 'info',
      operation_id: op.id,
      message: `${t.trigger_type} trigger for ${t.name}: ${t.reason.message}; retraining on ${t.data} (${op.id})`,
      at: deps.clock().toISOString(),
    });
    return { record, operation_id: op.id };
  } catch (err) {
    const message = `the training job could not start: ${(err as Error).message}`;
    const failed = deps.registry.triggers.finish(t.trigger_id, 'failed', failedOutcome(message, deps.clock()));
    deps.alerts.emit({
      ...base,
      kind: 'retrain_failed',
      level: 'error',
      message: `Retraining ${t.name} for trigger ${t.trigger_id}: ${message}`,
      at: deps.clock().toISOString(),
    });
    return { record: failed ?? deps.registry.triggers.get(t.trigger_id), operation_id: null };
  }
}
