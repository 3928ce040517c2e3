import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadMarketData, withStoreFile } from '../../src/pipeline/data/index.js';
import { createRng } from '../../src/pipeline/random.js';
import { connectClient, text } from '../helpers/mcp.js';
import { MOMENTUM, tempServices } from '../helpers/services.js';

const DAY = 86_400_000;
// Training ends in 2015 (1,500 weekdays from 2010-01-01); the monitored bars start in 2016.
const TRAIN = 'synthetic:seed=1,bars=1500,signal=0.3';
const LIVE = (bars: number, seed = 7) => `synthetic:seed=${seed},bars=${bars},signal=0.3,start=2016-01-04`;

type Metric = { value: number | null; status: string; samples: number };
type Report = {
  model_id: string;
  metrics: Record<string, Metric>;
  degraded_metrics: string[];
  degraded_since: string | null;
  retraining_recommended: boolean;
  recommendation: string;
  scored_bars: number;
  resolved_bars: number;
  window_end: string | null;
  degraded_days: number;
};

/**
 * A changed market for a momentum model: returns REVERT the last 5-bar move (the synthetic
 * generator's planted momentum with the sign flipped), as weekday bars in a CSV after `startMs`.
 */
function revertingCsv(file: string, startMs: number, firstClose: number, n: number, seed: number): void {
  const rng = createRng(seed);
  const r: number[] = [];
  let close = firstClose;
  let t = startMs;
  const lines = ['date,open,high,low,close,volume,symbol'];
  for (let i = 0; i < n; i++) {
    while ([0, 6].includes(new Date(t).getUTCDay())) t += DAY;
    const past = r.slice(-5).reduce((a, b) => a + b, 0);
    const ret = 0.01 * (-0.8 * (i === 0 ? 0 : past >= 0 ? 1 : -1) + 0.6 * rng.normal());
    const open = close * Math.exp(0.001 * rng.normal());
    close *= Math.exp(ret);
    r.push(ret);
    lines.push(
      `${new Date(t).toISOString().slice(0, 10)},${open},${Math.max(open, close) * 1.002},${Math.min(open, close) * 0.998},${close},1000000,SYN1`,
    );
    t += DAY;
  }
  fs.writeFileSync(file, lines.join('\n') + '\n');
}

describe('ingestion and performance monitoring', () => {
  const { services, home } = tempServices();
  let mcp: Awaited<ReturnType<typeof connectClient>>;
  let modelId = '';
  const stored = () => services.ingest.newBarsSince([], '2000-01-01T00:00:00Z');

  beforeAll(async () => {
    mcp = await connectClient(services);
    const trained = await services.training.train({ strategy: MOMENTUM, data: TRAIN, overrides: { epochs: 6 } });
    modelId = trained.model_id;
    services.registry.models.promote(
      { model_id: modelId, to_stage: 'production', reason: 'monitoring test', skip_staging: true, force: true },
      'test',
    );
  }, 60_000);
  afterAll(async () => {
    await mcp.close();
    await services.close();
  });

  it('ingests, reports duplicates of an overlapping batch, scores the new bars and resolves outcomes', async () => {
    const first = await mcp.call('ingest_data', { data: LIVE(200) });
    expect(first.isError, text(first)).toBeFalsy();
    const a = first.structuredContent as {
      added: number;
      duplicates: number;
      gaps: unknown[];
      timeframe: string;
      monitoring: { updated: { model_id: string; scored: number; resolved: number }[] };
    };
    expect(a).toMatchObject({ added: 200, duplicates: 0, gaps: [], timeframe: '1d' });
    // Every bar past the features' warm-up is scored; all but the last horizon + 1 (6 bars) resolved:
    // a position decided at bar t's close is held from bar t+1's open to bar t+1+h's open, as in backtests.
    expect(a.monitoring.updated).toHaveLength(1);
    const u = a.monitoring.updated[0]!;
    expect(u.model_id).toBe(modelId);
    expect(u.scored).toBeGreaterThan(180);
    expect(u.resolved).toBe(u.scored - 6);

    const second = (await mcp.call('ingest_data', { data: LIVE(260) })).structuredContent as typeof a;
    expect(second).toMatchObject({ added: 60, duplicates: 200 });
    expect(second.monitoring.updated[0]).toMatchObject({ scored: 60, resolved: 60 });
    expect(stored()).toEqual({ SYN1: 260 });

    const perf = (await mcp.call('get_performance', {})).structuredContent as { models: Report[] };
    expect(perf.models).toHaveLength(1);
    const m = perf.models[0]!;
    expect(m.model_id).toBe(modelId);
    expect(m.scored_bars).toBe(u.scored + 60);
    // Another sample of the market it was trained on: nothing to act on (seeded, so deterministic).
    expect(m.retraining_recommended).toBe(false);
    expect(m.metrics['prediction_accuracy_7d']!.samples).toBe(5); // one week of weekday bars
    expect(m.metrics['sharpe_30d']!.samples).toBeGreaterThanOrEqual(20);
    for (const k of ['prediction_accuracy_7d', 'signal_win_rate_30d', 'sharpe_30d', 'feature_importance_stability'])
      expect(['healthy', 'degraded', 'insufficient_data'], k).toContain(m.metrics[k]!.status);
    expect(m.metrics['feature_importance_stability']!.value).not.toBeNull();
    const mirror = JSON.parse(fs.readFileSync(path.join(home, 'training', 'performance_monitoring.json'), 'utf8')) as { models: Report[] };
    expect(mirror.models.map((x) => x.model_id)).toEqual([modelId]);
  }, 30_000);

  it('rejects bad input with a clear error and leaves the store untouched', async () => {
    const before = stored();
    const conflict = await mcp.call('ingest_data', { data: LIVE(230, 8) });
    expect(conflict.isError).toBe(true);
    expect(text(conflict)).toMatch(/CONFLICT: .*230 bars already stored with different values; nothing was written/);
    expect(text(conflict).match(/^ {2}SYN1 2016-/gm)).toHaveLength(10);
    expect(text(conflict)).toMatch(/\.\.\. and 220 more[\s\S]*on_conflict: 'replace'/);

    const unknown = await mcp.call('ingest_data', { data: LIVE(10), symbols: ['NOPE'] });
    expect(unknown.isError).toBe(true);
    expect(text(unknown)).toMatch(/"NOPE" not in .*Available symbols: SYN1/);
    const badSpec = await mcp.call('ingest_data', { data: 'nope:1' });
    expect(text(badSpec)).toMatch(/INVALID_DATA_SPEC: Unknown data spec "nope:1"/);
    const hourly = await mcp.call('ingest_data', { data: 'synthetic:seed=7,bars=30,timeframe=1h,start=2017-01-02' });
    expect(text(hourly)).toMatch(/SYN1 is stored as 1d bars but .* has 1h bars/);
    const itself = await mcp.call('ingest_data', { data: 'store:' });
    expect(text(itself)).toMatch(/it is the store itself/);
    expect(stored()).toEqual(before);
    expect(services.ingest.batches().map((b) => b.added)).toEqual([60, 200]);
  });

  it('loads ingested bars back as a data set, also the way a worker thread does', async () => {
    const spec = withStoreFile('store:SYN1', services.registry.file)!;
    expect(spec).toBe(`store:SYN1,db=${services.registry.file}`);
    const data = await loadMarketData(spec);
    expect(data.timeframe).toBe('1d');
    expect(data.series.map((s) => [s.symbol, s.time.length])).toEqual([['SYN1', 260]]);
    const original = await loadMarketData(LIVE(260));
    expect(Array.from(data.series[0]!.close)).toEqual(Array.from(original.series[0]!.close));
    // Training reads the store from its worker thread.
    const trained = await services.training.train({ strategy: MOMENTUM, data: 'store:SYN1', overrides: { epochs: 2 } });
    // The lineage keeps the spec as given (the worker gets the registry file separately).
    expect(services.registry.models.get(trained.model_id).lineage.data_source).toBe('store:SYN1');
    expect(trained.data_summary).toMatchObject({ bars: 260, symbols: ['SYN1'] });
    expect(trained.data_summary.source).toBe('store:SYN1');
  }, 30_000);

  it('a changed market degrades the production model and recommends retraining; gaps are reported', async () => {
    const data = await loadMarketData(withStoreFile('store:', services.registry.file)!);
    const last = data.series[0]!;
    const n = last.time.length;
    const csv = path.join(home, 'reverting.csv');
    // Starts three weeks after the last stored bar: a gap.
    revertingCsv(csv, last.time[n - 1]! + 21 * DAY, last.close[n - 1]!, 80, 11);
    const r = await mcp.call('ingest_data', { data: `csv:${csv}` });
    expect(r.isError, text(r)).toBeFalsy();
    const out = r.structuredContent as { added: number; gaps: { from: string; to: string; spacing_days: number }[] };
    expect(out.added).toBe(80);
    expect(out.gaps).toHaveLength(1);
    expect(out.gaps[0]!.from).toBe(new Date(last.time[n - 1]!).toISOString());
    expect(out.gaps[0]!.spacing_days).toBeGreaterThanOrEqual(21);

    const m = ((await mcp.call('get_performance', { name: 'momentum_test' })).structuredContent as { models: Report[] }).models[0]!;
    expect(m.degraded_metrics).toContain('sharpe_30d');
    expect(m.degraded_metrics.length).toBeGreaterThanOrEqual(2);
    expect(m.metrics['sharpe_30d']!.value).toBeLessThan(0);
    expect(m.retraining_recommended).toBe(true);
    expect(m.degraded_since).toBe(m.window_end);
    expect(m.degraded_days).toBe(0);
    expect(m.recommendation).toMatch(/Retrain momentum_test on current data/);
    expect(services.performance.status('momentum_test')?.retraining_recommended).toBe(true);
    expect(services.performance.status('no_such_model')).toBeNull();

    // Two more weeks of the changed market: still degraded, and for longer.
    const more = path.join(home, 'reverting-2.csv');
    const end = Date.parse(m.window_end!);
    const now = (await loadMarketData(withStoreFile('store:', services.registry.file)!)).series[0]!;
    revertingCsv(more, now.time[now.time.length - 1]! + DAY, now.close[now.time.length - 1]!, 15, 12);
    const added = (await mcp.call('ingest_data', { data: `csv:${more}` })).structuredContent as { added: number; gaps: unknown[] };
    expect(added).toMatchObject({ added: 15, gaps: [] });
    const later = services.performance.status('momentum_test')!;
    expect(later.degraded_since).toBe(m.degraded_since);
    expect(later.degraded_days).toBeGreaterThan(0);
    expect(Date.parse(later.window_end!)).toBeGreaterThan(end);

    // An explicit replace overwrites conflicting bars, is recorded on the batch, and the model re-scores from there.
    const replaced = (await mcp.call('ingest_data', { data: LIVE(5, 9), on_conflict: 'replace' })).structuredContent as {
      added: number;
      replaced: number;
      notes: string[];
      monitoring: { updated: { scored: number }[] };
    };
    expect(replaced).toMatchObject({ added: 0, replaced: 5 });
    expect(replaced.notes.join()).toMatch(/5 stored bars were replaced/);
    expect(services.ingest.batches(1)[0]).toMatchObject({ on_conflict: 'replace', replaced: 5 });
    expect(replaced.monitoring.updated[0]!.scored).toBe(later.scored_bars);
  }, 30_000);
});
