import type { GateResult, ModelVersion } from '../domain/model-version.js';
import { promotionGate } from '../monitoring/gates.js';
import type { Services } from '../services/index.js';

/** The promotion gate with its context from the registry: current production, and every trial of the name. */
export function promotionGateFor(services: Services, model: ModelVersion): GateResult {
  const gates = services.config.gates;
  return promotionGate(
    model,
    {
      production: services.registry.models.production(model.name),
      trials: services.registry.models.list({ name: model.name, limit: 10_000 }),
      backtest: gates.backtest,
      promotion: gates.promotion,
    },
    services.clock(),
  );
}
