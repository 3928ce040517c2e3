// The training pipeline phase by phase on synthetic data of 1M and 10M bars (10 symbols): bars/s
// per phase and peak memory. One JSON line per phase and size, then a summary line per size.
// Each size runs in its own process, so its peak RSS (resourceUsage().maxRSS) is its own.
//   npm run bench -- scale                       (1M and 10M bars)
//   SCALE_BARS=1000000 npm run bench -- scale    (one size; a comma list for several)
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { limitsSchema } from '../src/config/limits.js';
import { strategySchema, labelHorizon } from '../src/domain/strategy.js';
import { saveArtifacts } from '../src/pipeline/artifacts/store.js';
import { columnOf, featureReference, predictionScores, type ReferenceDistributions } from '../src/pipeline/artifacts/reference.js';
import { checkMemory, checkTrainingBudget, featureCount } from '../src/pipeline/budget.js';
import { loadMarketData } from '../src/pipeline/data/index.js';
import { barCount } from '../src/pipeline/data/types.js';
import { assembleSamples } from '../src/pipeline/dataset/assemble.js';
import { applyScaler, fitScaler } from '../src/pipeline/dataset/scaler.js';
import { chronologicalSplit } from '../src/pipeline/dataset/split.js';
import { permutationImportance } from '../src/pipeline/evaluate/importance.js';
import { classificationMetrics, crossEntropy, majorityClass } from '../src/pipeline/evaluate/metrics.js';
import { buildFeaturesMulti, buildLabels } from '../src/pipeline/features/index.js';
import { buildModel } from '../src/pipeline/model/build.js';
import { classCounts } from '../src/pipeline/model/dataset.js';
import { argmaxRows, predictProba } from '../src/pipeline/model/predict.js';
import { trainModel } from '../src/pipeline/model/train.js';
import { backtestSegmentWithReturns, oosReturnsFile, OOS_RETURNS_FILE } from '../src/monitoring/backtest/segment.js';
import { validationStats } from '../src/monitoring/drift-reference.js';
import { classificationEvidence } from '../src/monitoring/validation/evidence.js';
import { backend, emit } from './_shared.js';

const SYMBOLS = 10;
const here = fileURLToPath(import.meta.url);

/** A small strategy: RSI and an SMA (raw and fuzzy), three lagged returns; 32 -> 16 MLP; one epoch. */
const strategy = strategySchema.parse({
  name: 'scale',
  indicators: [
    { id: 'rsi_14', type: 'rsi', params: { period: 14 } },
    { id: 'roc_10', type: 'roc', params: { period: 10 } },
  ],
  fuzzy_sets: { rsi_14: { low: [0, 30, 50], mid: [30, 50, 70], high: [50, 70, 100] } },
  features: { fuzzy: true, raw: ['rsi_14', 'roc_10'], lagged_returns: [1, 2, 5] },
  labels: { type: 'forward_return', horizon: 5, up_threshold: 0.01, down_threshold: -0.01 },
  model: { hidden_layers: [32, 16], activation: 'relu', dropout: 0, l2: 0 },
  training: { optimizer: 'adam', learning_rate: 0.001, batch_size: 512, epochs: 1, early_stopping_patience: 0, seed: 1 },
});

async function runSize(total: number): Promise<void> {
  const perSymbol = Math.round(total / SYMBOLS);
  const spec = `synthetic:seed=1,bars=${perSymbol},symbols=${SYMBOLS},timeframe=1h`;
  // The bench raises the limits it would hit on purpose (10M bars is past the 5M synthetic default).
  const limits = limitsSchema.parse({ synthetic_bars: 20_000_000, job_memory_mb: 64_000, sample_epochs: 1e9, optimizer_steps: 1e8 });
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);
  sampler.unref();
  const info = await backend();
  const phases: Record<string, { seconds: number; bars_per_s: number }> = {};
  let bars = total;
  let t = performance.now();
  const phase = (name: string, extra: Record<string, unknown> = {}) => {
    const now = performance.now();
    const seconds = (now - t) / 1000;
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    phases[name] = { seconds: +seconds.toFixed(3), bars_per_s: Math.round(bars / seconds) };
    emit({ bench: 'scale', bars, phase: name, ...phases[name], rss_mb: mb(process.memoryUsage().rss), ...extra });
    t = performance.now();
  };

  const data = await loadMarketData(spec, {});
  bars = barCount(data);
  checkMemory(limits, bars, featureCount(strategy));
  phase('data');
  const features = buildFeaturesMulti(strategy, data.series);
  phase('features', { columns: features[0]?.names.length });
  const labels = data.series.map((b) => buildLabels(strategy.labels, b));
  phase('labels');
  const samples = assembleSamples(data.series, features, labels);
  const split = chronologicalSplit(samples, { validation_fraction: 0.15, test_fraction: 0.15, purge: labelHorizon(strategy.labels) });
  const scaler = fitScaler(split.train.x, split.train.rows, split.train.cols);
  const [train, val, test] = [split.train, split.validation, split.test].map((p) => ({
    rows: p.rows,
    cols: p.cols,
    x: applyScaler(scaler, p.x, p.rows, p.cols),
    y: p.y,
  }));
  checkTrainingBudget(limits, strategy, train!.rows);
  phase('assembly_split_scale', { samples: samples.rows, train: train!.rows, validation: val!.rows, test: test!.rows });

  const model = buildModel(strategy.model, train!.cols, strategy.training.seed);
  // fitModel's loss_decrease: the training part's cross-entropy before and after (two full passes).
  const trainLoss = async () => crossEntropy(await predictProba(model, train!.x, train!.rows, train!.cols), train!.y);
  const initialLoss = await trainLoss();
  const outcome = await trainModel(model, train!, val!, { model: strategy.model, training: strategy.training });
  const finalLoss = await trainLoss();
  phase('train_1_epoch', {
    loss: [+initialLoss.toFixed(4), +finalLoss.toFixed(4)],
    samples_per_s: outcome.samples_per_s,
    backend: info.name,
  });

  // As runTrainingPipeline evaluates: test metrics and evidence, the backtest hook, permutation
  // importance, the drift reference with its effective sample sizes.
  const majority = majorityClass(train!.y);
  const testProbs = await predictProba(model, test!.x, test!.rows, test!.cols);
  const testPred = argmaxRows(testProbs);
  const significance = classificationEvidence({
    y: test!.y,
    probs: testProbs,
    pred: testPred,
    baselineClass: majority,
    trainCounts: classCounts(train!.y, 3),
    horizon: labelHorizon(strategy.labels),
    segment: split.test.symbol,
    seed: 1,
  });
  const metrics = { ...classificationMetrics(testProbs, testPred, test!.y, majority), significance };
  phase('evaluate_test');
  const report = backtestSegmentWithReturns(
    data.series,
    { symbol: split.test.symbol, bar: split.test.bar, probs: testProbs },
    strategy.decisions,
  );
  const files = report ? { 'equity.json': report.equity_curve, [OOS_RETURNS_FILE]: oosReturnsFile(report.returns) } : {};
  phase('backtest');
  const importance = await permutationImportance(model, test!.x, test!.y, samples.names, 1);
  phase('importance');
  const valProbs = await predictProba(model, val!.x, val!.rows, val!.cols);
  const valPred = argmaxRows(valProbs);
  const reference: ReferenceDistributions = {
    bins: 10,
    features: samples.names.map((name, j) => featureReference(name, columnOf(split.train.x, split.train.rows, split.train.cols, j), 10)),
    prediction_scores: predictionScores(valProbs),
    predicted_class_share: { down: 0, flat: 0, up: 0 },
    validation: {
      accuracy: 0,
      loss: 0,
      samples: val!.rows,
      ...validationStats({ probs: valProbs, pred: valPred, y: val!.y, symbol: split.validation.symbol, horizon: 5 }),
    },
  };
  phase('reference');

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trainyard-scale-'));
  try {
    await saveArtifacts(dir, 'scale@1', {
      model,
      strategyYaml: 'name: scale\n',
      features: { names: samples.names, scaler },
      reference,
      result: { metrics, importance },
      extraFiles: files,
    });
    const size = fs.readdirSync(path.join(dir, 'scale@1')).reduce((n, f) => n + fs.statSync(path.join(dir, 'scale@1', f)).size, 0);
    phase('save', { artifact_mb: +(size / 2 ** 20).toFixed(1) });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
    model.dispose();
  }
  clearInterval(sampler);
  const seconds = Object.values(phases).reduce((s, p) => s + p.seconds, 0);
  emit({
    bench: 'scale',
    bars,
    phase: 'total',
    seconds: +seconds.toFixed(3),
    bars_per_s: Math.round(bars / seconds),
    peak_rss_mb: mb(peakRss),
    max_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
    backend: info.name,
  });
}

const mb = (bytes: number) => Math.round(bytes / 2 ** 20);

const arg = process.argv[2];
if (arg) {
  await runSize(Number(arg));
} else {
  const sizes = (process.env['SCALE_BARS'] ?? '1000000,10000000').split(',').map(Number);
  for (const size of sizes) {
    const r = spawnSync(process.execPath, ['--import', 'tsx', here, String(size)], { stdio: 'inherit' });
    if (r.status !== 0) process.exit(r.status ?? 1);
  }
}
