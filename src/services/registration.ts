import fs from 'node:fs';
import path from 'node:path';
import type { ModelVersion } from '../domain/model-version.js';
import type { Operation } from '../domain/operation.js';
import { adapterLabel } from '../pipeline/backend/index.js';
import type { TrainingResult } from '../pipeline/result.js';
import type { Registry } from '../registry/index.js';

/** What a completed training operation records as its result: small, with the registered id. */
export interface TrainingOutcome extends Record<string, unknown> {
  model_id: string;
  model_path: string;
  stage: string;
  test_accuracy: number;
  baseline_accuracy: number;
  test_loss: number;
  epochs_run: number;
  archived: string[];
  /** The operation had registered this version already (its result was delivered again); nothing new was registered. */
  already_registered?: boolean;
}

/**
 * Registers a finished training run: the staged artifact folder becomes models/<name>@<n> in the
 * registry's transaction, with result.json stamped with the final id and path first; `within`
 * (the registration gates) runs in that same transaction.
 */
export function registerTrainedModel(
  registry: Registry,
  op: Operation,
  result: TrainingResult,
  stagedPath: string,
  codeVersion: string,
  actor: string,
  within?: (model: ModelVersion) => void,
): TrainingOutcome {
  const t = result.training_metrics;
  // Once per operation: a result delivered again (a Redis job redelivered after a stall, a
  // coordinator that stopped between registering and ending the row) finds its version.
  const already = registry.models.byOperation(op.id);
  if (already) {
    fs.rmSync(stagedPath, { recursive: true, force: true });
    return {
      model_id: already.model_id,
      model_path: already.artifact_path,
      stage: already.stage,
      test_accuracy: result.test_metrics.accuracy,
      baseline_accuracy: result.test_metrics.baseline_accuracy,
      test_loss: result.test_metrics.loss,
      epochs_run: t.epochs_run,
      archived: [],
      already_registered: true,
    };
  }
  const { history: _history, ...trainingSummary } = t;
  const model = registry.models.register(
    {
      name: result.strategy.name,
      operation_id: op.id,
      staged_path: stagedPath,
      lineage: {
        strategy_hash: result.strategy.hash,
        data_hash: result.data_summary.data_hash,
        data_source: result.data_summary.source,
        code_version: codeVersion,
        seed: result.model_info.seed,
        backend: result.backend.name,
        ...(result.backend.adapter ? { device: adapterLabel(result.backend.adapter) } : {}),
        ...(op.params['tuning'] ? { tuning: op.params['tuning'] as { run_id: string; study_id: string; trial: number } } : {}),
      },
      metrics: {
        training: trainingSummary,
        validation: { loss: t.best_val_loss, accuracy: t.best_val_accuracy },
        test: {
          accuracy: result.test_metrics.accuracy,
          baseline_accuracy: result.test_metrics.baseline_accuracy,
          loss: result.test_metrics.loss,
          macro_f1: result.test_metrics.macro_f1,
          samples: result.test_metrics.samples,
          ...(result.test_metrics.significance ? { significance: result.test_metrics.significance } : {}),
        },
        ...(result.backtest ? { backtest: result.backtest } : {}),
      },
      prepare: (modelId, finalPath) => {
        const file = path.join(stagedPath, 'result.json');
        fs.writeFileSync(file, JSON.stringify({ ...result, model_id: modelId, model_path: finalPath }, null, 2) + '\n');
      },
      within,
    },
    actor,
  );
  return {
    model_id: model.model_id,
    model_path: model.artifact_path,
    stage: model.stage,
    test_accuracy: result.test_metrics.accuracy,
    baseline_accuracy: result.test_metrics.baseline_accuracy,
    test_loss: result.test_metrics.loss,
    epochs_run: t.epochs_run,
    archived: model.archived,
  };
}
