import { html, type Html } from '../../report/html.js';
import { badge, num, performanceTable, when } from '../../report/model-report.js';
import type { Services } from '../../services/index.js';
import { modelHref } from './models.js';

interface DriftSummary {
  recommendation?: string;
  drifted_features?: string[];
  features?: { name: string; psi: number | null; status: string }[];
}

/** The latest drift report of every model version that has one (archived versions left out). */
export function driftPage(services: Services): Html {
  const rows = services.registry.models
    .list({ limit: 1000 })
    .filter((m) => m.stage !== 'archived')
    .map((m) => ({ m, d: services.registry.evaluations.driftReports(m.model_id, 1)[0] }))
    .filter((r) => r.d !== undefined);
  if (!rows.length)
    return html`<p class="muted">
      No drift report yet. Run <code>trainyard drift &lt;model_id&gt; --data &lt;spec&gt;</code> or the <code>check_drift</code> tool.
    </p>`;
  return html`<table>
    <thead>
      <tr>
        <th>Model</th>
        <th>Stage</th>
        <th>Result</th>
        <th>Report (UTC)</th>
        <th>Data</th>
        <th>Highest PSI</th>
        <th>Drifted features</th>
        <th>Recommendation</th>
      </tr>
    </thead>
    <tbody>
      ${rows.map(({ m, d }) => {
        const r = d!.report as DriftSummary;
        let top: { name: string; psi: number } | null = null;
        for (const f of r.features ?? []) if (f.psi !== null && (!top || f.psi > top.psi)) top = { name: f.name, psi: f.psi };
        return html`<tr>
          <td><a href="${modelHref(m.model_id)}#drift">${m.model_id}</a></td>
          <td><span class="badge stage-${m.stage}">${m.stage}</span></td>
          <td>${badge(!d!.action_required, 'no action needed', 'action required')}</td>
          <td>${when(d!.at)}</td>
          <td><code>${d!.data}</code></td>
          <td>${top ? `${top.name} ${num(top.psi, 3)}` : 'n/a'}</td>
          <td>${(r.drifted_features ?? []).join(', ') || 'none'}</td>
          <td>${r.recommendation ?? ''}</td>
        </tr>`;
      })}
    </tbody>
  </table>`;
}

/** Live performance of the production models: each rolling metric against its threshold. */
export function performancePage(services: Services): Html {
  const reports = services.performance.report();
  if (!reports.length)
    return html`<p class="muted">No production model. Live performance is measured for production versions as new bars are ingested.</p>`;
  return html`${reports.map(
    (p) =>
      html`<section>
        <h2><a href="${modelHref(p.model_id)}#performance">${p.model_id}</a></h2>
        <p>${badge(!p.retraining_recommended, 'healthy', 'retraining recommended')} ${p.recommendation}</p>
        <p class="muted">
          window ends ${when(p.window_end)} · ${p.scored_bars} bars scored, ${p.resolved_bars} resolved · evaluated ${when(p.evaluated_at)}
        </p>
        ${performanceTable(p.metrics)}
      </section>`,
  )}`;
}
