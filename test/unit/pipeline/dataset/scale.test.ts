import { describe, expect, it } from 'vitest';
import { strategySchema } from '../../../../src/domain/strategy.js';
import { columnOf, featureReference } from '../../../../src/pipeline/artifacts/reference.js';
import { loadMarketData } from '../../../../src/pipeline/data/index.js';
import { applyScaler, fitScaler } from '../../../../src/pipeline/dataset/scaler.js';
import { strategySplit } from '../../../../src/pipeline/fit-model.js';

// No training: the data-sized steps before it (features, labels, assembly, split, scaling, the
// drift reference) at 1.2M rows, where a data-sized spread or an Array of per-row tuples shows as a
// stack overflow or as time and memory that grow faster than the data.
const strategy = strategySchema.parse({
  name: 'scale',
  indicators: [
    { id: 'rsi_14', type: 'rsi', params: { period: 14 } },
    { id: 'roc_10', type: 'roc', params: { period: 10 } },
  ],
  fuzzy_sets: { rsi_14: { low: [0, 30, 50], high: [50, 70, 100] } },
  features: { fuzzy: true, raw: ['roc_10'], lagged_returns: [1, 5] },
  labels: { type: 'forward_return', horizon: 5, up_threshold: 0.01, down_threshold: -0.01 },
  model: { hidden_layers: [8] },
});

async function prepare(barsPerSymbol: number, symbols: number) {
  const data = await loadMarketData(`synthetic:seed=1,bars=${barsPerSymbol},symbols=${symbols},timeframe=1h`, {});
  const t0 = performance.now();
  const { samples, split } = strategySplit(strategy, data);
  const scaler = fitScaler(split.train.x, split.train.rows, split.train.cols);
  const scaled = [split.train, split.validation, split.test].map((p) => applyScaler(scaler, p.x, p.rows, p.cols));
  const reference = samples.names.map((name, j) =>
    featureReference(name, columnOf(split.train.x, split.train.rows, split.train.cols, j), 10),
  );
  return { samples, split, scaled, reference, seconds: (performance.now() - t0) / 1000 };
}

describe('pipeline steps before training at scale', () => {
  it('prepares 1.2M bars (12 symbols) without a stack overflow, in time about linear in the rows', async () => {
    const small = await prepare(12_500, 12); // 150k bars
    const large = await prepare(100_000, 12); // 1.2M bars
    const { samples, split, scaled, reference } = large;
    expect(samples.rows).toBeGreaterThan(1_190_000);
    expect(split.train.rows + split.validation.rows + split.test.rows + split.purged).toBe(samples.rows);
    expect(scaled[0]!.length).toBe(split.train.rows * samples.cols);
    expect(reference).toHaveLength(samples.cols);
    // Rows stay symbol after symbol, time order kept, in every part.
    let outOfOrder = 0;
    for (const part of [split.train, split.validation, split.test]) {
      for (let r = 1; r < part.rows; r++) {
        const same = part.symbol[r] === part.symbol[r - 1];
        if (!(same ? part.bar[r]! > part.bar[r - 1]! : part.symbol[r]! > part.symbol[r - 1]!)) outOfOrder++;
      }
    }
    expect(outOfOrder).toBe(0);
    // 8x the rows: linear is 8x the time; allow 20x for noise on a shared machine (quadratic is 64x).
    expect(large.seconds).toBeLessThan(Math.max(0.5, small.seconds) * 20);
  }, 120_000);
});
