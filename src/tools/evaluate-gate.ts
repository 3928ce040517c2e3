import { z } from 'zod';
import { modelIdSchema } from '../domain/model-version.js';
import { backtestGate, trainingGate } from '../monitoring/gates.js';
import { promotionGateFor } from './promotion-gate.js';
import { READ_ONLY, defineTool } from './define-tool.js';
import { gateResultSchema } from './schemas.js';

export const evaluateGate = defineTool({
  name: 'evaluate_gate',
  title: 'Evaluate a quality gate',
  description:
    'Check a model version against a gate: passed, plus one check per threshold with the measured value and the threshold ' +
    '(e.g. "accuracy_below_threshold (35% < 45%)"). Gate "training": test accuracy, test loss, loss decrease, edge over the majority-class baseline. ' +
    'Gate "backtest": the out-of-sample backtest\'s win rate, max drawdown, Sharpe and trade count. Gate "promotion" (what promote_model to production runs): ' +
    'the backtest gate, non-inferiority against the current production version (Sharpe >= 0.9 x) and the deflated Sharpe ratio over every version tried for this name. ' +
    'Thresholds come from config; pass thresholds (training gate) to try others.',
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
      .optional(),
  }),
  output: gateResultSchema,
  annotations: READ_ONLY,
  handler: (input, services) => {
    const model = services.registry.models.get(input.model_id);
    const gates = services.config.gates;
    if (input.gate === 'training') return trainingGate(model, { ...gates.training, ...input.thresholds }, services.clock());
    if (input.gate === 'backtest') return backtestGate(model, gates.backtest, services.clock());
    return promotionGateFor(services, model);
  },
  render: (o) => `${o.gate} gate ${o.passed ? 'PASSED' : 'FAILED'}: ${o.checks.map((c) => c.reason).join('; ')}`,
});
