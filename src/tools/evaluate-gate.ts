import { z } from 'zod';
import { modelIdSchema } from '../domain/model-version.js';
import { READ_ONLY, defineTool } from './define-tool.js';
import { gateResultSchema } from './schemas.js';

export const evaluateGate = defineTool({
  name: 'evaluate_gate',
  title: 'Evaluate a quality gate',
  description:
    'Check a model version against a gate now: passed, plus one check per threshold with the measured value and the threshold ' +
    '(e.g. "accuracy_below_threshold (35% < 45%)"). Gate "training": test accuracy, test loss, loss decrease, edge over the majority-class baseline. ' +
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
        min_accuracy: z.number().min(0).max(1).optional(),
        max_test_loss: z.number().positive().optional(),
        min_loss_decrease: z.number().min(0).max(1).optional(),
        min_edge_over_baseline: z.number().min(0).max(1).optional(),
      })
      .optional()
      .describe('Training-gate thresholds to try instead of the configured ones'),
  }),
  output: gateResultSchema.extend({
    thresholds: z.record(z.string(), z.number()).describe('The thresholds used'),
    notes: z.array(z.string()).describe('Strategy threshold overrides applied or ignored'),
  }),
  annotations: READ_ONLY,
  handler: async (input, services) => {
    const model = services.registry.models.get(input.model_id);
    const e = await services.gates.evaluate(model, input.gate, { training: input.thresholds });
    return { ...e.result, thresholds: e.thresholds as Record<string, number>, notes: e.notes };
  },
  render: (o) => `${o.gate} gate ${o.passed ? 'PASSED' : 'FAILED'}: ${o.checks.map((c) => c.reason).join('; ')}`,
});
