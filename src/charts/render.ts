import path from 'node:path';
import type { compile as Compile } from 'vega-lite';
import { packageRoot } from '../config/paths.js';
import { DomainError } from '../domain/errors.js';
import type { ChartSpec, RenderedChart, RenderOptions } from './types.js';

/**
 * Rows a chart may carry. Every spec builder downsamples to far fewer (a 1M-bar equity curve
 * becomes ~1,500 points); this bounds the main-thread time of the Vega scenegraph (~100 ms) if a
 * builder ever forgets.
 */
export const MAX_CHART_ROWS = 20_000;

// vega-util's log levels: 0 none, 1 error, 2 warn. Warnings (a sort Vega-Lite simplified) would go
// to stderr on every render; a spec that cannot render throws either way.
const VEGA_ERROR = 1;
type VlLogger = NonNullable<NonNullable<Parameters<typeof Compile>[1]>['logger']>;

// Vega, Vega-Lite and resvg load on the first chart (about 230 ms), not with every CLI command or
// server start; Node's module cache makes later imports free.
const libraries = async () => {
  const [vega, vegaLite, resvg] = await Promise.all([import('vega'), import('vega-lite'), import('@resvg/resvg-js')]);
  // vega re-exports vega-util's logger at runtime; its typings leave it out.
  const quietLogger = (): VlLogger => (vega as unknown as { logger: (level: number) => VlLogger }).logger(VEGA_ERROR);
  return { vega, compile: vegaLite.compile, renderAsync: resvg.renderAsync, quietLogger };
};

/** The fonts bundled under assets/fonts: a clean machine with no system fonts still renders text in PNGs. */
export function fontFiles(root = packageRoot()): string[] {
  return ['DejaVuSans-subset.ttf', 'DejaVuSans-Bold-subset.ttf'].map((f) => path.join(root, 'assets', 'fonts', f));
}

function rowsOf(spec: unknown): number {
  let n = 0;
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (!node || typeof node !== 'object') return;
    for (const [k, v] of Object.entries(node)) {
      if (k === 'values' && Array.isArray(v)) n += v.length;
      else if (k === 'datasets' && v && typeof v === 'object') for (const d of Object.values(v)) n += Array.isArray(d) ? d.length : 0;
      else visit(v);
    }
  };
  visit(spec);
  return n;
}

/** The chart as SVG text: Vega-Lite compiled to Vega, rendered headless (no browser, no canvas). */
export async function chartSvg(chart: ChartSpec): Promise<{ svg: string; width: number; height: number }> {
  const rows = rowsOf(chart.spec);
  if (rows > MAX_CHART_ROWS)
    throw new DomainError(
      'INVALID_ARGUMENT',
      `Chart ${chart.name} carries ${rows} data rows (at most ${MAX_CHART_ROWS}); downsample it first.`,
    );
  const { vega, compile, quietLogger } = await libraries();
  const view = new vega.View(vega.parse(compile(chart.spec, { logger: quietLogger() }).spec), { renderer: 'none', logLevel: VEGA_ERROR });
  try {
    const svg = await view.toSVG();
    const m = /<svg[^>]*\swidth="([\d.]+)"[^>]*\sheight="([\d.]+)"/.exec(svg);
    return { svg, width: Number(m?.[1] ?? 0), height: Number(m?.[2] ?? 0) };
  } finally {
    view.finalize();
  }
}

/** PNG bytes of an SVG, rasterised by resvg on the libuv pool with the bundled fonts only (no system font scan). */
export async function svgToPng(svg: string, scale = 1): Promise<{ png: Buffer; width: number; height: number }> {
  const { renderAsync } = await libraries();
  const image = await renderAsync(svg, {
    fitTo: { mode: 'zoom', value: scale },
    background: 'white',
    font: {
      loadSystemFonts: false,
      fontFiles: fontFiles(),
      defaultFontFamily: 'DejaVu Sans',
      sansSerifFamily: 'DejaVu Sans',
    },
    logLevel: 'off',
  });
  return { png: image.asPng(), width: image.width, height: image.height };
}

/** Renders a chart to SVG (default) or PNG. */
export async function renderSpec(chart: ChartSpec, opts: RenderOptions = {}): Promise<RenderedChart> {
  const format = opts.format ?? 'svg';
  const { svg, width, height } = await chartSvg(chart);
  const base = { name: chart.name, title: chart.title, alt: chart.alt, format };
  if (format === 'svg') return { ...base, svg, width, height };
  const png = await svgToPng(svg, opts.scale ?? 1);
  return { ...base, png: png.png, width: png.width, height: png.height };
}
