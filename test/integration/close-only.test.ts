import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DomainError } from '../../src/domain/errors.js';
import type { BackendInfo } from '../../src/pipeline/backend/index.js';
import { generateSynthetic, loadMarketData } from '../../src/pipeline/data/index.js';
import { SYNTHETIC_DEFAULTS } from '../../src/pipeline/data/spec.js';
import { parseStrategy } from '../../src/pipeline/strategy-source.js';
import { runTrainingPipeline } from '../../src/pipeline/train-pipeline.js';
import { testBackend } from '../helpers/backend.js';

const strategy = (indicator: string, feature = 'ind') => `
name: close_only_test
indicators:
  - id: ind
    ${indicator}
  - id: sma_10
    type: sma
    params: { period: 10 }
features:
  fuzzy: false
  raw: [${feature}, sma_10]
  lagged_returns: [1, 2]
labels: { type: forward_return, horizon: 3, up_threshold: 0.004, down_threshold: -0.004 }
model: { hidden_layers: [8], dropout: 0 }
training: { epochs: 2, batch_size: 64, seed: 1 }
`;

let backend: BackendInfo;
const home = fs.mkdtempSync(path.join(os.tmpdir(), 'trainyard-close-only-'));
const closeOnly = path.join(home, 'close.csv');
const noVolume = path.join(home, 'novol.csv');

beforeAll(async () => {
  backend = await testBackend();
  const [bars] = generateSynthetic({ ...SYNTHETIC_DEFAULTS, seed: 5, bars: 600, timeframe: '1d' });
  const day = (t: number) => new Date(t).toISOString().slice(0, 10).replace(/-/g, '');
  const close = ['Date,Adj Close'];
  const ohlc = ['date,open,high,low,close'];
  for (let i = 0; i < bars!.time.length; i++) {
    close.push(`${day(bars!.time[i]!)},${bars!.close[i]}`);
    ohlc.push(`${day(bars!.time[i]!)},${bars!.open[i]},${bars!.high[i]},${bars!.low[i]},${bars!.close[i]}`);
  }
  fs.writeFileSync(closeOnly, close.join('\n'));
  fs.writeFileSync(noVolume, ohlc.join('\n'));
});
afterAll(() => fs.rmSync(home, { recursive: true, force: true }));

let n = 0;
const train = (yaml: string, file: string) =>
  runTrainingPipeline(
    { strategy: parseStrategy(yaml), data: `csv:${file}`, modelId: `c@${++n}`, modelsDir: path.join(home, 'models'), dataDir: home },
    { backend },
  );

async function refused(yaml: string, file: string): Promise<DomainError> {
  const err = await train(yaml, file).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DomainError);
  expect((err as DomainError).code).toBe('INVALID_DATA');
  return err as DomainError;
}

describe('close-only and volume-less files', () => {
  it('a close-only YYYYMMDD file records what it lacks', async () => {
    const data = await loadMarketData(`csv:${closeOnly}`);
    expect(data.timeframe).toBe('1d');
    expect(data.missingFields).toEqual(['open', 'high', 'low', 'volume']);
    expect(data.notes.join('\n')).toMatch(/close-only file/);
  });

  it('trains a strategy whose indicators read only the close (rsi, sma)', async () => {
    const r = await train(strategy('type: rsi\n    params: { period: 14 }'), closeOnly);
    expect(r.model_info.feature_names).toEqual(['raw:ind', 'raw:sma_10', 'ret_1', 'ret_2']);
    expect(r.training_metrics.epochs_run).toBeGreaterThan(0);
    expect(Number.isFinite(r.test_metrics.accuracy)).toBe(true);
  });

  it('an atr strategy on a close-only file is an error naming the indicator and the fields', async () => {
    const e = await refused(strategy('type: atr\n    params: { period: 14 }'), closeOnly);
    expect(e.message).toMatch(/has no high, low: ind \(atr\) needs high, low\. Remove this indicator/);
    expect(e.data).toMatchObject({ missing_fields: ['high', 'low'], indicators: [{ id: 'ind', type: 'atr', needs: ['high', 'low'] }] });
  });

  it('obv on a file without volume is an error; the same file trains stochastic', async () => {
    const e = await refused(strategy('type: obv\n    params: { period: 10 }'), noVolume);
    expect(e.message).toMatch(/has no volume: ind \(obv\) needs volume/);
    const r = await train(strategy('type: stochastic\n    params: { k_period: 14, d_period: 3 }', 'ind.k'), noVolume);
    expect(r.model_info.feature_names[0]).toBe('raw:ind.k');
  });
});
