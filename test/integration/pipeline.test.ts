import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isDomainError } from '../../src/domain/errors.js';
import { loadArtifacts } from '../../src/pipeline/artifacts/store.js';
import { loadMarketData } from '../../src/pipeline/data/index.js';
import { assembleSamples } from '../../src/pipeline/dataset/assemble.js';
import { applyScaler } from '../../src/pipeline/dataset/scaler.js';
import { accuracyOf, crossEntropy } from '../../src/pipeline/evaluate/metrics.js';
import { buildFeaturesMulti, buildLabels } from '../../src/pipeline/features/index.js';
import { argmaxRows, predictProba } from '../../src/pipeline/model/predict.js';
import { parseStrategy } from '../../src/pipeline/strategy-source.js';
import { MOMENTUM, MOMENTUM_ALL_EPOCHS, modelFolders, stagingLeftovers, tempServices as makeServices } from '../helpers/services.js';

const opened: ReturnType<typeof makeServices>[] = [];
const tempServices = () => {
  const s = makeServices();
  opened.push(s);
  return s;
};
afterAll(async () => {
  await Promise.all(opened.map((s) => s.services.close()));
});

const synthetic = (seed: number, signal: number, extra = '') => `synthetic:seed=${seed},bars=3000,signal=${signal}${extra}`;

describe('training pipeline on synthetic data', () => {
  it('learns a planted signal and finds nothing in a pure random walk', async () => {
    const { services } = tempServices();
    for (const seed of [1, 2, 3]) {
      const r = await services.training.train({ strategy: MOMENTUM, data: synthetic(seed, 0) });
      // No look-ahead anywhere: on a random walk the model cannot beat "always the majority class"
      // by more than sampling noise (2 standard errors of a 450-sample accuracy is ~0.047).
      expect(r.test_metrics.accuracy).toBeLessThan(r.test_metrics.baseline_accuracy + 0.05);
    }
    for (const seed of [1, 2]) {
      const r = await services.training.train({ strategy: MOMENTUM, data: synthetic(seed, 0.3) });
      expect(r.test_metrics.accuracy).toBeGreaterThan(r.test_metrics.baseline_accuracy + 0.08);
    }
  });

  it('saves a complete artifact folder that reloads to the same test metrics', async () => {
    const { services, home } = tempServices();
    const r = await services.training.train({ strategy: MOMENTUM, data: synthetic(4, 0.2) });
    expect(r.model_id).toBe('momentum_test@1');
    expect(fs.readdirSync(r.model_path).sort()).toEqual([
      'equity.json',
      'features.json',
      'model.json',
      'oos_returns.json',
      'reference.json',
      'result.json',
      'strategy.yaml',
      'weights.bin',
    ]);
    expect(modelFolders(home)).toEqual(['momentum_test@1']);
    expect(r.model_path).toBe(path.join(home, 'models', 'momentum_test@1'));
    expect(services.registry.models.get('momentum_test@1')).toMatchObject({ stage: 'candidate', operation_id: r.operation_id });
    // Every model is backtested on its own test part, against buy-and-hold over the same bars.
    const bt = r.backtest as { strategy: { bars: number; trade_count: number }; buy_and_hold: { total_return: number } };
    expect(bt.strategy.bars).toBeGreaterThan(r.test_metrics.samples);
    expect(Number.isFinite(bt.buy_and_hold.total_return)).toBe(true);
    expect(services.registry.models.get('momentum_test@1').metrics.backtest).toMatchObject({ strategy: { bars: bt.strategy.bars } });
    await services.backend(); // training ran in a worker thread; this thread loads the model itself
    const a = await loadArtifacts(r.model_path);
    expect(a.strategyYaml).toBe(fs.readFileSync(MOMENTUM, 'utf8'));
    expect(a.reference.features.map((f) => f.name)).toEqual(r.model_info.feature_names);

    // Rebuild the test part from the saved strategy and scaler alone and score the reloaded model.
    const strategy = parseStrategy(a.strategyYaml).strategy;
    const data = await loadMarketData(synthetic(4, 0.2));
    const features = buildFeaturesMulti(strategy, data.series);
    const samples = assembleSamples(
      data.series,
      features,
      data.series.map((b) => buildLabels(strategy.labels, b)),
    );
    const testStart = Date.parse(r.data_summary.split_boundaries.test_start);
    const rows = Array.from(samples.time.keys()).filter((i) => samples.time[i]! >= testStart);
    const x = new Float64Array(rows.length * samples.cols);
    rows.forEach((row, i) => x.set(samples.x.subarray(row * samples.cols, (row + 1) * samples.cols), i * samples.cols));
    const y = Int32Array.from(rows, (row) => samples.y[row]!);
    const probs = await predictProba(a.model, applyScaler(a.features.scaler, x, rows.length, samples.cols), rows.length, samples.cols);
    expect(y.length).toBe(r.test_metrics.samples);
    expect(accuracyOf(argmaxRows(probs), y)).toBe(r.test_metrics.accuracy);
    expect(crossEntropy(probs, y)).toBeCloseTo(r.test_metrics.loss, 6);
    a.model.dispose();
  });

  it('is reproducible: the same seed gives the same metrics, another seed does not', async () => {
    const { services } = tempServices();
    const run = (seed: number) => services.training.train({ strategy: MOMENTUM, data: synthetic(5, 0.2), overrides: { seed, epochs: 4 } });
    const a = await run(9);
    const b = await run(9);
    const c = await run(10);
    expect(b.training_metrics.history.map((h) => [h.loss, h.val_loss])).toEqual(
      a.training_metrics.history.map((h) => [h.loss, h.val_loss]),
    );
    expect(b.test_metrics).toEqual(a.test_metrics);
    expect(c.training_metrics.history.map((h) => h.loss)).not.toEqual(a.training_metrics.history.map((h) => h.loss));
    expect([a.model_id, b.model_id, c.model_id]).toEqual(['momentum_test@1', 'momentum_test@2', 'momentum_test@3']);
  });

  it('reports per-symbol metrics and keeps symbols apart', async () => {
    const { services } = tempServices();
    const r = await services.training.train({ strategy: MOMENTUM, data: synthetic(6, 0.2, ',symbols=3'), overrides: { epochs: 3 } });
    expect(r.data_summary.symbols).toEqual(['SYN1', 'SYN2', 'SYN3']);
    expect(r.artifacts.per_symbol.map((s) => s.symbol)).toEqual(['SYN1', 'SYN2', 'SYN3']);
    expect(r.artifacts.per_symbol.reduce((n, s) => n + s.samples, 0)).toBe(r.test_metrics.samples);
  });

  it('cancellation stops training and leaves no model folder behind', async () => {
    const { services, home } = tempServices();
    const controller = new AbortController();
    const err = await services.training
      .train(
        { strategy: MOMENTUM_ALL_EPOCHS, data: synthetic(7, 0.2), overrides: { epochs: 500 } },
        {
          signal: controller.signal,
          onProgress: (p) => {
            if (p.phase === 'model_training' && (p.epoch ?? 0) >= 2) controller.abort('user asked');
          },
        },
      )
      .catch((e: unknown) => e);
    expect(isDomainError(err) && err.code).toBe('CANCELLED');
    expect(modelFolders(home)).toEqual([]);
    expect(stagingLeftovers(home)).toEqual([]);
    const [op] = services.registry.operations.list({ type: 'training' });
    expect(op).toMatchObject({ status: 'cancelled' });
    expect(services.registry.models.count()).toBe(0);
  });

  it('rejects data too short for the strategy with what to do, and an invalid strategy before any work', async () => {
    const { services, home } = tempServices();
    await expect(services.training.train({ strategy: MOMENTUM, data: 'synthetic:seed=1,bars=120' })).rejects.toThrow(
      /Not enough labelled samples.*longer date range/,
    );
    const bad = fs.readFileSync(MOMENTUM, 'utf8').replace('horizon: 5', 'horizon: -5').replace('type: roc', 'type: rocket');
    const err = await services.training.train({ strategy: bad, data: synthetic(1, 0) }).catch((e: unknown) => e);
    expect(isDomainError(err) && err.code).toBe('INVALID_STRATEGY');
    expect((err as Error).message).toMatch(/indicators\[1\]\.type/);
    expect((err as Error).message).toMatch(/labels\.horizon/);
    expect(modelFolders(home)).toEqual([]);
    // The invalid strategy was rejected before anything was queued: one operation (the short data), not two.
    expect(services.registry.operations.list({ type: 'training' }).map((o) => o.status)).toEqual(['failed']);
  });
});
