import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectClient, text } from '../helpers/mcp.js';
import { MOMENTUM, tempServices } from '../helpers/services.js';

const MODEL = 'momentum_test@1';
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
type Image = { type: 'image'; data: string; mimeType: string };
const images = (r: { content: { type: string }[] }) => r.content.filter((c): c is Image => c.type === 'image');
const isPng = (b64: string) => Buffer.from(b64, 'base64').subarray(0, 8).equals(PNG);

describe('charts over MCP: image content on request, and a resource per chart', () => {
  const { services } = tempServices();
  let mcp: Awaited<ReturnType<typeof connectClient>>;
  beforeAll(async () => {
    await services.training.train(
      { strategy: MOMENTUM, data: 'synthetic:seed=1,bars=1500,signal=0.3', overrides: { epochs: 2 } },
      { actor: 'test' },
    );
    mcp = await connectClient(services);
  }, 120_000);
  afterAll(async () => {
    await mcp.close();
    await services.close();
  });

  it('get_model returns the model card with charts: true, and only text without', async () => {
    const plain = await mcp.call('get_model', { model_id: MODEL });
    expect(images(plain)).toEqual([]);
    expect(plain.structuredContent).not.toHaveProperty('charts');

    const r = await mcp.call('get_model', { model_id: MODEL, charts: true });
    expect(r.isError, text(r)).toBeFalsy();
    const shown = images(r);
    expect(shown.length).toBe(4);
    expect(shown.every((i) => i.mimeType === 'image/png' && isPng(i.data))).toBe(true);
    const listed = r.structuredContent!['charts'] as { name: string; alt: string; resource: string }[];
    expect(listed.map((c) => c.name)).toEqual(['training_curves', 'equity', 'confusion_matrix', 'feature_importance']);
    expect(listed[0]!.resource).toBe(`trainyard://models/${MODEL}/charts/training_curves.png`);
    expect(listed.every((c) => c.alt.length > 20)).toBe(true);
    expect(text(r)).toMatch(/\nChart equity: /);
  });

  it('each chart is a PNG resource; an unknown or not-yet-available one says why', async () => {
    const res = await mcp.client.readResource({ uri: `trainyard://models/${MODEL}/charts/equity.png` });
    const c = res.contents[0] as { mimeType: string; blob: string };
    expect(c.mimeType).toBe('image/png');
    expect(isPng(c.blob)).toBe(true);
    await expect(mcp.client.readResource({ uri: `trainyard://models/${MODEL}/charts/drift.png` })).rejects.toThrow(
      /has no drift chart yet \(run check_drift first\)/,
    );
    await expect(mcp.client.readResource({ uri: `trainyard://models/${MODEL}/charts/passwd.png` })).rejects.toThrow(/No chart "passwd"/);
  });

  it('check_drift and run_backtest return their charts; a chart the model lacks is named, not failed', async () => {
    const drift = await mcp.call('check_drift', { model_id: MODEL, data: 'synthetic:seed=2,bars=1500,signal=0.3', charts: true });
    expect(drift.isError, text(drift)).toBeFalsy();
    expect(images(drift).length).toBeGreaterThanOrEqual(1);
    expect((drift.structuredContent!['charts'] as { name: string }[])[0]!.name).toBe('drift');

    const bt = await mcp.call('run_backtest', { model_id: MODEL, wait_seconds: 120, charts: true }, { timeout: 120_000 });
    expect(bt.isError, text(bt)).toBeFalsy();
    expect(bt.structuredContent!['status']).toBe('completed');
    expect((bt.structuredContent!['charts'] as { name: string }[]).map((c) => c.name)).toEqual(['equity']);

    // No live performance yet: the tool answers, and says which chart it could not draw.
    const perf = await mcp.call('get_performance', { model_id: MODEL, charts: true });
    expect(perf.isError, text(perf)).toBeFalsy();
    expect(images(perf)).toEqual([]);
    expect(perf.structuredContent!['charts_missing']).toEqual([expect.stringMatching(/has no performance chart yet/)]);
  }, 180_000);

  it('get_tuning_status returns the study chart with charts: true; a run that is not a tuning run is named', async () => {
    const run = services.tuning.start(
      {
        strategy: MOMENTUM,
        data: 'synthetic:seed=1,bars=1500,signal=0.3',
        search: { 'training.learning_rate': { low: 1e-3, high: 3e-2, log: true } },
        trials: 3,
        overrides: { epochs: 2 },
        pruner: 'none',
        retrain: false,
      },
      'test',
    );
    const done = await services.tuning.waitFor(run.id);
    expect(done.status, done.message ?? '').toBe('completed');

    const r = await mcp.call('get_tuning_status', { run_id: run.id, charts: true });
    expect(r.isError, text(r)).toBeFalsy();
    const shown = images(r);
    expect(shown).toHaveLength(1);
    expect(isPng(shown[0]!.data)).toBe(true);
    const listed = r.structuredContent!['charts'] as { name: string; alt: string; resource: string | null }[];
    expect(listed).toEqual([{ name: 'tuning', title: expect.stringContaining('momentum_test'), alt: expect.any(String), resource: null }]);
    expect(listed[0]!.alt).toMatch(/3 trials: 3 complete, 0 pruned \(0% of ended\), 0 failed; best validation loss \d\.\d{4} \(trial \d\)/);
    expect(images(await mcp.call('get_tuning_status', { run_id: run.id }))).toEqual([]);

    const training = services.registry.operations.list({ type: 'training', limit: 1 })[0]!.id;
    await expect(services.charts.renderTuning(training)).rejects.toThrow(`Operation ${training} is a training operation, not a tuning run`);
  }, 180_000);
});
