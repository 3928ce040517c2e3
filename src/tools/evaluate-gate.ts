import { z } from 'zod';
import { modelIdSchema } from '../domain/model-version.js';
import { READ_ONLY, defineTool } from './define-tool.js';
import { listing } from './json-schema.js';
import { gateNextSteps } from './next-steps.js';
import { listedGateResultSchema } from './schemas.js';

export const evaluateGate = defineTool({
  name: 'evaluate_gate',
  title: 'Evaluate a gate',
  description:
    'Check a model against a gate, changing nothing. training: edge and log-loss gain over the label prior, each significant on effective sample size; backtest: win rate, drawdown, Sharpe, trades; promotion (what promote_model to production runs): backtest gate, Sharpe vs production, deflated Sharpe, drift, approval.',
  input: z.object({
    gate: z.enum(['training', 'backtest', 'promotion']),
    model_id: modelIdSchema,
    thresholds: z
      .object({
        max_p_value: z.number().gt(0).max(0.5).optional().describe('One-sided significance level'),
        min_edge_over_baseline: z.number().min(0).max(1).optional(),
        min_log_loss_improvement: z.number().min(0).optional(),
        require_all_evidence: z.boolean().optional(),
        min_accuracy: z.number().min(0).max(1).optional(),
        max_test_loss: z.number().positive().optional(),
        min_loss_decrease: z.number().min(0).max(1).optional(),
      })
      .optional()
      .describe('Training gate only: try these instead'),
  }),
  output: listing(
    listedGateResultSchema.extend({
      model_id: z.string(),
      thresholds: z.record(z.string(), z.number()).describe('Those used'),
      notes: z.array(z.string()).describe('Strategy overrides applied or ignored'),
    }),
    { omit: ['gate', 'model_id'] },
  ),
  annotations: READ_ONLY,
  handler: async (input, services) => {
    const model = services.registry.models.get(input.model_id);
    const e = await services.gates.evaluate(model, input.gate, { training: input.thresholds });
    const thresholds = Object.fromEntries(
      Object.entries(e.thresholds).flatMap(([k, v]) => (typeof v === 'number' ? [[k, v]] : typeof v === 'boolean' ? [[k, v ? 1 : 0]] : [])),
    );
    return { ...e.result, model_id: model.model_id, thresholds, notes: e.notes };
  },
  next: (o) =>
    gateNextSteps(
      o.gate,
      o.passed,
      o.model_id,
      o.checks.filter((c) => !c.passed).map((c) => c.name),
    ),
  render: (o) => `${o.gate} gate ${o.passed ? 'PASSED' : 'FAILED'}: ${o.checks.map((c) => c.reason).join('; ')}`,
});
