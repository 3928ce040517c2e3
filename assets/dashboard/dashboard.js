// trainyard dashboard: the only script. It follows /events (server-sent events) on the operations
// page and writes what arrives into the table with textContent: no markup from the server's data.
'use strict';

const FIELDS = ['id', 'type', 'subject', 'status', 'phase', 'progress', 'pct', 'detail', 'message', 'model', 'created'];

function cell(row, field) {
  return row.querySelector(`[data-field="${field}"]`);
}

function newRow(id) {
  const row = document.createElement('tr');
  row.dataset.op = id;
  for (const field of FIELDS) {
    if (field === 'pct') continue;
    const td = document.createElement('td');
    if (field === 'status') {
      const badge = document.createElement('span');
      badge.className = 'badge';
      badge.dataset.field = 'status';
      td.append(badge);
    } else if (field === 'progress') {
      const bar = document.createElement('progress');
      bar.max = 100;
      bar.value = 0;
      bar.dataset.field = 'progress';
      const pct = document.createElement('span');
      pct.dataset.field = 'pct';
      td.append(bar, ' ', pct);
    } else if (field === 'id') {
      const code = document.createElement('code');
      code.textContent = id;
      td.dataset.field = 'id';
      td.append(code);
    } else td.dataset.field = field;
    row.append(td);
  }
  return row;
}

function update(tbody, view) {
  let row = tbody.querySelector(`tr[data-op="${CSS.escape(view.id)}"]`);
  if (!row) {
    row = newRow(view.id);
    tbody.prepend(row);
    document.querySelector('[data-empty]')?.remove();
  }
  const text = (field, value) => {
    const el = cell(row, field);
    if (el && value !== undefined) el.textContent = value ?? '';
  };
  text('type', view.type);
  text('subject', view.subject);
  text('phase', view.phase);
  text('detail', view.detail);
  text('message', view.message);
  if (view.created_at) text('created', view.created_at.slice(0, 19).replace('T', ' '));
  if (view.status) {
    const badge = cell(row, 'status');
    badge.textContent = view.status;
    badge.className = `badge status-${view.status}`;
  }
  if (typeof view.progress_pct === 'number') {
    cell(row, 'progress').value = view.progress_pct;
    text('pct', `${view.progress_pct}%`);
  }
  if (view.model_id) {
    const td = cell(row, 'model');
    const a = document.createElement('a');
    a.href = `/models/${encodeURIComponent(view.model_id)}`;
    a.textContent = view.model_id;
    td.replaceChildren(a);
  }
  row.dataset.status = view.status ?? row.dataset.status ?? '';
}

function follow(table) {
  const tbody = table.tBodies[0];
  const state = document.querySelector('[data-live-state]');
  const events = new EventSource('/events');
  events.addEventListener('open', () => {
    state.textContent = 'live';
    state.dataset.state = 'live';
  });
  events.addEventListener('error', () => {
    state.textContent = 'reconnecting…';
    state.dataset.state = 'reconnecting';
  });
  for (const type of ['status', 'progress']) events.addEventListener(type, (e) => update(tbody, JSON.parse(e.data)));
  window.addEventListener('pagehide', () => events.close());
}

const table = document.querySelector('[data-live-operations]');
if (table) follow(table);
