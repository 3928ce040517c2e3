import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Services } from '../../src/services/index.js';
import { MOMENTUM, tempServices } from '../helpers/services.js';

// A slow strategy: a 200-bar SMA distance needs 200 bars of history before its first row.
const SMA = fs
  .readFileSync(MOMENTUM, 'utf8')
  .replace('name: momentum_test', 'name: sma_test')
  .replace('  - id: roc_5', '  - id: sma_200\n    type: sma\n    params: { period: 200 }\n  - id: roc_5')
  .replace('raw: [roc_5]', 'raw: [roc_5, sma_200]');

describe('drift reads the data as the model was trained on it', () => {
  let services: Services;
  beforeAll(async () => {
    ({ services } = tempServices());
    await services.training.train({ strategy: SMA, data: 'synthetic:seed=1,bars=1500', overrides: { epochs: 2 } }, { actor: 'test' });
    // Trained on 1h bars resampled from a 15-minute source (a CLI/MCP override, not in its strategy.yaml).
    await services.training.train(
      { strategy: MOMENTUM, data: 'synthetic:seed=1,bars=24000,timeframe=15m', overrides: { epochs: 2, timeframe: '1h' } },
      { actor: 'test' },
    );
  }, 240_000);
  afterAll(() => services.close());

  it('--from keeps every bar after it: indicators warm up on the bars before', async () => {
    const data = 'synthetic:seed=2,bars=1500';
    const r = await services.drift.check({ model_id: 'sma_test@1', data, from: '2013-01-01' }, 'test');
    // Weekday bars from 2013-01-01 to the end of the 1,500-bar series (2010-01-01 + ~5.75 years).
    const all = await services.drift.check({ model_id: 'sma_test@1', data }, 'test');
    expect(r.bars).toBeGreaterThan(600);
    expect(r.rows).toBe(r.bars); // no row lost to the 200-bar warm-up
    expect(all.rows).toBe(all.bars - 199);
  }, 60_000);

  it('a model trained with a timeframe override is checked on that timeframe', async () => {
    const r = await services.drift.check({ model_id: 'momentum_test@1', data: 'synthetic:seed=2,bars=24000,timeframe=15m' }, 'test');
    expect(r.selection).toEqual({ symbols: null, timeframe: '1h' });
    expect(r.bars).toBe(6000);
    expect(r.action_required).toBe(false);
  }, 60_000);
});
