import { stageSchema, type ModelVersion } from '../../domain/model-version.js';
import { html, type Html } from '../../report/html.js';
import { pct, when } from '../../report/model-report.js';
import type { Services } from '../../services/index.js';

export const modelHref = (id: string) => `/models/${encodeURIComponent(id)}`;

/** Registered models grouped by name, newest version first; `?stage=` narrows to one stage. */
export function modelsPage(services: Services, query: URLSearchParams): Html {
  const stage = stageSchema.safeParse(query.get('stage') ?? undefined);
  const models = services.registry.models.list({ stage: stage.success ? stage.data : undefined, limit: 1000 });
  const byName = new Map<string, ModelVersion[]>();
  for (const m of models) byName.set(m.name, (byName.get(m.name) ?? []).concat(m));
  const stages = stageSchema.options;
  return html`<p class="filters">
      Stage:
      <a href="/" ${stage.success ? '' : html`aria-current="true"`}>all</a>
      ${stages.map((s) => html`<a href="/?stage=${s}" ${stage.success && stage.data === s ? html`aria-current="true"` : ''}>${s}</a>`)}
    </p>
    ${
      byName.size === 0
        ? html`<p class="muted">
            No models${stage.success ? html` in ${stage.data}` : ''} yet. Train one: <code>trainyard train &lt;strategy&gt;</code> or the
            <code>start_training</code> tool.
          </p>`
        : [...byName].map(
            ([name, versions]) =>
              html`<section class="model-name">
                <h2>${name}</h2>
                <table>
                  <thead>
                    <tr>
                      <th>Version</th>
                      <th>Stage</th>
                      <th>Created</th>
                      <th>By</th>
                      <th>Test accuracy</th>
                      <th>Data</th>
                    </tr>
                  </thead>
                  <tbody>
                    ${versions.map(
                      (m) =>
                        html`<tr>
                          <td><a href="${modelHref(m.model_id)}">${m.model_id}</a></td>
                          <td><span class="badge stage-${m.stage}">${m.stage}</span></td>
                          <td>${when(m.created_at)}</td>
                          <td>${m.created_by}</td>
                          <td class="num">${pct(m.metrics.test['accuracy'])}</td>
                          <td><code>${m.lineage.data_source}</code></td>
                        </tr>`,
                    )}
                  </tbody>
                </table>
              </section>`,
          )
    }`;
}
