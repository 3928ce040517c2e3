// Walk-forward validation in-process (no worker): the strategy of test/fixtures/momentum-test.yaml
// retrained on 4 expanding windows over synthetic daily bars, few epochs. Prints the wall time
// (features, window splits, training, backtests) and the time per window.
import fs from 'node:fs';
import path from 'node:path';
import { runWalkForward } from '../src/monitoring/backtest/walk-forward.js';
import { loadMarketData } from '../src/pipeline/data/index.js';
import { parseStrategy } from '../src/pipeline/strategy-source.js';
import { applyOverrides } from '../src/pipeline/train-pipeline.js';
import { backend, emit } from './_shared.js';

const BARS = Number(process.env['BARS'] ?? 5000);
const WINDOWS = Number(process.env['WINDOWS'] ?? 4);
const EPOCHS = Number(process.env['EPOCHS'] ?? 3);
const info = await backend(1);
const yaml = fs.readFileSync(path.resolve(import.meta.dirname, '..', 'test', 'fixtures', 'momentum-test.yaml'), 'utf8');
const strategy = applyOverrides(parseStrategy(yaml).strategy, { epochs: EPOCHS });
const data = await loadMarketData(`synthetic:seed=1,bars=${BARS},signal=0.3`);
const t0 = performance.now();
const wf = await runWalkForward(
  strategy,
  data,
  { scheme: 'expanding', windows: WINDOWS, min_train_bars: 250 },
  {
    dataDir: 'data',
    cwd: process.cwd(),
    emit: () => undefined,
  },
);
const seconds = (performance.now() - t0) / 1000;
emit({
  bench: 'walk-forward',
  backend: info.name,
  bars: BARS,
  windows: wf.report.windows.length,
  epochs: EPOCHS,
  seconds: +seconds.toFixed(2),
  seconds_per_window: +(seconds / WINDOWS).toFixed(2),
  oos_sharpe: +(wf.aggregate?.strategy.sharpe ?? Number.NaN).toFixed(3),
});
