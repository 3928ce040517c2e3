import fs from 'node:fs';
import path from 'node:path';
import { RESOURCE_MIME_TYPE, RESOURCE_URI_META_KEY, getUiCapability, registerAppResource } from '@modelcontextprotocol/ext-apps/server';
import type { ClientCapabilities, McpServer } from '@modelcontextprotocol/server';
import type { Logger } from 'pino';
import { packageRoot } from '../../config/paths.js';
import type { Services } from '../../services/index.js';
import type { ModelChartName } from '../../services/charts.js';

/** The MCP Apps view of a model: card, training curves, equity (src/server/apps/view/, built by scripts/build-views.ts). */
export const MODEL_CARD_URI = 'ui://trainyard/model-card.html';

/** Where the built view lies: dist/ beside the compiled server, found the same way from src/ (tests) and dist/. */
export const MODEL_CARD_HTML = () => path.join(packageRoot(), 'dist', 'views', 'model-card.html');

/** The charts the view draws, in this order, when the model has them. */
const VIEW_CHARTS: ModelChartName[] = ['training_curves', 'equity', 'drawdown', 'confusion_matrix', 'feature_importance'];

/** The key of the tool result's `_meta` that carries the view's charts (never shown to the model). */
export const VIEW_META_KEY = 'trainyard/view';

export interface ViewChart {
  name: string;
  title: string;
  alt: string;
  svg: string;
}

/** What the view reads from a result's `_meta`: the model and its rendered charts, or why there are none. */
export interface ViewData {
  model_id: string | null;
  charts: ViewChart[];
  note?: string;
}

/** The `_meta` a tool with a view lists: the view's URI, also under the older flat key that earlier hosts read. */
export function viewToolMeta(uri: string): Record<string, unknown> {
  return { ui: { resourceUri: uri }, [RESOURCE_URI_META_KEY]: uri };
}

/** Whether the client said it renders MCP Apps (the io.modelcontextprotocol/ui extension with the HTML profile). */
export function rendersApps(capabilities: ClientCapabilities | undefined): boolean {
  const ui = getUiCapability(capabilities);
  return Boolean(ui && (!ui.mimeTypes || ui.mimeTypes.includes(RESOURCE_MIME_TYPE)));
}

/**
 * The charts the view draws for a model, as SVG text rendered on the server (the view has no
 * network and no Vega). Only clients that render MCP Apps ask for this; a chart that fails to
 * render is left out with the reason in `note`, never failing the tool call.
 */
export async function viewData(services: Services, modelId: string | null | undefined, logger: Logger): Promise<ViewData> {
  if (!modelId) return { model_id: null, charts: [], note: 'no model yet' };
  const charts: ViewChart[] = [];
  const missing: string[] = [];
  try {
    const have = new Set(services.charts.list(modelId).map((c) => c.name));
    for (const name of VIEW_CHARTS) {
      if (!have.has(name)) continue;
      try {
        const r = await services.charts.render(modelId, name, { format: 'svg' });
        charts.push({ name, title: r.title, alt: r.alt, svg: r.svg ?? '' });
      } catch (err) {
        logger.warn({ err, modelId, chart: name }, 'view chart not rendered');
        missing.push(name);
      }
    }
  } catch (err) {
    logger.warn({ err, modelId }, 'view charts not listed');
    return { model_id: modelId, charts, note: `charts unavailable: ${(err as Error)?.message ?? 'unknown error'}` };
  }
  return missing.length ? { model_id: modelId, charts, note: `not rendered: ${missing.join(', ')}` } : { model_id: modelId, charts };
}

/** Registers the view's HTML; the file is read on the first resources/read, not at server start. */
export function registerModelCardView(server: McpServer): void {
  registerAppResource(
    server,
    'model-card-view',
    MODEL_CARD_URI,
    {
      title: 'Model card view (MCP Apps)',
      description: 'Interactive model card, training curves and equity chart for hosts that render MCP Apps',
    },
    (uri) => {
      let html: string;
      try {
        html = fs.readFileSync(MODEL_CARD_HTML(), 'utf8');
      } catch {
        throw new Error(`The model card view is not built (${MODEL_CARD_HTML()}): run npm run build.`);
      }
      return { contents: [{ uri: uri.href, mimeType: RESOURCE_MIME_TYPE, text: html, _meta: { ui: { prefersBorder: true } } }] };
    },
  );
}
