import { z } from 'zod';
import { modelIdSchema } from '../domain/model-version.js';
import { DEFAULT_DRIFT } from '../monitoring/drift-report.js';
import { defineTool } from './define-tool.js';

const status = z.enum(['stable', 'warn', 'drift', 'unknown']);

export const checkDrift = defineTool({
  name: 'check_drift',
  title: 'Check a model for drift',
  description:
    'Compare recent market data with what the model saw at training time: PSI per feature against the frozen reference bins ' +
    `(warn above ${DEFAULT_DRIFT.psi_warn}, drift above ${DEFAULT_DRIFT.psi_drift}; most important features first), a two-sample KS test on the model's prediction scores, ` +
    `and concept drift (accuracy on bars whose outcome is known, drift when more than ${DEFAULT_DRIFT.accuracy_drop * 100}% below validation). ` +
    'Returns action_required and a recommendation; the report is stored with the model (get_model shows the latest). ' +
    'Next: start_training on recent data, or rollback_model. Thresholds come from config (drift section).',
  input: z.object({
    model_id: modelIdSchema,
    data: z.string().min(1).describe('Data spec of the recent data, e.g. "store:" (ingested bars), "csv:./recent.csv" or "sample:sp500"'),
    from: z.string().optional().describe('First bar to use, ISO date'),
    to: z.string().optional(),
  }),
  output: z.object({
    model_id: z.string(),
    data: z.string(),
    bars: z.number(),
    rows: z.number().describe('Rows with every feature defined'),
    features: z.array(
      z.object({
        name: z.string(),
        psi: z.number().nullable(),
        drift_threshold: z
          .number()
          .describe('PSI above which this feature counts as drifted: psi_drift, or more when autocorrelation leaves few effective samples'),
        status,
      }),
    ),
    drifted_features: z.array(z.string()),
    prediction_drift: z.object({ ks_statistic: z.number(), p_value: z.number(), drift: z.boolean() }),
    concept_drift: z
      .object({
        reference_accuracy: z.number(),
        current_accuracy: z.number(),
        labelled_rows: z.number(),
        relative_drop: z.number(),
        drift: z.boolean(),
      })
      .nullable(),
    action_required: z.boolean(),
    recommendation: z.string(),
  }),
  // Writes one drift report row per call; nothing else changes.
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  handler: (input, services, ctx) => services.drift.check(input, ctx.actor),
  render: (o) => `${o.model_id}: ${o.action_required ? 'ACTION REQUIRED' : 'no action'} · ${o.recommendation}`,
});
