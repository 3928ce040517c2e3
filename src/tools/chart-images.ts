import { isDomainError } from '../domain/errors.js';
import type { Services } from '../services/index.js';
import type { ChartRef } from './define-tool.js';

/** At most this many images in one result: each is ~40-80 KB of base64 in the client's context. */
export const MAX_CHART_IMAGES = 4;

/** A chart as the structured result lists it (a client that shows no images can read the resource). */
export interface ListedChart {
  name: string;
  title: string;
  alt: string;
  /** The chart as an MCP resource (PNG), when it is a model version's. */
  resource: string | null;
}

export interface ChartImages {
  images: { type: 'image'; data: string; mimeType: 'image/png' }[];
  charts: ListedChart[];
  /** Charts asked for that this model does not have yet, and why (CHART_NOT_AVAILABLE's message). */
  missing: string[];
}

export const chartResource = (modelId: string, name: string) => `trainyard://models/${modelId}/charts/${name}.png`;

/**
 * Renders a result's charts to PNG (services.charts: Vega-Lite -> Vega -> SVG -> resvg), at most
 * MAX_CHART_IMAGES. A chart the model does not have yet (no backtest, no drift report) is skipped
 * and said in `missing`; any other failure throws, as the tool call would.
 */
export async function chartImages(services: Services, refs: readonly ChartRef[]): Promise<ChartImages> {
  const out: ChartImages = { images: [], charts: [], missing: [] };
  for (const ref of refs) {
    if (out.images.length >= MAX_CHART_IMAGES) break;
    try {
      const r =
        'program' in ref
          ? await services.charts.renderResearch(ref.program, { format: 'png' })
          : 'tuning' in ref
            ? await services.charts.renderTuning(ref.tuning, { format: 'png' })
            : await services.charts.render(ref.model_id, ref.name, { format: 'png' });
      out.images.push({ type: 'image', data: r.png!.toString('base64'), mimeType: 'image/png' });
      out.charts.push({
        name: r.name,
        title: r.title,
        alt: r.alt,
        resource: 'model_id' in ref ? chartResource(ref.model_id, ref.name) : null,
      });
    } catch (err) {
      if (isDomainError(err) && err.code === 'CHART_NOT_AVAILABLE') out.missing.push(err.message);
      else throw err;
    }
  }
  return out;
}
