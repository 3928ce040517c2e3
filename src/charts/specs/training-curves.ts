import type { TopLevelSpec } from 'vega-lite';
import { num, pct } from '../format.js';
import { CONFIG, HEIGHT, PALETTE, WIDTH } from '../theme.js';
import type { ChartSpec } from '../types.js';

/** Per-epoch figures as training records them; `accuracy` (training accuracy) when the run recorded it. */
export interface EpochPoint {
  epoch: number;
  loss: number;
  val_loss: number;
  val_accuracy: number;
  accuracy?: number | undefined;
}

export interface TrainingCurvesData {
  model_id: string;
  history: readonly EpochPoint[];
  /** The epoch whose weights were kept (early stopping restores them). */
  best_epoch: number;
}

const SPLITS = { train: PALETTE.blue, validation: PALETTE.orange };

/** Training and validation loss and accuracy per epoch, the kept (best) epoch marked. */
export function trainingCurvesChart(d: TrainingCurvesData): ChartSpec {
  const rows: { epoch: number; split: string; metric: string; value: number }[] = [];
  for (const h of d.history) {
    const add = (split: string, metric: string, value: number | undefined) => {
      if (typeof value === 'number' && Number.isFinite(value)) rows.push({ epoch: h.epoch, split, metric, value });
    };
    add('train', 'loss', h.loss);
    add('validation', 'loss', h.val_loss);
    add('train', 'accuracy', h.accuracy);
    add('validation', 'accuracy', h.val_accuracy);
  }
  const best = d.history.find((h) => h.epoch === d.best_epoch);
  const first = d.history[0];
  const title = `Training curves · ${d.model_id}`;
  const alt =
    first && best
      ? `Training curves of ${d.model_id} over ${d.history.length} epochs: validation loss ${num(first.val_loss, 3)} at epoch ${first.epoch} and ${num(best.val_loss, 3)} at the kept epoch ${best.epoch}, where validation accuracy is ${pct(best.val_accuracy)}.`
      : `Training curves of ${d.model_id}: no epoch recorded.`;
  const color = {
    field: 'split',
    type: 'nominal',
    title: null,
    scale: { domain: Object.keys(SPLITS), range: Object.values(SPLITS) },
  } as const;
  const panel = (metric: 'loss' | 'accuracy', yTitle: string, format: string) => ({
    width: WIDTH,
    height: HEIGHT * 0.8,
    layer: [
      {
        transform: [{ filter: { field: 'metric', equal: metric } }],
        mark: { type: 'line', point: true, strokeWidth: 2 },
        encoding: {
          x: { field: 'epoch', type: 'quantitative', title: 'Epoch', axis: { tickMinStep: 1, format: 'd' } },
          y: { field: 'value', type: 'quantitative', title: yTitle, scale: { zero: false }, axis: { format } },
          color,
        },
      },
      {
        data: { values: [{ epoch: d.best_epoch, label: `kept epoch ${d.best_epoch}` }] },
        mark: { type: 'rule', strokeDash: [4, 3], color: PALETTE.grey },
        encoding: { x: { field: 'epoch', type: 'quantitative' } },
      },
      {
        data: { values: [{ epoch: d.best_epoch, label: `kept epoch ${d.best_epoch}` }] },
        mark: { type: 'text', align: 'left', dx: 4, dy: -4, baseline: 'bottom', color: PALETTE.grey, fontSize: 10, y: 0 },
        encoding: { x: { field: 'epoch', type: 'quantitative' }, text: { field: 'label' } },
      },
    ],
  });
  const spec = {
    title: {
      text: title,
      subtitle: [
        `kept epoch ${d.best_epoch} of ${d.history.length}: lowest validation objective (class-weighted loss), weights restored there`,
        'train loss: the training objective (class-weighted, with dropout), averaged over the epoch',
      ],
    },
    data: { values: rows },
    vconcat: [panel('loss', 'Cross-entropy loss', '.3f'), panel('accuracy', 'Accuracy', '.0%')],
    config: CONFIG,
  } as TopLevelSpec;
  return { name: 'training_curves', title, alt, spec };
}
