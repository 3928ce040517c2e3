import { z } from 'zod';
import { DomainError } from '../domain/errors.js';
import { modelIdSchema } from '../domain/model-version.js';
import { trainingGate } from '../monitoring/gates.js';
import { READ_ONLY, defineTool } from './define-tool.js';
import { gateResultSchema } from './schemas.js';

export const evaluateGate = defineTool({
  name: 'evaluate_gate',
  title: 'Evaluate a quality gate',
  description:
    'Check a model version against a gate: passed, plus one check per threshold with the measured value and the threshold ' +
    '(e.g. "accuracy_below_threshold (35% < 45%)"). Gate "training": test accuracy, test loss, loss decrease, edge over the majority-class baseline. ' +
    'Thresholds come from config; pass thresholds to try others. The backtest and promotion gates come with backtesting.',
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
    if (input.gate !== 'training') {
      throw new DomainError(
        'INVALID_ARGUMENT',
        `The ${input.gate} gate needs backtest results, which trainyard does not compute yet. Use gate "training" for now.`,
      );
    }
    const model = services.registry.models.get(input.model_id);
    return trainingGate(model, { ...services.config.gates.training, ...input.thresholds }, services.clock());
  },
  render: (o) => `${o.gate} gate ${o.passed ? 'PASSED' : 'FAILED'}: ${o.checks.map((c) => c.reason).join('; ')}`,
});
