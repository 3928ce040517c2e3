import { z } from 'zod';
import { modelIdSchema } from '../domain/model-version.js';
import { DEFAULT_DRIFT } from '../monitoring/drift-report.js';
import { chartsFlag } from './schemas.js';
import { defineTool } from './define-tool.js';
import { listing } from './json-schema.js';
import { nextStep } from './next-steps.js';

const status = z.enum(['stable', 'warn', 'drift', 'unknown']);
const nEff = z
  .object({ reference: z.number(), current: z.number() })
  .describe('Effective sample sizes (autocorrelation and label overlap counted) of the validation reference and the recent data');

export const checkDrift = defineTool({
  name: 'check_drift',
  title: 'Check drift',
  description:
    "Drift of recent data from the model's training data: PSI per feature (threshold raised for few effective samples), KS on prediction scores, " +
    `concept drift (accuracy significantly >${DEFAULT_DRIFT.accuracy_drop * 100}% below validation), as the promotion gate judges it. Stored with the model.`,
  input: z.object({
    model_id: modelIdSchema,
    data: z.string().min(1).describe('Recent data spec, e.g. "store:" (ingested bars)'),
    from: z.string().optional().describe('ISO date; earlier bars only warm up'),
    to: z.string().optional(),
    charts: chartsFlag,
  }),
  output: listing(
    z.object({
      model_id: z.string(),
      data: z.string(),
      bars: z.number(),
      selection: z
        .object({ symbols: z.array(z.string()).nullable(), timeframe: z.string().nullable() })
        .describe('Symbols and timeframe applied: those the model was trained with (null = all / as loaded)'),
      rows: z.number().describe('Rows with every feature defined'),
      features: z
        .array(
          z.object({
            name: z.string(),
            psi: z.number().nullable(),
            drift_threshold: z
              .number()
              .describe(
                'PSI above which this feature counts as drifted: psi_drift, or more when autocorrelation leaves few effective samples',
              ),
            status,
          }),
        )
        .describe('name, psi, drift_threshold, status (stable, warn, drift, unknown)'),
      drifted_features: z.array(z.string()),
      prediction_drift: z
        .object({
          ks_statistic: z.number(),
          p_value: z.number().describe('KS p-value on the effective sample sizes'),
          n_eff: nEff,
          min_statistic: z.number().describe('Smallest KS statistic that counts'),
          drift: z.boolean(),
        })
        .describe('ks_statistic, p_value, drift'),
      concept_drift: z
        .object({
          reference_accuracy: z.number(),
          current_accuracy: z.number(),
          labelled_rows: z.number(),
          relative_drop: z.number(),
          z: z.number().describe('Accuracy drop over its standard error (both sides from effective sizes)'),
          p_value: z.number().describe('One-sided p-value of the drop'),
          n_eff: nEff,
          drift: z.boolean(),
        })
        .nullable()
        .describe('Accuracy vs validation: relative_drop, p_value, drift'),
      action_required: z.boolean(),
      recommendation: z.string(),
    }),
    { brief: ['features', 'prediction_drift', 'concept_drift'], omit: ['model_id', 'data', 'selection', 'bars', 'rows'] },
  ),
  // Writes one drift report row per call; nothing else changes.
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  handler: (input, services, ctx) => services.drift.check(input, ctx.actor, ctx.access),
  charts: (_input, o) => [
    { model_id: o.model_id, name: 'drift' },
    { model_id: o.model_id, name: 'drift_histograms' },
  ],
  next: (o) =>
    o.action_required
      ? [
          nextStep('start_training', { strategy: o.model_id.split('@')[0], data: o.data }, 'retrain on recent data'),
          nextStep(
            'rollback_model',
            { name: o.model_id.split('@')[0], reason: '<why>' },
            'if it is in production and a previous version did better',
          ),
        ]
      : [],
  render: (o) => `${o.model_id}: ${o.action_required ? 'ACTION REQUIRED' : 'no action'} · ${o.recommendation}`,
});
