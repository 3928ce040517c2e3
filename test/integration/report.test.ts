import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliInProcess, runCli } from '../helpers/cli.js';
import { MOMENTUM, tempServices } from '../helpers/services.js';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const HOSTILE_SYMBOL = '<script>alert(1)</script>';
const HOSTILE_REASON = '<img src=x onerror=alert(2)> approved';

/** A daily random walk with a hostile symbol name: stored text that must stay inert in the report. */
function hostileCsv(dir: string): string {
  const file = path.join(dir, 'evil<b>bars.csv');
  let seed = 5;
  const rnd = () => ((seed = (seed * 16807) % 2147483647), seed / 2147483647 - 0.5);
  const lines = ['timestamp,symbol,open,high,low,close,volume'];
  let close = 100;
  for (let i = 0; i < 1200; i++) {
    const open = close;
    close = open * (1 + rnd() * 0.03);
    const t = new Date(Date.UTC(2015, 0, 1) + i * 86_400_000).toISOString().slice(0, 10);
    lines.push(`${t},"${HOSTILE_SYMBOL}",${open},${Math.max(open, close) * 1.004},${Math.min(open, close) * 0.996},${close},${1000 + i}`);
  }
  fs.writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

/** The CLI in-process (no process start-up per call), output collected. */
async function cli(args: string[]) {
  return cliInProcess(args);
}

describe('charts service and trainyard report on a trained, backtested, drift-checked model', () => {
  const { services, home } = tempServices();
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'trainyard-report-'));
  const data = `csv:${hostileCsv(out)}`;
  let modelId: string;

  beforeAll(async () => {
    const trained = await services.training.train({ strategy: MOMENTUM, data, overrides: { epochs: 2 } });
    modelId = trained.model_id;
    await services.backtests.run({ model_id: modelId });
    await services.drift.check({ model_id: modelId, data }, 'test');
    services.registry.evaluations.approve(modelId, 'cli:tester', HOSTILE_REASON);
  }, 120_000);
  afterAll(async () => {
    await services.close();
  });

  it('lists the charts the model has and renders each to PNG', async () => {
    const names = services.charts.list(modelId).map((c) => c.name);
    expect(names).toEqual(
      expect.arrayContaining([
        'training_curves',
        'confusion_matrix',
        'feature_importance',
        'equity',
        'drawdown',
        'drift',
        'drift_histograms',
      ]),
    );
    expect(names).not.toContain('performance');
    for (const name of names) {
      const png = await services.charts.render(modelId, name, { format: 'png' });
      expect(png.png!.subarray(0, 8).equals(PNG_SIGNATURE), name).toBe(true);
      expect(png.alt.length, name).toBeGreaterThan(30);
    }
    await expect(services.charts.render(modelId, 'performance')).rejects.toThrow(/no performance chart yet/);
    await expect(services.charts.render(modelId, 'pie')).rejects.toThrow(/No chart "pie"/);
  });

  it('the drift report stores histograms; check_drift returns none', async () => {
    const stored = services.registry.evaluations.driftReports(modelId, 1)[0]!;
    const h = (stored.report['histograms'] as { reference: number[]; current: number[] }[])[0]!;
    expect(h.reference.length).toBe(h.current.length);
    const again = await services.drift.check({ model_id: modelId, data }, 'test');
    expect(again).not.toHaveProperty('histograms');
  });

  it('trainyard report writes one self-contained HTML file with the model card, gates and inline SVG, hostile text inert', async () => {
    await services.close();
    const file = path.join(out, 'report.html');
    const r = await runCli(['report', modelId, '--home', home, '--out', file, '--json'], { env: { TRAINYARD_LOG_LEVEL: 'silent' } });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ model_id: modelId, path: file });
    const page = fs.readFileSync(file, 'utf8');
    expect(page).toMatch(/^<!doctype html>/);
    expect(page).toContain(modelId);
    expect(page).toContain('training gate');
    expect(page).toContain('backtest gate');
    expect(page).toMatch(/p-value/);
    expect((page.match(/<svg /g) ?? []).length).toBeGreaterThanOrEqual(5);
    // Self-contained: no URL, no script, no external resource.
    expect(page).not.toMatch(/https?:\/\//);
    expect(page).not.toMatch(/<script/i);
    expect(page).not.toMatch(/<[a-z][^>]*\s(src|href|on[a-z]+)=/i);
    // Stored hostile text is escaped wherever it appears.
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page).toContain('&lt;img src=x onerror=alert(2)&gt; approved');
    expect(page).not.toContain('<img');
    expect(page).toContain('evil&lt;b&gt;bars.csv');
  });

  it('trainyard chart lists charts and writes a PNG', async () => {
    const list = await cli(['chart', modelId, '--home', home, '--json']);
    expect(list.code, list.stderr).toBe(0);
    expect((JSON.parse(list.stdout) as { name: string }[]).map((c) => c.name)).toContain('equity');
    const file = path.join(out, 'equity.png');
    const r = await cli(['chart', modelId, 'equity', '--png', '--out', file, '--home', home]);
    expect(r.code, r.stderr).toBe(0);
    expect(fs.readFileSync(file).subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
    expect(r.stdout).toMatch(/max drawdown -?\d/);
    const bad = await cli(['chart', modelId, 'equity', '--scale', 'big', '--home', home]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--scale');
  });

  it('trainyard chart --tuning draws a tuning study (val_sharpe as the Sharpe) and names a run that is not one', async () => {
    // A study written straight to the registry (the services above are closed by now).
    const { services: own } = tempServices(home);
    const run = own.registry.operations.create({ type: 'tuning', params: { strategy: 'momentum_test', objective: 'val_sharpe' } });
    for (const [number, state, values] of [
      [0, 'complete', [-0.2, -0.4]],
      [1, 'pruned', [0.1]],
      [2, 'complete', [-0.3, -0.9]],
    ] as const) {
      own.registry.tuning.start({ study_id: run.id, number, run_id: run.id, name: 'momentum_test', params: {} });
      const intermediate = values.map((value, i) => ({ step: i + 1, value }));
      own.registry.tuning.end(run.id, number, { state, value: state === 'complete' ? values[values.length - 1] : null, intermediate });
    }
    const training = own.registry.operations.list({ type: 'training', limit: 1 })[0]!.id;
    await own.close();
    const file = path.join(out, 'tuning.png');
    const r = await cli(['chart', '--tuning', run.id, '--png', '--out', file, '--home', home]);
    expect(r.code, r.stderr).toBe(0);
    expect(fs.readFileSync(file).subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
    expect(r.stdout).toContain('3 trials: 2 complete, 1 pruned (33% of ended), 0 failed; best validation Sharpe 0.90 (trial 2)');
    const bad = await cli(['chart', '--tuning', training, '--home', home]);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain(`Operation ${training} is a training operation, not a tuning run`);
  });
});
