import { describe, expect, it } from 'vitest';
import { tempServices } from '../helpers/services.js';

// Every example strategy trains as it is on the bundled real S&P 500 data (epochs capped for time).
describe('example strategies on sample:sp500', () => {
  const { services } = tempServices();
  for (const name of services.strategies.list()) {
    it(`${name} trains and reports against the majority baseline`, async () => {
      const r = await services.training.train({ strategy: name, data: 'sample:sp500', overrides: { epochs: 3 } });
      expect(r.data_summary.symbols).toEqual(['SP500']);
      expect(r.data_summary.bars).toBe(5105);
      expect(r.test_metrics.samples).toBeGreaterThan(500);
      expect(r.test_metrics.baseline_accuracy).toBeGreaterThan(0.3);
      expect(r.training_metrics.history).toHaveLength(r.training_metrics.epochs_run);
      expect(r.artifacts.feature_importance).toHaveLength(r.model_info.input_features);
    });
  }
});
