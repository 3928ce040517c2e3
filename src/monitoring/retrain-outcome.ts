import type { Logger } from 'pino';
import type { GateResult } from '../domain/model-version.js';
import type { Operation } from '../domain/operation.js';
import type { TriggerOutcome, TriggerRecord } from '../domain/trigger.js';
import type { Registry } from '../registry/index.js';
import type { Alerts } from './alerts.js';
import { backtestGate, trainingGate, type BacktestGateThresholds, type TrainingGateThresholds } from './gates.js';

export interface OutcomeDeps {
  registry: Pick<Registry, 'models' | 'triggers'>;
  gates: { training: TrainingGateThresholds; backtest: BacktestGateThresholds };
  promoteToStaging: boolean;
  clock: () => Date;
  alerts: Alerts;
  logger: Logger;
  /** Called after an automatic promotion (e.g. to rewrite the registry mirror). */
  onPromoted?: (() => void) | undefined;
}

/** The outcome of a run that produced no model (never started, failed, cancelled, interrupted). */
export function failedOutcome(message: string, now: Date, operationStatus: Operation['status'] | null = null): TriggerOutcome {
  return {
    operation_status: operationStatus,
    new_model_id: null,
    training_gate: null,
    backtest_gate: null,
    promoted: false,
    promoted_to: null,
    message,
    finished_at: now.toISOString(),
  };
}

const failing = (g: GateResult) =>
  g.checks
    .filter((c) => !c.passed)
    .map((c) => c.reason)
    .join('; ');

/**
 * Links a retraining run's end to its trigger: the new version, its training and backtest gates,
 * and, when both pass, an automatic promotion to staging (never production: that needs a person)
 * whose reason names the trigger. Escalates failed runs, rejected and promotion-ready versions.
 * Returns null when the outcome was already linked.
 */
export function recordRetrainOutcome(deps: OutcomeDeps, trigger: TriggerRecord, op: Operation): TriggerRecord | null {
  const current = deps.registry.triggers.get(trigger.trigger_id);
  if (current.status === 'completed' || current.status === 'failed') return null;
  const now = deps.clock();
  const base = { name: trigger.name, trigger_id: trigger.trigger_id, operation_id: op.id, at: now.toISOString() };
  if (op.status !== 'completed') {
    const why = op.error?.message ?? `the training job ended ${op.status}`;
    const rec = deps.registry.triggers.finish(
      trigger.trigger_id,
      'failed',
      failedOutcome(`retraining ${op.status}: ${why}`, now, op.status),
    );
    if (rec)
      deps.alerts.emit({
        ...base,
        kind: 'retrain_failed',
        level: 'error',
        message: `Retraining ${trigger.name} for trigger ${trigger.trigger_id} (${trigger.trigger_type}) ${op.status}: ${why}. The production version ${trigger.model_id ?? '?'} stays; check get_status ${op.id}.`,
      });
    return rec;
  }

  const modelId = String(op.result?.['model_id'] ?? '');
  const model = deps.registry.models.get(modelId);
  // The gates stored when the version was registered (they include the strategy's own thresholds);
  // computed from config for a registry that does not store them.
  const stored = (gate: string) =>
    (deps.registry as Partial<Pick<Registry, 'evaluations'>>).evaluations?.latestGates(modelId).find((g) => g.result.gate === gate)?.result;
  const tg = stored('training') ?? trainingGate(model, deps.gates.training, now);
  const bg = stored('backtest') ?? backtestGate(model, deps.gates.backtest, now);
  const outcome: TriggerOutcome = {
    operation_status: op.status,
    new_model_id: model.model_id,
    training_gate: tg,
    backtest_gate: bg,
    promoted: false,
    promoted_to: null,
    message: '',
    finished_at: now.toISOString(),
  };
  if (!tg.passed || !bg.passed) {
    outcome.message = `${model.model_id} stays a candidate: ${[!tg.passed && `training gate: ${failing(tg)}`, !bg.passed && `backtest gate: ${failing(bg)}`].filter(Boolean).join('; ')}`;
  } else if (!deps.promoteToStaging) {
    outcome.message = `${model.model_id} passed the training and backtest gates (automatic promotion to staging is off)`;
  } else {
    try {
      deps.registry.models.promote(
        {
          model_id: model.model_id,
          to_stage: 'staging',
          reason: `automatic: retrained for trigger ${trigger.trigger_id} (${trigger.trigger_type}: ${trigger.reason.message}); training and backtest gates passed`,
          gate_result: tg,
        },
        'scheduler',
      );
      outcome.promoted = true;
      outcome.promoted_to = 'staging';
      outcome.message = `${model.model_id} passed the training and backtest gates and is in staging; production needs a person (promote_model)`;
      deps.onPromoted?.();
    } catch (err) {
      deps.logger.warn({ err, model_id: model.model_id }, 'automatic promotion to staging failed');
      outcome.message = `${model.model_id} passed its gates but the promotion to staging failed: ${(err as Error).message}`;
    }
  }
  const rec = deps.registry.triggers.finish(trigger.trigger_id, 'completed', outcome);
  if (!rec) return null;
  const ready = outcome.promoted || (tg.passed && bg.passed);
  deps.alerts.emit({
    ...base,
    model_id: model.model_id,
    kind: ready ? 'promotion_ready' : 'gates_failed',
    level: ready ? 'notice' : 'warning',
    message: ready
      ? `${outcome.message}. Compare it with ${trigger.model_id ?? 'production'} (evaluate_gate gate=promotion) before promoting.`
      : `Retraining ${trigger.name} for trigger ${trigger.trigger_id}: ${outcome.message}.`,
    data: { training_gate_passed: tg.passed, backtest_gate_passed: bg.passed, promoted_to: outcome.promoted_to },
  });
  return rec;
}
