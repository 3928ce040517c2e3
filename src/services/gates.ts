import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../config/schema.js';
import { isDomainError } from '../domain/errors.js';
import type { GateName, GateThresholds, TrainingGateThresholds } from '../domain/gates.js';
import type { GateResult, ModelVersion } from '../domain/model-version.js';
import type { BackendInfo } from '../pipeline/backend/index.js';
import { parseStrategy } from '../pipeline/strategy-source.js';
import { driftReport } from '../monitoring/drift-report.js';
import { effectiveGates, type EffectiveGates } from '../monitoring/effective-gates.js';
import { backtestGate, promotionGate, trainingGate, type DriftEvidence } from '../monitoring/gates.js';
import type { GateContext, StoredGate } from '../registry/evaluations.js';
import type { Registry } from '../registry/index.js';
import type { PromoteInput } from '../registry/types.js';

export interface GateServiceOptions {
  config: Config;
  registry: Registry;
  clock: () => Date;
  cwd: string;
  backend: () => Promise<BackendInfo>;
  /** Every trial that counts toward a model's deflated Sharpe (its name's versions by default; the research loop adds its program's). */
  trials?: (model: ModelVersion) => ModelVersion[];
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
 * the most recent data, and every result worth keeping stored with the model version.
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

  /** Drift of the model's features on the latest bars of the recent data (config drift.recent_data, else its own source). */
  async function recentDrift(model: ModelVersion): Promise<DriftEvidence> {
    const spec = config.drift.recent_data ?? model.lineage.data_source;
    try {
      await o.backend();
      const report = await driftReport(model.artifact_path, spec, {
        dataDir: config.data_dir,
        cwd: o.cwd,
        storeFile: registry.file,
        lastBars: config.drift.recent_bars,
        thresholds: config.drift,
      });
      return {
        data: spec,
        bars: report.bars,
        features: report.features.length,
        drifted: report.drifted_features,
        action_required: report.action_required,
      };
    } catch (err) {
      const why = isDomainError(err) ? err.message.split('\n')[0]! : (err as Error).message;
      return { error: `drift on ${spec} could not be computed: ${why}; set drift.recent_data to a data spec that can be read` };
    }
  }

  const service = {
    gatesFor,

    async evaluate(model: ModelVersion, gate: GateName, training?: Partial<TrainingGateThresholds>): Promise<GateEvaluation> {
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
          backtest: eff.thresholds.backtest,
          promotion: eff.thresholds.promotion,
          drift: await recentDrift(model),
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
    async evaluateAndRecord(model: ModelVersion, gate: GateName, context: GateContext, actor: string): Promise<StoredGate> {
      const e = await service.evaluate(model, gate);
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
      const stored = await service.evaluateAndRecord(model, input.to_stage === 'production' ? 'promotion' : 'training', context, actor);
      return registry.models.promote({ ...input, gate_result: stored.result }, actor);
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
