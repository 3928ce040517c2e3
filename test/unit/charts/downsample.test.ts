import { describe, expect, it } from 'vitest';
import { chartSpec, extremaIndices, renderChart } from '../../../src/charts/index.js';
import { drawdowns } from '../../../src/charts/specs/equity.js';
import { equitySeries } from '../../helpers/chart-data.js';

describe('downsampling', () => {
  it('keeps every point of a short series', () => {
    expect(Array.from(extremaIndices([[3, 1, 2]], 3, 100))).toEqual([0, 1, 2]);
  });

  it('keeps the first, last, minimum and maximum of every series within the budget', () => {
    const n = 100_000;
    const a = new Float64Array(n).map((_, i) => Math.sin(i / 50));
    const b = new Float64Array(n).map((_, i) => Math.cos(i / 70));
    a[77_777] = -5;
    b[12_345] = 9;
    const idx = extremaIndices([a, b], n, 1200);
    expect(idx.length).toBeLessThanOrEqual(1200);
    const kept = new Set(idx);
    for (const i of [0, n - 1, 77_777, 12_345]) expect(kept.has(i)).toBe(true);
    for (let i = 1; i < idx.length; i++) expect(idx[i]!).toBeGreaterThan(idx[i - 1]!);
  });

  it('a 1M-bar equity curve charts in about a thousand points and its deepest drawdown survives', async () => {
    const { time, strategy, buy_and_hold } = equitySeries(1_000_000, 3);
    const dd = drawdowns(strategy);
    let worst = 0;
    for (let i = 1; i < dd.length; i++) if (dd[i]! < dd[worst]!) worst = i;
    const spec = chartSpec('drawdown', { model_id: 'big@1', source: 'synthetic', time, strategy, buy_and_hold });
    const json = JSON.stringify(spec.spec);
    // The worst bar is one of the drawn points, with its exact value.
    expect(json).toContain(`"t":"${time[worst]}","series":"strategy","value":${dd[worst]}`);
    expect(spec.alt).toContain(`max drawdown ${(dd[worst]! * 100).toFixed(1)}%`);
    const rows = (JSON.parse(json) as { layer: { data: { values: unknown[] } }[] }).layer[0]!.data.values.length;
    expect(rows).toBeLessThanOrEqual(2 * 1200);
    const t0 = performance.now();
    const chart = await renderChart('equity', { model_id: 'big@1', source: 'synthetic', time, strategy, buy_and_hold }, { format: 'svg' });
    expect(chart.svg).toContain('<svg');
    // Generous: two shared cores; measured about 0.5 s.
    expect(performance.now() - t0).toBeLessThan(5000);
  });
});
