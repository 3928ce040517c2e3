import type { TopLevelSpec } from 'vega-lite';
import { num } from '../format.js';
import { CONFIG, PALETTE, WIDTH } from '../theme.js';
import type { ChartSpec } from '../types.js';

export interface ImportanceData {
  model_id: string;
  /** Permutation importance as training records it, any order. */
  features: readonly { feature: string; loss_increase: number; accuracy_drop: number }[];
}

// Beyond twenty bars the labels no longer fit a chat-sized image; the alt text says how many were left out.
const TOP = 20;

/** Permutation feature importance: how much the test loss rises when one feature is shuffled. */
export function featureImportanceChart(d: ImportanceData): ChartSpec {
  const sorted = [...d.features].sort((a, b) => b.loss_increase - a.loss_increase);
  const shown = sorted.slice(0, TOP).map((f, rank) => ({ ...f, rank }));
  const title = `Feature importance · ${d.model_id}`;
  const top = shown
    .slice(0, 3)
    .map((f) => `${f.feature} ${num(f.loss_increase, 4)}`)
    .join(', ');
  const rest = sorted.length > TOP ? ` (top ${TOP} of ${sorted.length} shown)` : '';
  const alt = sorted.length
    ? `Permutation importance of ${d.model_id}'s ${sorted.length} features, as the rise in test loss when each is shuffled: ${top}${rest}.`
    : `No feature importance recorded for ${d.model_id}.`;
  const spec = {
    title: { text: title, subtitle: `rise in test cross-entropy when the feature is shuffled (permutation importance)${rest}` },
    data: { values: shown },
    width: WIDTH * 0.75,
    height: { step: 16 },
    layer: [
      {
        mark: { type: 'bar', color: PALETTE.blue },
        encoding: {
          // Sorted by the rank field: a feature's name is data, never a field name or an expression.
          y: { field: 'feature', type: 'nominal', sort: { field: 'rank', op: 'min', order: 'ascending' }, title: null },
          x: { field: 'loss_increase', type: 'quantitative', title: 'Loss increase (nats)' },
        },
      },
      {
        mark: { type: 'text', align: 'left', dx: 3, fontSize: 9, color: '#333' },
        encoding: {
          y: { field: 'feature', type: 'nominal', sort: { field: 'rank', op: 'min', order: 'ascending' } },
          x: { field: 'loss_increase', type: 'quantitative' },
          text: { field: 'loss_increase', type: 'quantitative', format: '.4f' },
        },
      },
    ],
    config: CONFIG,
  } as TopLevelSpec;
  return { name: 'feature_importance', title, alt, spec };
}
