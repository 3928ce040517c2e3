import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../config/schema.js';
import { isDomainError } from '../domain/errors.js';
import type { GateName, GateThresholds, TrainingGateThresholds } from '../domain/gates.js';
import type { GateResult, ModelVersion } from '../domain/model-version.js';
import type { BackendInfo } from '../pipeline/backend/index.js';
import { parseStrategy } from '../pipeline/strategy-source.js';
import type { DriftOptions } from '../monitoring/drift-report.js';
import { trainedUntil } from '../monitoring/model-data.js';
import { effectiveGates, type EffectiveGates } from '../monitoring/effective-gates.js';
import { backtestGate, promotionGate, trainingGate, type DriftEvidence } from '../monitoring/gates.js';
import type { GateContext, StoredGate } from '../registry/evaluations.js';
import type { Registry } from '../registry/index.js';
import type { PromoteInput } from '../registry/types.js';
import type { TaskRunner } from '../jobs/tasks/task-runner.js';

export interface GateServiceOptions {
  config: Config;
  registry: Registry;
  clock: () => Date;
  cwd: string;
  backend: () => Promise<BackendInfo>;
  /** Runs the drift check in the task worker (services.tasks). */
  tasks: TaskRunner;
  /** Every trial that counts toward a model's deflated Sharpe (its name's versions by default; the research loop adds its program's). */
  trials?: (model: ModelVersion) => ModelVersion[];
  /** Tuning trials' validation Sharpe ratios that count toward a model's deflated Sharpe (its name's studies). */
  tuningSharpes?: (model: ModelVersion) => number[];
}

/**
 * Recent data for the promotion gate's drift check, injected by a caller that knows better than the
 * config (the research loop passes its lockbox: bars held out of training, evaluated once). The
 * whole window from..to of `spec` is judged, as given.
 */
export interface RecentData {
  spec: string;
  /** First bar judged (inclusive); earlier bars only warm the indicators up. */
  from?: string | undefined;
  to?: string | undefined;
}

export interface EvaluateOptions {
  /** Training gate thresholds that override config and strategy for this evaluation. */
  training?: Partial<TrainingGateThresholds> | undefined;
  /** The promotion gate's recent data; default: bars of drift.recent_data (else the model's own source) after its training data. */
  recentData?: RecentData | undefined;
}

export interface GateEvaluation {
  result: GateResult;
  thresholds: GateThresholds[GateName];
  /** Strategy overrides applied or ignored. */
  notes: string[];
}

/**
 * Gates as a service: thresholds from config merged with the strategy's own `gates:` section, the
 * promotion gate's context from the registry (production, trials, approval) and a drift check on
 * data the model never saw (injectable: EvaluateOptions.recentData), and every result worth
 * keeping stored with the model version.
 */
export function createGateService(o: GateServiceOptions) {
  const { config, registry, clock } = o;
  const trialsOf = o.trials ?? ((m: ModelVersion) => registry.models.list({ name: m.name, limit: 10_000 }));

  function gatesFor(model: ModelVersion): EffectiveGates {
    let overrides;
    try {
      const yaml = fs.readFileSync(path.join(model.artifact_path, 'strategy.yaml'), 'utf8');
      overrides = parseStrategy(yaml, `${model.model_id}/strategy.yaml`).strategy.gates;
    } catch {
      overrides = undefined; // an archived version has no folder: config thresholds apply
    }
    return effectiveGates(config.gates, overrides);
  }

  /**
   * The drift report (the shared rule of `drift` and `watch`) on recent data: the injected window,
   * or the bars of drift.recent_data (else the model's own source) after its training data ends,
   * at most drift.recent_bars per symbol. With no such bar the check fails: the model's own last
   * bars are its test segment and say nothing about the market it would trade.
   */
  async function recentDrift(model: ModelVersion, recent?: RecentData): Promise<DriftEvidence> {
    const spec = recent?.spec ?? config.drift.recent_data ?? model.lineage.data_source;
    let after: number | undefined;
    if (!recent) {
      let result: unknown;
      try {
        result = JSON.parse(fs.readFileSync(path.join(model.artifact_path, 'result.json'), 'utf8'));
      } catch (err) {
        return { error: `cannot read ${model.model_id}/result.json (${(err as Error).message})` };
      }
      const end = trainedUntil(result);
      if (end === null)
        return { error: `${model.model_id}/result.json does not say where its training data ends (data_summary.date_range.to)` };
      after = end;
    }
    const window = recent
      ? `from ${recent.from ?? 'the start'} to ${recent.to ?? 'the end'}`
      : `after ${new Date(after!).toISOString().slice(0, 10)}`;
    try {
      const options: DriftOptions = {
        dataDir: config.data_dir,
        cwd: o.cwd,
        storeFile: registry.file,
        from: recent?.from,
        to: recent?.to,
        after,
        lastBars: recent ? undefined : config.drift.recent_bars,
        thresholds: config.drift,
      };
      const report = await o.tasks.run({
        kind: 'drift_report',
        model_dir: model.artifact_path,
        spec,
        options,
        backend: { preference: config.backend, wasmThreads: config.wasm_threads },
      });
      if (report.rows === 0) {
        const none = report.bars === 0 ? `no bars ${window} in ${spec}` : `no bar ${window} in ${spec} has every feature defined`;
        return { no_recent_data: `${none}; ingest recent bars or set drift.recent_data` };
      }
      return {
        data: spec,
        window,
        bars: report.bars,
        features: report.features.length,
        drifted: report.drifted_features,
        prediction_drift: report.prediction_drift.drift,
        concept_drift: report.concept_drift?.drift ?? false,
        action_required: report.action_required,
      };
    } catch (err) {
      const why = isDomainError(err) ? err.message.split('\n')[0]! : (err as Error).message;
      return { error: `drift on ${spec} could not be computed: ${why}; set drift.recent_data to a data spec that can be read` };
    }
  }

  const service = {
    gatesFor,

    async evaluate(model: ModelVersion, gate: GateName, options: EvaluateOptions = {}): Promise<GateEvaluation> {
      const training = options.training;
      const eff = gatesFor(model);
      const notes = [...eff.applied, ...eff.ignored];
      const now = clock();
      if (gate === 'training') {
        const thresholds = { ...eff.thresholds.training, ...training };
        return { result: trainingGate(model, thresholds, now), thresholds, notes };
      }
      if (gate === 'backtest')
        return { result: backtestGate(model, eff.thresholds.backtest, now), thresholds: eff.thresholds.backtest, notes };
      const result = promotionGate(
        model,
        {
          production: registry.models.production(model.name),
          trials: trialsOf(model),
          tuningSharpes: o.tuningSharpes?.(model),
          backtest: eff.thresholds.backtest,
          promotion: eff.thresholds.promotion,
          drift: await recentDrift(model, options.recentData),
          approval: {
            required: config.gates.require_human_approval,
            approval: registry.evaluations.approval(model.model_id),
          },
        },
        now,
      );
      return { result, thresholds: { ...eff.thresholds.backtest, ...eff.thresholds.promotion }, notes };
    },

    /** Evaluates and stores the result with the model version. */
    async evaluateAndRecord(
      model: ModelVersion,
      gate: GateName,
      context: GateContext,
      actor: string,
      options: EvaluateOptions = {},
    ): Promise<StoredGate> {
      const e = await service.evaluate(model, gate, options);
      return registry.evaluations.recordGate(model.model_id, e.result, { thresholds: e.thresholds, context, actor });
    },

    /**
     * Promotes through the gate the target stage needs (training gate for staging, promotion gate
     * for production), stored with the model; a failed gate refuses unless forced. The CLI, the MCP
     * tool and the research loop all promote through here.
     */
    async promote(
      input: Omit<PromoteInput, 'gate_result'> & { to_stage: 'staging' | 'production' },
      actor: string,
      context: GateContext = 'promotion',
    ) {
      const model = registry.models.get(input.model_id);
      // The gate judges the model against this production version; promote re-checks both under
      // the write lock, so a promotion that raced in while the gate ran (drift check, seconds) wins.
      const expected = { stage: model.stage, production: registry.models.production(model.name)?.model_id ?? null };
      const stored = await service.evaluateAndRecord(model, input.to_stage === 'production' ? 'promotion' : 'training', context, actor);
      return registry.models.promote({ ...input, gate_result: stored.result, expected }, actor);
    },

    /** The training and backtest gates of a newly registered version (both are cheap and synchronous). */
    recordRegistrationGates(model: ModelVersion, actor: string): StoredGate[] {
      const eff = gatesFor(model);
      const now = clock();
      return [
        registry.evaluations.recordGate(model.model_id, trainingGate(model, eff.thresholds.training, now), {
          thresholds: eff.thresholds.training,
          context: 'registration',
          actor,
        }),
        registry.evaluations.recordGate(model.model_id, backtestGate(model, eff.thresholds.backtest, now), {
          thresholds: eff.thresholds.backtest,
          context: 'registration',
          actor,
        }),
      ];
    },
  };
  return service;
}

export type GateService = ReturnType<typeof createGateService>;
