/**
 * Regenerates the README's pictures (docs/charts/*.png) the way a user would get them: trains a
 * tiny model on seeded synthetic data, backtests it (test segment and walk-forward), promotes it,
 * ingests later bars in weekly batches (live performance), checks drift on them, runs a short
 * offline research program and a small tuning study, then renders every chart through services.charts.
 *
 *   npm run docs:charts            (about two minutes on two cores)
 *   npm run docs:charts -- tuning  (only the named pictures, and only the work they need)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../src/config/load.js';
import { createLogger } from '../src/config/logger.js';
import { createServices } from '../src/services/index.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const OUT = path.join(ROOT, 'docs', 'charts');
const STRATEGY = path.join(ROOT, 'test', 'fixtures', 'momentum-test.yaml');
// Training ends in 2015 (1,500 weekdays from 2010-01-01); the live bars start in 2016.
const TRAIN = 'synthetic:seed=1,bars=1500,signal=0.3';
const LIVE = (bars: number) => `synthetic:seed=7,bars=${bars},signal=0.15,start=2016-01-04`;
// README pictures: 1x keeps each under 100 KB and still sharp enough on a normal screen.
const SCALE = 1;

const log = (s: string) => process.stderr.write(`${s}\n`);

// Pictures to make (file names without .png); none named: all of them.
const ONLY = new Set(process.argv.slice(2));
const want = (name: string) => ONLY.size === 0 || ONLY.has(name);
const OWN = new Set(['research', 'tuning']);
const wantModel = ONLY.size === 0 || [...ONLY].some((n) => !OWN.has(n));

async function main(): Promise<void> {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'trainyard-docs-'));
  const config = loadConfig({ argv: { home, log_level: 'silent', wasm_threads: 1 }, env: {} });
  const s = createServices(config, { logger: createLogger('silent') });
  try {
    fs.mkdirSync(OUT, { recursive: true });
    if (wantModel) await modelCharts(s);
    if (want('research')) {
      log('research program (offline designer, 6 cycles) ...');
      const run = await s.research.start({ cycles: 6, designer: 'offline', data: TRAIN, program: 'docs_demo', seed: 3 }, 'docs');
      await s.research.waitFor(run.id);
      const research = await s.charts.renderResearch('docs_demo', { format: 'png', scale: SCALE });
      fs.writeFileSync(path.join(OUT, 'research.png'), research.png!);
      log(`research.png ${research.width}x${research.height} ${(research.png!.length / 1024).toFixed(0)} KB`);
    }
    if (want('tuning')) {
      log('tuning study (12 trials of up to 4 epochs, TPE, Hyperband) ...');
      // One trial at a time: the sampler sees trials in the same order on every machine.
      const run = s.tuning.start(
        {
          strategy: STRATEGY,
          data: TRAIN,
          search: {
            'training.learning_rate': { low: 1e-4, high: 3e-2, log: true },
            'model.hidden_layers': { choices: [[8], [16, 8], [32, 16]] },
            'model.dropout': { low: 0, high: 0.5 },
          },
          trials: 12,
          overrides: { epochs: 4 },
          parallel: 1,
          seed: 5,
          retrain: false,
        },
        'docs',
      );
      const done = await s.tuning.waitFor(run.id);
      if (done.status !== 'completed') throw new Error(`tuning run ${run.id} ended ${done.status}: ${done.message}`);
      const tuning = await s.charts.renderTuning(run.id, { format: 'png', scale: SCALE });
      fs.writeFileSync(path.join(OUT, 'tuning.png'), tuning.png!);
      log(`tuning.png ${tuning.width}x${tuning.height} ${(tuning.png!.length / 1024).toFixed(0)} KB`);
    }
  } finally {
    await s.close();
    fs.rmSync(home, { recursive: true, force: true });
  }
}

/** A trained, backtested, promoted model with live bars and a drift report, and its charts. */
async function modelCharts(s: ReturnType<typeof createServices>): Promise<void> {
  log('training momentum_test on synthetic data ...');
  const trained = await s.training.train({ strategy: STRATEGY, data: TRAIN, overrides: { epochs: 12 } });
  const id = trained.model_id;
  log('backtests ...');
  await s.backtests.run({ model_id: id, walk_forward: { scheme: 'expanding', windows: 4, epochs: 4 } });
  await s.backtests.run({ model_id: id });
  s.registry.models.promote({ model_id: id, to_stage: 'production', reason: 'docs pictures', skip_staging: true, force: true }, 'docs');
  log('ingesting live bars week by week ...');
  for (let bars = 60; bars <= 260; bars += 10) await s.ingest.ingest({ data: LIVE(bars) }, 'docs');
  log('drift check ...');
  await s.drift.check({ model_id: id, data: 'store:' }, 'docs');
  // research.png is the research program's chart (main), not this model's.
  const names = s.charts
    .list(id)
    .map((c) => c.name)
    .filter((n) => n !== 'research' && want(n));
  for (const name of names) {
    const t0 = performance.now();
    const chart = await s.charts.render(id, name, { format: 'png', scale: SCALE });
    fs.writeFileSync(path.join(OUT, `${name}.png`), chart.png!);
    log(`${name}.png ${chart.width}x${chart.height} ${(chart.png!.length / 1024).toFixed(0)} KB ${(performance.now() - t0).toFixed(0)} ms`);
  }
}

await main();
