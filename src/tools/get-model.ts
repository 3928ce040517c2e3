import { z } from 'zod';
import { modelIdSchema, modelVersionSchema, promotionRecordSchema } from '../domain/model-version.js';
import { READ_ONLY, defineTool } from './define-tool.js';
import { listing } from './json-schema.js';
import { nextStep } from './next-steps.js';
import { chartsFlag, gateResultSchema } from './schemas.js';

/** The model card's charts, when the version has them. */
const MODEL_CARD_CHARTS = ['training_curves', 'equity', 'confusion_matrix', 'feature_importance'];

export const getModel = defineTool({
  name: 'get_model',
  title: 'Get a model card',
  description:
    "A model card: stage, lineage (strategy, data, code version, seed, backend), metrics, latest result per gate, approval, latest drift check, the name's stage history.",
  input: z.object({ model_id: modelIdSchema, charts: chartsFlag }),
  output: listing(
    modelVersionSchema
      .pick({
        model_id: true,
        stage: true,
        created_at: true,
        created_by: true,
        operation_id: true,
        artifact_path: true,
        lineage: true,
        metrics: true,
      })
      .extend({
        gates: z
          .array(gateResultSchema.extend({ context: z.string(), actor: z.string() }))
          .describe('Latest per gate: passed, checks[].reason'),
        approval: z.object({ approved_by: z.string(), at: z.string(), reason: z.string() }).nullable(),
        latest_drift: z.object({ at: z.string(), data: z.string(), action_required: z.boolean(), recommendation: z.string() }).nullable(),
        history: z.array(promotionRecordSchema).describe('Stage changes of the name: actor, reason, gate'),
      }),
    {
      brief: ['stage', 'lineage', 'metrics', 'gates', 'approval', 'latest_drift', 'history'],
      omit: ['created_at', 'created_by', 'operation_id', 'artifact_path'],
    },
  ),
  annotations: READ_ONLY,
  handler: (input, services) => {
    const m = services.registry.models.get(input.model_id);
    const approval = services.registry.evaluations.approval(m.model_id);
    const drift = services.registry.evaluations.driftReports(m.model_id, 1)[0];
    return {
      model_id: m.model_id,
      stage: m.stage,
      created_at: m.created_at,
      created_by: m.created_by,
      operation_id: m.operation_id,
      artifact_path: m.artifact_path,
      lineage: m.lineage,
      metrics: m.metrics,
      gates: services.registry.evaluations.latestGates(m.model_id).map((g) => ({ ...g.result, context: g.context, actor: g.actor })),
      approval: approval ? { approved_by: approval.approved_by, at: approval.at, reason: approval.reason } : null,
      latest_drift: drift
        ? {
            at: drift.at,
            data: drift.data,
            action_required: drift.action_required,
            recommendation: String(drift.report['recommendation'] ?? ''),
          }
        : null,
      history: services.registry.models.history(m.name),
    };
  },
  charts: (_input, o) => MODEL_CARD_CHARTS.map((name) => ({ model_id: o.model_id, name })),
  view: { modelId: (o) => o.model_id },
  next: (o) => {
    const m = { model_id: o.model_id };
    if (o.stage === 'candidate') return [nextStep('evaluate_gate', { gate: 'promotion', ...m }, 'what promotion would check')];
    if (o.stage === 'staging')
      return [nextStep('promote_model', { ...m, to_stage: 'production', reason: '<why>' }, 'runs the promotion gate')];
    if (o.stage === 'production')
      return [
        nextStep('get_performance', m, 'live performance'),
        nextStep('check_drift', { ...m, data: 'store:' }, 'drift on ingested bars'),
      ];
    return [];
  },
  render: (o) =>
    `${o.model_id} (${o.stage}) · ${o.gates.map((g) => `${g.gate} gate ${g.passed ? 'passed' : 'failed'}`).join(' · ') || 'no gate stored'} · ${o.history.length} stage changes for this name`,
});
