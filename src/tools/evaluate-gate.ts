import { z } from 'zod';
import { modelIdSchema } from '../domain/model-version.js';
import { READ_ONLY, defineTool } from './define-tool.js';
import { gateResultSchema } from './schemas.js';

export const evaluateGate = defineTool({
  name: 'evaluate_gate',
  title: 'Evaluate a quality gate',
  description:
    'Check a model version against a gate now: passed, plus one check per threshold with the measured value and the threshold ' +
    '(e.g. "edge_not_significant (+3.0 pts but p 0.2 > 0.01 ...)"). Gate "training": on the test bars whose label moved up or down, the directional ' +
    'accuracy edge over the majority direction and the log-loss improvement over the training label prior, each with a one-sided p-value on an ' +
    'effective sample size (both must be significant by default); with the model_trainer_spec preset, absolute accuracy, test loss and loss decrease. ' +
    'Gate "backtest": the out-of-sample backtest\'s win rate, max drawdown, Sharpe and trade count. Gate "promotion" (what promote_model to production runs): ' +
    'the backtest gate, non-inferiority against the current production version (Sharpe >= 0.9 x), the deflated Sharpe ratio over every version tried, ' +
    'no drifted feature on the most recent data, and a recorded human approval when config requires one. ' +
    "Thresholds come from config and the strategy's own gates: section; pass thresholds (training gate) to try others. Changes nothing: " +
    'the gates that decided something are stored with the model (get_model shows them).',
  input: z.object({
    gate: z.enum(['training', 'backtest', 'promotion']),
    model_id: modelIdSchema,
    thresholds: z
      .object({
        max_p_value: z.number().gt(0).max(0.5).optional().describe('One-sided significance level of the statistical checks'),
        min_edge_over_baseline: z.number().min(0).max(1).optional(),
        min_log_loss_improvement: z.number().min(0).optional(),
        require_all_evidence: z.boolean().optional(),
        min_accuracy: z.number().min(0).max(1).optional(),
        max_test_loss: z.number().positive().optional(),
        min_loss_decrease: z.number().min(0).max(1).optional(),
      })
      .optional()
      .describe('Training-gate thresholds to try instead of the configured ones'),
  }),
  output: gateResultSchema.extend({
    thresholds: z.record(z.string(), z.number()).describe('The thresholds used (checks switched off are left out)'),
    notes: z.array(z.string()).describe('Strategy threshold overrides applied or ignored'),
  }),
  annotations: READ_ONLY,
  handler: async (input, services) => {
    const model = services.registry.models.get(input.model_id);
    const e = await services.gates.evaluate(model, input.gate, { training: input.thresholds });
    const thresholds = Object.fromEntries(
      Object.entries(e.thresholds).flatMap(([k, v]) => (typeof v === 'number' ? [[k, v]] : typeof v === 'boolean' ? [[k, v ? 1 : 0]] : [])),
    );
    return { ...e.result, thresholds, notes: e.notes };
  },
  render: (o) => `${o.gate} gate ${o.passed ? 'PASSED' : 'FAILED'}: ${o.checks.map((c) => c.reason).join('; ')}`,
});
