import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isDomainError } from '../../src/domain/errors.js';
import { planCrossValidation } from '../../src/pipeline/cross-validation.js';
import { loadMarketData } from '../../src/pipeline/data/index.js';
import { prepareSamples } from '../../src/pipeline/fit-model.js';
import type { PipelineProgress } from '../../src/pipeline/result.js';
import { parseStrategy } from '../../src/pipeline/strategy-source.js';
import { runTrainingPipeline } from '../../src/pipeline/train-pipeline.js';
import type { BackendInfo } from '../../src/pipeline/backend/index.js';
import { testBackend } from '../helpers/backend.js';

const yaml = (cv: string) => `
name: cpcv_test
indicators:
  - id: roc_5
    type: roc
    params: { period: 5 }
features:
  fuzzy: false
  raw: [roc_5]
  lagged_returns: [1, 2, 3]
labels: { type: forward_return, horizon: 5, up_threshold: 0.005, down_threshold: -0.005 }
model: { hidden_layers: [8], dropout: 0 }
training:
  epochs: 2
  batch_size: 64
  seed: 3
${cv}`;
const CPCV = '  cross_validation: { type: cpcv, groups: 4, test_groups: 2 }';
const DATA = 'synthetic:seed=3,bars=800';

let backend: BackendInfo;
const home = fs.mkdtempSync(path.join(os.tmpdir(), 'trainyard-cpcv-'));
beforeAll(async () => {
  backend = await testBackend();
});
afterAll(() => fs.rmSync(home, { recursive: true, force: true }));

function train(cv: string, modelId: string, deps: { signal?: AbortSignal; onProgress?: (p: PipelineProgress) => void } = {}) {
  return runTrainingPipeline(
    { strategy: parseStrategy(yaml(cv)), data: DATA, modelId, modelsDir: path.join(home, 'models'), dataDir: home },
    { backend, ...deps },
  );
}

describe('CPCV as a training option', () => {
  it('refits on every split and reports the out-of-sample distribution', async () => {
    const messages: string[] = [];
    const r = await train(CPCV, 'cv@1', { onProgress: (p) => messages.push(p.message) });
    const cv = r.cross_validation!;
    expect(cv).toMatchObject({ type: 'cpcv', groups: 4, test_groups: 2, splits: 6, paths: 3, purge: 5 });
    expect(cv.embargo).toBe(Math.ceil(0.01 * cv.samples));
    expect(cv.per_split.map((s) => s.test_groups)).toEqual([
      [0, 1],
      [0, 2],
      [0, 3],
      [1, 2],
      [1, 3],
      [2, 3],
    ]);
    // Each sample is tested in exactly C(3, 1) = 3 splits, and each path covers every sample once.
    expect(cv.per_split.reduce((n, s) => n + s.samples, 0)).toBe(3 * cv.samples);
    expect(cv.per_path).toHaveLength(3);
    for (const p of cv.per_path) expect(p.samples).toBe(cv.samples);
    for (const s of cv.per_split) {
      expect(s.edge).toBeCloseTo(s.accuracy - s.baseline_accuracy, 12);
      expect(s.log_loss).toBeGreaterThan(0);
    }
    const accs = cv.per_split.map((s) => s.accuracy);
    expect(cv.summary.accuracy.min).toBe(Math.min(...accs));
    expect(cv.summary.accuracy.max).toBe(Math.max(...accs));
    expect(cv.summary.accuracy.mean).toBeCloseTo(accs.reduce((a, b) => a + b, 0) / 6, 12);
    // Path accuracies average back to the split accuracies weighted by samples.
    const hits = cv.per_split.reduce((n, s) => n + s.accuracy * s.samples, 0);
    expect(cv.per_path.reduce((n, p) => n + p.accuracy * p.samples, 0)).toBeCloseTo(hits, 6);
    for (let f = 1; f <= 6; f++) expect(messages.some((m) => m.startsWith(`cpcv fit ${f}/6`))).toBe(true);
    expect(r.timings.cross_validation_s).toBeGreaterThan(0);
    const saved = JSON.parse(fs.readFileSync(path.join(r.model_path, 'result.json'), 'utf8')) as { cross_validation?: unknown };
    expect(saved.cross_validation).toMatchObject({ splits: 6, paths: 3 });
  });

  it('purges and embargoes every fold, per symbol, and tests every sample exactly 3 times', async () => {
    for (const spec of [DATA, 'synthetic:seed=4,bars=600,symbols=2']) {
      const { strategy } = parseStrategy(yaml(CPCV));
      const prepared = prepareSamples(strategy, await loadMarketData(spec));
      const { samples } = prepared;
      expect(new Set(samples.symbol).size).toBe(spec === DATA ? 1 : 2);
      const plan = planCrossValidation(strategy, samples, prepared.horizon)!;
      const tested = new Int32Array(samples.rows);
      for (const fold of plan.folds) {
        for (const r of fold.test) tested[r]!++;
        expect(fold.test.length).toBeGreaterThan(0);
        const testAt = new Set(Array.from(fold.test, (t) => `${samples.symbol[t]}:${samples.bar[t]}`));
        for (const r of [...fold.train, ...fold.validation]) {
          // No test sample of the same symbol from `purge` bars after it to purge + embargo bars before it.
          for (let d = -plan.purge - plan.embargo; d <= plan.purge; d++) {
            expect(testAt.has(`${samples.symbol[r]}:${samples.bar[r]! + d}`)).toBe(false);
          }
        }
        // The early-stopping part is the latest training rows in time.
        const lastFit = fold.train.reduce((m, r) => Math.max(m, samples.time[r]!), Number.NEGATIVE_INFINITY);
        const firstVal = fold.validation.reduce((m, r) => Math.min(m, samples.time[r]!), Number.POSITIVE_INFINITY);
        expect(lastFit).toBeLessThan(firstVal);
      }
      expect(Array.from(new Set(tested))).toEqual([3]);
    }
  });

  it('fails before any training when the folds would be too small', async () => {
    const messages: string[] = [];
    const err = await runTrainingPipeline(
      {
        strategy: parseStrategy(yaml('  cross_validation: { type: cpcv, groups: 12, test_groups: 1, embargo: 20 }')),
        data: 'synthetic:seed=3,bars=300',
        modelId: 'small@1',
        modelsDir: path.join(home, 'models'),
        dataDir: home,
      },
      { backend, onProgress: (p) => messages.push(p.phase) },
    ).catch((e: unknown) => e);
    expect(isDomainError(err) && err.code).toBe('INSUFFICIENT_DATA');
    expect((err as Error).message).toMatch(/Not enough samples for CPCV with 12 groups.*The data has 300 bars/);
    expect(messages).not.toContain('model_training');
  });

  it('is off by default, and a cancellation during the CPCV fits leaves nothing behind', async () => {
    const plain = await train('', 'plain@1');
    expect(plain).not.toHaveProperty('cross_validation');
    expect(plain.timings).not.toHaveProperty('cross_validation_s');

    const ctrl = new AbortController();
    const err = await train(CPCV, 'cv@2', {
      signal: ctrl.signal,
      onProgress: (p) => {
        if (p.message.startsWith('cpcv fit 2/6')) ctrl.abort('stop');
      },
    }).catch((e: unknown) => e);
    expect(isDomainError(err) && err.code).toBe('CANCELLED');
    expect(fs.existsSync(path.join(home, 'models', 'cv@2'))).toBe(false);
  });
});
