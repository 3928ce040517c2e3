import { html, type Html } from '../../report/html.js';
import { modelReportSections } from '../../report/model-report.js';
import type { Services } from '../../services/index.js';

/**
 * One model version: the same sections as `trainyard report` (card with lineage, gate checks with
 * reasons and p-values, training curves, backtest against buy-and-hold, drift, live performance,
 * research program), charts inline as SVG.
 */
export async function modelCardPage(services: Services, modelId: string): Promise<Html> {
  const data = await services.reports.modelReportData(modelId);
  return html`<p class="muted">
      <a href="/">All models</a> · trainyard ${data.code_version} · read ${data.generated_at.slice(0, 19).replace('T', ' ')} UTC
    </p>
    ${modelReportSections(data)}`;
}
