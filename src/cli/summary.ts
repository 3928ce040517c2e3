import { adapterLabel } from '../pipeline/backend/index.js';
import type { TrainingResult } from '../pipeline/result.js';

const pct = (v: number) => (Number.isFinite(v) ? `${(v * 100).toFixed(1)}%` : 'n/a');
const num = (v: number, d = 3) => (Number.isFinite(v) ? v.toFixed(d) : 'n/a');

/**
 * Edge against the majority-class baseline, judged against sampling noise: two standard errors of
 * an accuracy measured on n samples, sqrt(p (1 - p) / n) at the baseline rate p.
 */
function verdict(edge: number, baseline: number, n: number): string {
  const noise = 2 * Math.sqrt((baseline * (1 - baseline)) / Math.max(1, n));
  const band = `±${(noise * 100).toFixed(1)} points is noise on ${n} test samples`;
  if (edge > noise) return `beats always predicting the most common class on unseen data (${band})`;
  if (edge < -noise) return `worse than always predicting the most common class (${band})`;
  return `no edge over always predicting the most common class (${band})`;
}

interface BacktestFigures {
  total_return: number;
  sharpe: number;
  max_drawdown: number;
  trade_count: number;
  win_rate: number;
  exposure: number;
}

function backtestLines(r: TrainingResult): string[] {
  const b = r.backtest as { strategy?: BacktestFigures; buy_and_hold?: BacktestFigures } | null;
  if (!b?.strategy || !b.buy_and_hold) return [];
  const s = b.strategy;
  const h = b.buy_and_hold;
  return [
    '',
    'Backtest of the test part (next-bar-open execution, costs included)',
    `  strategy     return ${pct(s.total_return)} · Sharpe ${num(s.sharpe, 2)} · max drawdown ${pct(s.max_drawdown)} · ${s.trade_count} trades, ${pct(s.win_rate)} won · in the market ${pct(s.exposure)}`,
    `  buy & hold   return ${pct(h.total_return)} · Sharpe ${num(h.sharpe, 2)} · max drawdown ${pct(h.max_drawdown)}`,
  ];
}

/** The readable end-of-run summary the CLI prints on stdout. */
export function formatTrainingSummary(r: TrainingResult & { operation_id?: string }): string {
  const d = r.data_summary;
  const t = r.training_metrics;
  const m = r.test_metrics;
  const edge = m.accuracy - m.baseline_accuracy;
  const lb = d.label_balance;
  const total = lb.down + lb.flat + lb.up;
  const lines = [
    `Model ${r.model_id}  (strategy ${r.strategy.name}, backend ${r.backend.name}${r.backend.threads ? ` x${r.backend.threads} threads` : ''}${r.backend.adapter ? ` on ${adapterLabel(r.backend.adapter)}` : ''})`,
    '',
    'Data',
    `  source     ${d.source}  (${d.symbols.join(', ')}, ${d.timeframe}, ${d.bars} bars, ${d.date_range.from} .. ${d.date_range.to})`,
    `  samples    train ${d.samples.train} · validation ${d.samples.validation} (from ${d.split_boundaries.validation_start}) · test ${d.samples.test} (from ${d.split_boundaries.test_start}) · purged ${d.samples.purged}`,
    `  labels     down ${pct(lb.down / total)} · flat ${pct(lb.flat / total)} · up ${pct(lb.up / total)}`,
    ...d.notes.map((n) => `  note       ${n}`),
    '',
    'Model',
    `  features   ${r.model_info.input_features}: ${r.model_info.feature_names.slice(0, 8).join(', ')}${r.model_info.input_features > 8 ? ', ...' : ''}`,
    `  network    ${r.model_info.architecture}, ${r.model_info.parameters} parameters`,
    `  training   ${t.epochs_run} epochs (best ${t.best_epoch}${t.stopped_early ? ', stopped early' : ''}), loss ${num(t.initial_loss)} -> ${num(t.final_loss)}, val_acc ${pct(t.best_val_accuracy)}, ${Math.round(t.samples_per_s)} samples/s`,
    '',
    'Test (out of sample)',
    `  accuracy   ${pct(m.accuracy)} vs majority-class baseline ${pct(m.baseline_accuracy)} ("${m.baseline_class}")  ->  ${edge >= 0 ? '+' : ''}${(edge * 100).toFixed(1)} points`,
    `  verdict    ${verdict(edge, m.baseline_accuracy, m.samples)}`,
    `  loss       ${num(m.loss)} · macro F1 ${num(m.macro_f1)}`,
    `  per class  ${Object.entries(m.per_class)
      .map(([c, v]) => `${c} P ${num(v.precision, 2)} R ${num(v.recall, 2)} (n=${v.support})`)
      .join(' · ')}`,
    `  top features ${r.artifacts.feature_importance
      .slice(0, 5)
      .map((f) => `${f.feature} (+${num(f.loss_increase, 4)})`)
      .join(', ')}`,
    ...backtestLines(r),
    '',
    `Registered ${r.model_id} as a candidate${r.operation_id ? ` (operation ${r.operation_id})` : ''}; promote it with "trainyard models promote ${r.model_id} --to staging --reason ..."`,
    `Saved to ${r.model_path}  (${r.timings.total_s.toFixed(1)} s total, ${r.timings.training_s.toFixed(1)} s training)`,
  ];
  return lines.join('\n');
}
