/**
 * Regenerates the README's pictures (docs/charts/*.png) the way a user would get them: trains a
 * tiny model on seeded synthetic data, backtests it (test segment and walk-forward), promotes it,
 * ingests later bars in weekly batches (live performance), checks drift on them, runs a short
 * offline research program, then renders every chart through services.charts.
 *
 *   npm run docs:charts            (about two minutes on two cores)
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

async function main(): Promise<void> {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'trainyard-docs-'));
  const config = loadConfig({ argv: { home, log_level: 'silent', wasm_threads: 1 }, env: {} });
  const s = createServices(config, { logger: createLogger('silent') });
  try {
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
    log('research program (offline designer, 6 cycles) ...');
    const run = await s.research.start({ cycles: 6, designer: 'offline', data: TRAIN, program: 'docs_demo', seed: 3 }, 'docs');
    await s.research.waitFor(run.id);

    fs.mkdirSync(OUT, { recursive: true });
    const names = s.charts.list(id).map((c) => c.name);
    for (const name of names) {
      const t0 = performance.now();
      const chart = await s.charts.render(id, name, { format: 'png', scale: SCALE });
      fs.writeFileSync(path.join(OUT, `${name}.png`), chart.png!);
      log(
        `${name}.png ${chart.width}x${chart.height} ${(chart.png!.length / 1024).toFixed(0)} KB ${(performance.now() - t0).toFixed(0)} ms`,
      );
    }
    const research = await s.charts.renderResearch('docs_demo', { format: 'png', scale: SCALE });
    fs.writeFileSync(path.join(OUT, 'research.png'), research.png!);
    log(`research.png ${research.width}x${research.height} ${(research.png!.length / 1024).toFixed(0)} KB`);
  } finally {
    await s.close();
    fs.rmSync(home, { recursive: true, force: true });
  }
}

await main();
