// Chart rendering: every chart kind from small realistic data (test/helpers/chart-data.ts) to SVG
// and to PNG (scale 1; the PNG time includes its SVG), median of 5 after one warm-up; then a
// 1M-bar equity curve: downsampling + spec, SVG, PNG. Target: each chart <= 500 ms, 1M bars <= 1 s.
import { chartKinds, chartSpec, renderChart, renderSpec } from '../src/charts/index.js';
import { equitySeries, sampleData } from '../test/helpers/chart-data.js';
import { emit, median } from './_shared.js';

const ROUNDS = 5;

async function timed(fn: () => Promise<unknown> | unknown): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

const data = sampleData();
for (const kind of chartKinds) {
  const d = data[kind] as never;
  await renderChart(kind, d, { format: 'png' });
  const svg: number[] = [];
  const png: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    svg.push(await timed(() => renderChart(kind, d, { format: 'svg' })));
    png.push(await timed(() => renderChart(kind, d, { format: 'png' })));
  }
  emit({ bench: 'charts', chart: kind, svg_ms: +median(svg).toFixed(1), png_ms: +median(png).toFixed(1) });
}

const BARS = Number(process.env['BARS'] ?? 1_000_000);
const big = { model_id: 'big@1', source: 'synthetic', ...equitySeries(BARS, 3) };
const spec: number[] = [];
const svg: number[] = [];
const png: number[] = [];
for (let i = 0; i < 3; i++) {
  let s = chartSpec('equity', big);
  spec.push(await timed(() => (s = chartSpec('equity', big))));
  svg.push(await timed(() => renderSpec(s, { format: 'svg' })));
  png.push(await timed(() => renderSpec(s, { format: 'png' })));
}
emit({
  bench: 'charts',
  chart: 'equity',
  bars: BARS,
  downsample_and_spec_ms: +median(spec).toFixed(1),
  svg_ms: +median(svg).toFixed(1),
  png_ms: +median(png).toFixed(1),
});
