import type { TopLevelSpec } from 'vega-lite';
import { pct } from '../format.js';
import { CONFIG } from '../theme.js';
import type { ChartSpec } from '../types.js';

export interface ConfusionData {
  model_id: string;
  /** confusion[actual][predicted], classes in `classes` order. */
  confusion_matrix: readonly (readonly number[])[];
  classes: readonly string[];
  accuracy: number;
  baseline_accuracy: number;
}

/** Test-set confusion matrix: counts in the cells, shaded by the share of each actual class (recall). */
export function confusionMatrixChart(d: ConfusionData): ChartSpec {
  const rows: { actual: string; predicted: string; count: number; share: number; label: string }[] = [];
  let total = 0;
  d.confusion_matrix.forEach((row, a) => {
    const support = row.reduce((s, v) => s + v, 0);
    total += support;
    row.forEach((count, p) => {
      const share = support ? count / support : 0;
      rows.push({
        actual: d.classes[a] ?? String(a),
        predicted: d.classes[p] ?? String(p),
        count,
        share,
        label: `${count}\n${pct(share, 0)}`,
      });
    });
  });
  const recalls = d.classes.map(
    (c, i) => `${c} ${pct(rows.find((r) => r.actual === c && r.predicted === c)?.share ?? 0, 0)} (row ${i + 1})`,
  );
  const title = `Confusion matrix · ${d.model_id}`;
  const alt = `Test confusion matrix of ${d.model_id} on ${total} samples: accuracy ${pct(d.accuracy)} against a majority baseline of ${pct(d.baseline_accuracy)}; recall ${recalls.map((r) => r.replace(/ \(row \d+\)/, '')).join(', ')}.`;
  const order = [...d.classes];
  const spec = {
    title: { text: title, subtitle: `accuracy ${pct(d.accuracy)} vs baseline ${pct(d.baseline_accuracy)} on ${total} test samples` },
    data: { values: rows },
    width: 300,
    height: 300,
    encoding: {
      x: { field: 'predicted', type: 'ordinal', sort: order, title: 'Predicted', axis: { labelAngle: 0, orient: 'top' } },
      y: { field: 'actual', type: 'ordinal', sort: order, title: 'Actual' },
    },
    layer: [
      {
        mark: { type: 'rect', stroke: 'white', strokeWidth: 2 },
        encoding: {
          color: {
            field: 'share',
            type: 'quantitative',
            title: 'Share of actual',
            scale: { scheme: 'blues', domain: [0, 1] },
            legend: { format: '.0%', orient: 'right', direction: 'vertical', gradientLength: 200 },
          },
        },
      },
      {
        mark: { type: 'text', fontSize: 12, lineBreak: '\n' },
        encoding: {
          text: { field: 'label' },
          color: { condition: { test: 'datum.share > 0.5', value: 'white' }, value: 'black' },
        },
      },
    ],
    config: CONFIG,
  } as TopLevelSpec;
  return { name: 'confusion_matrix', title, alt, spec };
}
