import type { RenderedChart } from '../charts/index.js';
import type { GateResult, ModelVersion, PromotionRecord } from '../domain/model-version.js';
import type { PerformanceReport } from '../monitoring/performance-report.js';
import type { TrainingResult } from '../pipeline/result.js';
import type { Approval, StoredDrift, StoredGate } from '../registry/evaluations.js';
import { html, inlineSvg, type Html } from './html.js';
import { REPORT_CSS } from './style.js';

type Figures = Record<string, number | null | undefined>;

/** Everything the report shows, gathered by services/reports.ts; the page is a pure function of it. */
export interface ModelReportData {
  generated_at: string;
  code_version: string;
  model: ModelVersion;
  /** result.json; null when the artifact folder is gone (archived). */
  result: TrainingResult | null;
  gates: StoredGate[];
  approval: Approval | null;
  history: PromotionRecord[];
  backtest: {
    /** Where the figures come from: a backtest operation or the test segment at training. */
    source: string;
    strategy: Figures;
    buy_and_hold: Figures;
    traded?: { from: string; to: string; predictions: number } | undefined;
  } | null;
  drift: StoredDrift | null;
  performance: PerformanceReport | null;
  /** Rendered SVG charts by name (those the model has). */
  charts: RenderedChart[];
}

const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
export const pct = (v: unknown, d = 1) => (isNum(v) ? `${(v * 100).toFixed(d)}%` : 'n/a');
export const num = (v: unknown, d = 2) => (isNum(v) ? v.toFixed(d) : v === null || v === undefined ? 'n/a' : String(v));
export const when = (iso: string | null | undefined) => (iso ? iso.slice(0, 19).replace('T', ' ') : 'n/a');
export const badge = (passed: boolean, yes = 'passed', no = 'failed') =>
  html`<span class="badge ${passed ? 'pass' : 'fail'}">${passed ? yes : no}</span>`;

function chart(charts: RenderedChart[], name: string): Html | null {
  const c = charts.find((x) => x.name === name);
  if (!c?.svg) return null;
  return html`<figure>
    ${inlineSvg(c.svg, c.alt)}
    <figcaption>${c.alt}</figcaption>
  </figure>`;
}

function card(d: ModelReportData): Html {
  const m = d.model;
  const r = d.result;
  const ds = r?.data_summary;
  const t = r?.test_metrics;
  return html`<section id="card">
    <h2>Model card</h2>
    <dl>
      <dt>Model</dt>
      <dd><code>${m.model_id}</code> · name ${m.name} · version ${m.version} · <span class="badge stage">${m.stage}</span></dd>
      <dt>Created</dt>
      <dd>${when(m.created_at)} by ${m.created_by}${m.operation_id ? html` · operation <code>${m.operation_id}</code>` : ''}</dd>
      <dt>Strategy</dt>
      <dd>
        ${r?.strategy.name ?? m.name} · hash <code>${m.lineage.strategy_hash.slice(0, 12)}</code>${r ? html` · ${r.strategy.source}` : ''}
      </dd>
      <dt>Data</dt>
      <dd>
        ${m.lineage.data_source}${
          ds
            ? html` · ${ds.symbols.join(', ')} · ${ds.timeframe} · ${ds.date_range.from.slice(0, 10)} to ${ds.date_range.to.slice(0, 10)} ·
              ${ds.bars} bars`
            : ''
        }
        · hash <code>${m.lineage.data_hash.slice(0, 12)}</code>
      </dd>
      ${
        ds
          ? html`<dt>Samples</dt>
              <dd>
                train ${ds.samples.train} · validation ${ds.samples.validation} · test ${ds.samples.test} · purged ${ds.samples.purged}
              </dd>`
          : ''
      }
      ${
        r
          ? html`<dt>Model</dt>
              <dd>
                ${r.model_info.architecture} · ${r.model_info.parameters} parameters · ${r.model_info.input_features} features ·
                ${r.model_info.optimizer} lr ${r.model_info.learning_rate}
              </dd>`
          : ''
      }
      <dt>Lineage</dt>
      <dd>code ${m.lineage.code_version} · seed ${m.lineage.seed} · backend ${m.lineage.backend}</dd>
      ${
        t
          ? html`<dt>Test metrics</dt>
              <dd>
                accuracy ${pct(t.accuracy)} (majority baseline ${pct(t.baseline_accuracy)}, ${t.baseline_class}) · log loss
                ${num(t.loss, 4)} · macro F1 ${num(t.macro_f1, 3)} · ${t.samples} samples
              </dd>`
          : ''
      }
      ${
        r
          ? html`<dt>Training</dt>
              <dd>
                ${r.training_metrics.epochs_run} epochs, best
                ${r.training_metrics.best_epoch}${r.training_metrics.stopped_early ? ' (stopped early)' : ''} · validation loss
                ${num(r.training_metrics.best_val_loss, 4)} · validation accuracy ${pct(r.training_metrics.best_val_accuracy)}
              </dd>`
          : html`<dt>Artifacts</dt>
              <dd class="muted">the artifact folder is gone (archived); figures from the registry only</dd>`
      }
      ${
        d.approval
          ? html`<dt>Approval</dt>
              <dd>${d.approval.approved_by} at ${when(d.approval.at)}: ${d.approval.reason}</dd>`
          : ''
      }
    </dl>
  </section>`;
}

function gateTable(g: GateResult): Html {
  const stats = g.checks.some((c) => c.p_value !== undefined || c.n_eff !== undefined || c.ci_low !== undefined);
  return html`<table>
    <thead>
      <tr>
        <th>Check</th>
        <th>Result</th>
        <th>Value</th>
        <th>Threshold</th>
        ${
          stats
            ? html`<th>p-value</th>
                <th>n_eff</th>
                <th>95% CI</th>`
            : ''
        }
        <th>Reason</th>
      </tr>
    </thead>
    <tbody>
      ${g.checks.map(
        (c) =>
          html`<tr>
            <td>${c.name}</td>
            <td>${badge(c.passed)}</td>
            <td class="num">${num(c.value, 4)}</td>
            <td class="num">${num(c.threshold, 4)}</td>
            ${
              stats
                ? html`<td class="num">
                      ${c.p_value === undefined ? '' : c.p_value < 1e-4 ? c.p_value.toExponential(1) : num(c.p_value, 4)}
                    </td>
                    <td class="num">${c.n_eff === undefined ? '' : num(c.n_eff, 0)}</td>
                    <td class="num">${c.ci_low === undefined ? '' : `${num(c.ci_low, 3)} … ${num(c.ci_high, 3)}`}</td>`
                : ''
            }
            <td>${c.reason}</td>
          </tr>`,
      )}
    </tbody>
  </table>`;
}

function gates(d: ModelReportData): Html {
  return html`<section id="gates">
    <h2>Gates</h2>
    ${
      d.gates.length
        ? d.gates.map(
            (g) =>
              html`<h3>${g.result.gate} gate ${badge(g.result.passed)}</h3>
                <p class="muted">${g.context} · ${when(g.at)} · by ${g.actor}</p>
                ${gateTable(g.result)}`,
          )
        : html`<p class="muted">No gate result stored for this version.</p>`
    }
    ${
      d.history.length
        ? html`<h3>Stage history</h3>
            <table>
              <thead>
                <tr>
                  <th>When</th>
                  <th>Change</th>
                  <th>By</th>
                  <th>Why</th>
                </tr>
              </thead>
              <tbody>
                ${d.history.map(
                  (h) =>
                    html`<tr>
                      <td>${when(h.at)}</td>
                      <td>${h.from_stage} → ${h.to_stage} (${h.action}${h.forced ? ', forced' : ''})</td>
                      <td>${h.actor}</td>
                      <td>${h.reason}</td>
                    </tr>`,
                )}
              </tbody>
            </table>`
        : ''
    }
  </section>`;
}

const BACKTEST_ROWS: [string, string, (v: unknown) => string][] = [
  ['total return', 'total_return', (v) => pct(v)],
  ['annual return', 'annualized_return', (v) => pct(v)],
  ['Sharpe', 'sharpe', (v) => num(v)],
  ['Sortino', 'sortino', (v) => num(v)],
  ['max drawdown', 'max_drawdown', (v) => pct(v)],
  ['Calmar', 'calmar', (v) => num(v)],
  ['win rate', 'win_rate', (v) => pct(v)],
  ['profit factor', 'profit_factor', (v) => num(v)],
  ['trades', 'trade_count', (v) => num(v, 0)],
  ['exposure', 'exposure', (v) => pct(v)],
];

function backtest(d: ModelReportData): Html {
  const b = d.backtest;
  return html`<section id="backtest">
    <h2>Backtest</h2>
    ${
      b
        ? html`<p class="muted">
              ${b.source}${b.traded ? ` · traded ${b.traded.from.slice(0, 10)} to ${b.traded.to.slice(0, 10)}, ${b.traded.predictions} predictions` : ''}
              · next-bar-open execution, costs included
            </p>
            <table>
              <thead>
                <tr>
                  <th></th>
                  <th>strategy</th>
                  <th>buy &amp; hold</th>
                </tr>
              </thead>
              <tbody>
                ${BACKTEST_ROWS.map(
                  ([label, key, f]) =>
                    html`<tr>
                      <th>${label}</th>
                      <td class="num">${f(b.strategy[key])}</td>
                      <td class="num">${f(b.buy_and_hold[key])}</td>
                    </tr>`,
                )}
              </tbody>
            </table>`
        : html`<p class="muted">No backtest recorded. Run <code>trainyard backtest ${d.model.model_id}</code>.</p>`
    }
    ${chart(d.charts, 'equity')} ${chart(d.charts, 'walk_forward')}
  </section>`;
}

function drift(d: ModelReportData): Html {
  const r = d.drift?.report as
    | {
        recommendation?: string;
        bars?: number;
        prediction_drift?: { ks_statistic: number; p_value: number; drift: boolean };
        concept_drift?: { current_accuracy: number; reference_accuracy: number; p_value: number; drift: boolean } | null;
      }
    | undefined;
  return html`<section id="drift">
    <h2>Drift</h2>
    ${
      d.drift && r
        ? html`<p>${badge(!d.drift.action_required, 'no action needed', 'action required')} ${r.recommendation ?? ''}</p>
            <p class="muted">
              latest report ${when(d.drift.at)} on <code>${d.drift.data}</code> by
              ${d.drift.actor}${r.bars !== undefined ? ` · ${r.bars} bars` : ''}
            </p>
            <table>
              <tbody>
                ${
                  r.prediction_drift
                    ? html`<tr>
                        <th>prediction scores</th>
                        <td>KS ${num(r.prediction_drift.ks_statistic, 3)}, p ${r.prediction_drift.p_value.toExponential(1)}</td>
                        <td>${badge(!r.prediction_drift.drift, 'stable', 'drift')}</td>
                      </tr>`
                    : ''
                }
                ${
                  r.concept_drift
                    ? html`<tr>
                        <th>accuracy (concept)</th>
                        <td>
                          ${pct(r.concept_drift.current_accuracy)} vs ${pct(r.concept_drift.reference_accuracy)} at validation, p
                          ${r.concept_drift.p_value.toExponential(1)}
                        </td>
                        <td>${badge(!r.concept_drift.drift, 'stable', 'drift')}</td>
                      </tr>`
                    : ''
                }
              </tbody>
            </table>
            ${chart(d.charts, 'drift')} ${chart(d.charts, 'drift_histograms')}`
        : html`<p class="muted">No drift report yet. Run <code>trainyard drift ${d.model.model_id} --data &lt;spec&gt;</code>.</p>`
    }
  </section>`;
}

/** A performance report's metrics: value, threshold, status and samples per metric (report and dashboard). */
export function performanceTable(metrics: PerformanceReport['metrics']): Html {
  return html`<table>
    <thead>
      <tr>
        <th>Metric</th>
        <th>Value</th>
        <th>Threshold</th>
        <th>Status</th>
        <th>Samples</th>
      </tr>
    </thead>
    <tbody>
      ${Object.entries(metrics).map(
        ([k, m]) =>
          html`<tr>
            <td>${k}</td>
            <td class="num">${num(m.value, 3)}</td>
            <td class="num">${num(m.threshold, 3)}</td>
            <td>${m.status}</td>
            <td class="num">${m.samples}</td>
          </tr>`,
      )}
    </tbody>
  </table>`;
}

function performance(d: ModelReportData): Html {
  const p = d.performance;
  return html`<section id="performance">
    <h2>Live performance</h2>
    ${
      p && p.evaluated_at
        ? html`<p>${badge(!p.retraining_recommended, 'healthy', 'retraining recommended')} ${p.recommendation}</p>
            ${performanceTable(p.metrics)} ${chart(d.charts, 'performance')}`
        : html`<p class="muted">${p?.recommendation ?? 'No live performance evaluated.'}</p>`
    }
  </section>`;
}

function training(d: ModelReportData): Html {
  const parts = ['training_curves', 'confusion_matrix', 'feature_importance'].map((n) => chart(d.charts, n)).filter(Boolean);
  return parts.length
    ? html`<section id="training">
        <h2>Training</h2>
        ${parts}
      </section>`
    : html``;
}

/** The report's sections (card, gates, training, backtest, drift, performance, research): the dashboard's model card shows the same. */
export function modelReportSections(d: ModelReportData): Html {
  const research = chart(d.charts, 'research');
  return html`${card(d)} ${gates(d)} ${training(d)} ${backtest(d)} ${drift(d)} ${performance(d)}
  ${
    research
      ? html`<section id="research">
          <h2>Research program</h2>
          ${research}
        </section>`
      : ''
  }`;
}

/**
 * One self-contained HTML page about a model version: inline CSS and SVG, no script, no request
 * to anywhere. Every stored string (names, symbols, reasons, data specs) is escaped.
 */
export function modelReportHtml(d: ModelReportData): string {
  const page = html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:" />
        <title>${d.model.model_id} · trainyard report</title>
        <style>
          ${REPORT_CSS}
        </style>
      </head>
      <body>
        <main>
          <header>
            <h1>${d.model.model_id}</h1>
            <p>trainyard model report · generated ${when(d.generated_at)} UTC · trainyard ${d.code_version}</p>
          </header>
          ${modelReportSections(d)}
        </main>
      </body>
    </html> `;
  return page.value;
}
