/**
 * The model card view (MCP Apps): runs in the host's sandboxed iframe, receives the tool result
 * over postMessage through the ext-apps `App` client, and draws the card, the gates and the
 * server-rendered charts with tabs and hover read-outs. Browser code: bundled with the App
 * client into one HTML file by scripts/build-views.ts; no network.
 */
import { App, applyDocumentTheme, type McpUiHostContext } from '@modelcontextprotocol/ext-apps';
import { clear, el, safeSvg } from './dom.js';

interface ViewChart {
  name: string;
  title: string;
  alt: string;
  svg: string;
}
interface ViewData {
  model_id: string | null;
  charts: ViewChart[];
  note?: string;
}
interface Gate {
  gate: string;
  passed: boolean;
  checks?: { name?: string; passed?: boolean; reason?: string }[];
}
type Card = Record<string, unknown>;

const VIEW_META_KEY = 'trainyard/view';
const root = document.getElementById('app')!;
const tooltip = document.getElementById('tooltip')!;

const text = (v: unknown): string => (typeof v === 'number' ? (Number.isInteger(v) ? String(v) : v.toFixed(4)) : String(v));

/** Numbers of a metrics object one level deep ("test.accuracy"), at most `limit`, for the figures table. */
function figures(metrics: unknown, limit = 18): [string, number][] {
  const out: [string, number][] = [];
  const visit = (prefix: string, v: unknown, depth: number) => {
    if (out.length >= limit) return;
    if (typeof v === 'number' && Number.isFinite(v)) out.push([prefix, v]);
    else if (v && typeof v === 'object' && !Array.isArray(v) && depth < 2)
      for (const [k, w] of Object.entries(v)) visit(prefix ? `${prefix}.${k}` : k, w, depth + 1);
  };
  visit('', metrics, 0);
  return out;
}

function header(card: Card, data: ViewData | undefined): HTMLElement {
  const id = String(card['model_id'] ?? data?.model_id ?? card['operation_id'] ?? 'trainyard');
  const h = el('header', {}, [el('h1', { id: 'model-id' }, [id])]);
  if (card['stage']) h.append(el('span', { class: `badge stage-${String(card['stage'])}` }, [String(card['stage'])]));
  if (card['operation_id'] && !card['status']) h.append(el('span', { class: 'muted' }, [`trained by ${String(card['operation_id'])}`]));
  if (card['operation_id'] && card['status']) {
    const pct = typeof card['progress_pct'] === 'number' ? ` ${card['progress_pct']}%` : '';
    h.append(el('span', { class: `badge status-${String(card['status'])}` }, [`${String(card['status'])}${pct}`]));
    h.append(el('span', { class: 'muted' }, [`operation ${String(card['operation_id'])}`]));
  }
  return h;
}

function gatesSection(gates: Gate[]): HTMLElement {
  const list = el('ul', { class: 'gates' });
  for (const g of gates) {
    const checks = el(
      'ul',
      {},
      (g.checks ?? []).map((c) => el('li', { class: c.passed ? 'pass' : 'fail' }, [c.reason ?? c.name ?? ''])),
    );
    list.append(
      el('li', {}, [
        el('details', {}, [
          el('summary', { class: g.passed ? 'pass' : 'fail' }, [`${g.gate} gate ${g.passed ? 'passed' : 'failed'}`]),
          checks,
        ]),
      ]),
    );
  }
  return el('section', {}, [el('h2', {}, ['Gates']), gates.length ? list : el('p', { class: 'muted' }, ['No gate stored yet.'])]);
}

function figuresSection(title: string, values: [string, number][]): HTMLElement {
  const rows = values.map(([k, v]) => el('tr', {}, [el('th', {}, [k]), el('td', {}, [text(v)])]));
  return el('section', {}, [el('h2', {}, [title]), el('table', { class: 'figures' }, rows)]);
}

function lineageSection(lineage: unknown): HTMLElement | null {
  if (!lineage || typeof lineage !== 'object') return null;
  const rows = Object.entries(lineage as Record<string, unknown>)
    .filter(([, v]) => v !== null && typeof v !== 'object')
    .map(([k, v]) => el('tr', {}, [el('th', {}, [k]), el('td', {}, [text(v)])]));
  return el('section', {}, [el('details', {}, [el('summary', {}, ['Lineage']), el('table', { class: 'figures' }, rows)])]);
}

/** Shows the read-out of the chart mark under the pointer (Vega writes one aria-label per mark). */
function hoverReadout(figure: HTMLElement): void {
  figure.addEventListener('mousemove', (e) => {
    const target = (e.target as Element | null)?.closest('[aria-label]');
    const label = target?.getAttribute('aria-label');
    if (!label || target?.tagName.toLowerCase() === 'svg') {
      tooltip.hidden = true;
      return;
    }
    tooltip.textContent = label;
    tooltip.hidden = false;
    tooltip.style.left = `${Math.min(e.clientX + 12, window.innerWidth - tooltip.offsetWidth - 4)}px`;
    tooltip.style.top = `${e.clientY + 12}px`;
    target?.classList.add('hovered');
    target?.addEventListener('mouseleave', () => target.classList.remove('hovered'), { once: true });
  });
  figure.addEventListener('mouseleave', () => {
    tooltip.hidden = true;
  });
}

function chartsSection(data: ViewData | undefined): HTMLElement {
  const section = el('section', { id: 'charts' }, [el('h2', {}, ['Charts'])]);
  const charts = data?.charts ?? [];
  if (!charts.length) {
    section.append(el('p', { class: 'muted' }, [data?.note ?? 'No charts in this result (the host did not declare MCP Apps support).']));
    return section;
  }
  const tabs = el('div', { class: 'tabs', role: 'tablist' });
  const figures = charts.map((c, i) => {
    const fig = el('figure', { id: `chart-${c.name}`, 'data-chart': c.name, role: 'tabpanel' }, [
      safeSvg(c.svg, c.alt),
      el('figcaption', {}, [c.alt]),
    ]);
    fig.hidden = i > 1; // the first two (training curves, equity) open; the rest one click away
    hoverReadout(fig);
    return fig;
  });
  charts.forEach((c, i) => {
    const button = el('button', { type: 'button', role: 'tab', 'aria-pressed': String(!figures[i]!.hidden), 'data-chart': c.name }, [
      c.title,
    ]);
    button.addEventListener('click', () => {
      const fig = figures[i]!;
      fig.hidden = !fig.hidden;
      button.setAttribute('aria-pressed', String(!fig.hidden));
    });
    tabs.append(button);
  });
  section.append(tabs);
  for (const f of figures) section.append(f);
  if (data?.note) section.append(el('p', { class: 'muted' }, [data.note]));
  return section;
}

function render(structured: Card, data: ViewData | undefined): void {
  clear(root);
  root.append(header(structured, data));
  if (structured['error'] && typeof structured['error'] === 'object')
    root.append(el('p', { class: 'fail' }, [String((structured['error'] as { message?: unknown }).message ?? 'failed')]));
  const metrics = structured['metrics'] ?? structured['result'];
  const values = figures(metrics);
  const grid = el('div', { class: 'grid' });
  if (values.length) grid.append(figuresSection(structured['operation_id'] ? 'Result' : 'Metrics', values));
  if (Array.isArray(structured['gates'])) grid.append(gatesSection(structured['gates'] as Gate[]));
  if (grid.childElementCount) root.append(grid);
  root.append(chartsSection(data));
  const lineage = lineageSection(structured['lineage']);
  if (lineage) root.append(lineage);
}

function applyContext(ctx: McpUiHostContext | undefined): void {
  if (ctx?.theme) applyDocumentTheme(ctx.theme);
}

const app = new App({ name: 'trainyard-model-card', version: '1.0.0' }, {}, { autoResize: true });
app.ontoolinput = (params) => {
  const id = params.arguments?.['model_id'];
  clear(root);
  root.append(el('p', { class: 'muted', id: 'status' }, [id ? `Loading ${String(id)}…` : 'Waiting for the result…']));
};
app.ontoolresult = (result) => {
  if (result.isError) {
    clear(root);
    const message = result.content?.map((c) => (c.type === 'text' ? c.text : '')).join('\n') ?? 'failed';
    root.append(el('p', { class: 'fail', id: 'status' }, [message]));
    return;
  }
  const data = (result._meta as Record<string, unknown> | undefined)?.[VIEW_META_KEY] as ViewData | undefined;
  render((result.structuredContent ?? {}) as Card, data);
};
app.onhostcontextchanged = applyContext;
app.onteardown = async () => ({});
void app.connect().then(
  () => applyContext(app.getHostContext()),
  (err: unknown) => {
    clear(root);
    root.append(el('p', { class: 'fail' }, [`Not connected to a host: ${String((err as Error)?.message ?? err)}`]));
  },
);
