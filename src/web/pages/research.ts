import { cycleSummary } from '../../agents/summary.js';
import { html, type Html } from '../../report/html.js';
import { badge, num, when } from '../../report/model-report.js';
import type { Services } from '../../services/index.js';
import { modelHref } from './models.js';

/** The research journal (list_experiments' data): runs, then every cycle newest first; `?program=` narrows. */
export function researchPage(services: Services, query: URLSearchParams): Html {
  const program = query.get('program') ?? undefined;
  const runs = services.registry.operations.list({ type: 'research', limit: 20 });
  const cycles = services.registry.research.list({ program, limit: 200 });
  return html`<section>
      <h2>Research runs</h2>
      ${
        runs.length
          ? html`<table>
              <thead>
                <tr>
                  <th>Run</th>
                  <th>Status</th>
                  <th>Progress</th>
                  <th>Message</th>
                  <th>Started (UTC)</th>
                </tr>
              </thead>
              <tbody>
                ${runs.map(
                  (r) =>
                    html`<tr>
                      <td><code>${r.id}</code></td>
                      <td><span class="badge status-${r.status}">${r.status}</span></td>
                      <td class="num">${Math.round(r.progress_pct)}%</td>
                      <td>${r.error?.message ?? r.message}</td>
                      <td>${when(r.started_at ?? r.created_at)}</td>
                    </tr>`,
                )}
              </tbody>
            </table>`
          : html`<p class="muted">No research run yet: <code>trainyard research</code> or the <code>start_research</code> tool.</p>`
      }
    </section>
    <section>
      <h2>Journal${program ? html` of ${program} · <a href="/research">all programs</a>` : ''}</h2>
      ${
        cycles.length
          ? html`<table class="journal">
              <thead>
                <tr>
                  <th>Cycle</th>
                  <th>Strategy</th>
                  <th>Hypothesis</th>
                  <th>Reached</th>
                  <th>Gates</th>
                  <th>OOS Sharpe</th>
                  <th>Deflated Sharpe</th>
                  <th>Verdict</th>
                  <th>Model</th>
                </tr>
              </thead>
              <tbody>
                ${cycles.map((c) => {
                  const s = cycleSummary(c);
                  return html`<tr>
                    <td><a href="/research?program=${encodeURIComponent(c.program)}">${c.program}</a> #${s.cycle_index}</td>
                    <td>${s.strategy_name}</td>
                    <td>${s.hypothesis}</td>
                    <td>${s.phase_reached}${s.error ? html`<br /><span class="muted">${s.error}</span>` : ''}</td>
                    <td>
                      ${s.gates.map(
                        (g) =>
                          html`<div>
                            ${g.gate}
                            ${badge(g.passed)}${
                              g.failing.length
                                ? html`<ul>
                                    ${g.failing.map((f) => html`<li>${f}</li>`)}
                                  </ul>`
                                : ''
                            }
                          </div>`,
                      )}
                    </td>
                    <td class="num">${num(s.backtest?.sharpe)}</td>
                    <td class="num">${num(s.deflated_sharpe, 3)}</td>
                    <td>${s.verdict}${s.rationale ? html`<br /><span class="muted">${s.rationale}</span>` : ''}</td>
                    <td>${s.model_id ? html`<a href="${modelHref(s.model_id)}">${s.model_id}</a>` : ''}</td>
                  </tr>`;
                })}
              </tbody>
            </table>`
          : html`<p class="muted">The journal is empty.</p>`
      }
    </section>`;
}
