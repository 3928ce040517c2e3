import { html, type Html } from '../../report/html.js';
import { when } from '../../report/model-report.js';
import type { Services } from '../../services/index.js';
import { operationView, type OperationView } from '../operation-view.js';
import { modelHref } from './models.js';

/** A row with one cell per field; /assets/dashboard.js fills the same cells from the events feed. */
export function operationRow(v: OperationView): Html {
  return html`<tr data-op="${v.id}">
    <td data-field="id"><code>${v.id}</code></td>
    <td data-field="type">${v.type}</td>
    <td data-field="subject">${v.subject}</td>
    <td><span data-field="status" class="badge status-${v.status ?? ''}">${v.status}</span></td>
    <td data-field="phase">${v.phase}</td>
    <td>
      <progress data-field="progress" max="100" value="${v.progress_pct}">${v.progress_pct}%</progress>
      <span data-field="pct">${v.progress_pct}%</span>
    </td>
    <td data-field="detail">${v.detail}</td>
    <td data-field="message">${v.message}</td>
    <td data-field="model">${v.model_id ? html`<a href="${modelHref(v.model_id)}">${v.model_id}</a>` : ''}</td>
    <td data-field="created">${when(v.created_at)}</td>
  </tr>`;
}

/** The newest operations; rows update live (server-sent events from /events). */
export function operationsPage(services: Services): Html {
  const ops = services.registry.operations.list({ limit: 100 });
  const jobs = services.jobs.stats();
  return html`<p>
      <span class="live" data-live-state>connecting…</span>
      <span class="muted">at page load: ${jobs.running.length} running, ${jobs.queued.length} queued</span>
    </p>
    <table class="operations" data-live-operations>
      <thead>
        <tr>
          <th>Operation</th>
          <th>Type</th>
          <th>Subject</th>
          <th>Status</th>
          <th>Phase</th>
          <th>Progress</th>
          <th>Detail</th>
          <th>Message</th>
          <th>Model</th>
          <th>Created (UTC)</th>
        </tr>
      </thead>
      <tbody>
        ${ops.map((op) => operationRow(operationView(op)))}
      </tbody>
    </table>
    ${ops.length ? '' : html`<p class="muted" data-empty>No operations yet. They appear here as soon as one starts.</p>`}`;
}
