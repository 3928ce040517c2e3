import type { TopLevelSpec } from 'vega-lite';
import { day, num, wrap } from '../format.js';
import { CONFIG, PALETTE, seriesColor, WIDTH } from '../theme.js';
import type { ChartSpec } from '../types.js';

export interface DriftData {
  model_id: string;
  /** When and on what data the report was made. */
  at: string;
  data: string;
  psi_warn: number;
  features: readonly { name: string; psi: number | null; drift_threshold: number; status: string }[];
  histograms?:
    | readonly { name: string; psi: number | null; edges: readonly number[]; reference: readonly number[]; current: readonly number[] }[]
    | undefined;
}

const STATUS = { stable: PALETTE.green, warn: PALETTE.orange, drift: PALETTE.vermillion, unknown: PALETTE.grey };
// Beyond twenty-five bars the labels no longer fit; the alt text says how many were left out.
const TOP = 25;
const HISTOGRAMS = 6;

/** PSI per feature against its own drift threshold, coloured by status. */
export function driftChart(d: DriftData): ChartSpec {
  const sorted = [...d.features].sort((a, b) => (b.psi ?? -1) - (a.psi ?? -1));
  const shown = sorted.slice(0, TOP).map((f, rank) => ({ ...f, rank, psi: f.psi ?? 0 }));
  const drifted = sorted.filter((f) => f.status === 'drift');
  const title = `Feature drift · ${d.model_id}`;
  const rest = sorted.length > TOP ? ` (top ${TOP} of ${sorted.length} shown)` : '';
  const worst = sorted[0];
  const alt =
    `Population stability index of ${d.model_id}'s ${sorted.length} features on ${d.data} (${day(d.at)}): ${drifted.length} drifted` +
    (drifted.length
      ? ` (${drifted
          .slice(0, 3)
          .map((f) => `${f.name} ${num(f.psi, 3)} > ${num(f.drift_threshold, 3)}`)
          .join(', ')})`
      : '') +
    (worst ? `; highest ${worst.name} at ${num(worst.psi, 3)} against a threshold of ${num(worst.drift_threshold, 3)}` : '') +
    `${rest}.`;
  const y = { field: 'name', type: 'nominal', sort: { field: 'rank', op: 'min', order: 'ascending' }, title: null } as const;
  const spec = {
    title: {
      text: title,
      subtitle: wrap(
        [`${d.data}, ${day(d.at)}`, `bars: PSI, ticks: each feature's drift threshold, dashed: warn at ${d.psi_warn}${rest}`],
        70,
      ),
    },
    data: { values: shown },
    width: WIDTH * 0.75,
    height: { step: 16 },
    layer: [
      {
        mark: { type: 'bar' },
        encoding: {
          y,
          x: { field: 'psi', type: 'quantitative', title: 'PSI' },
          color: {
            field: 'status',
            type: 'nominal',
            title: 'Status',
            scale: { domain: Object.keys(STATUS), range: Object.values(STATUS) },
          },
        },
      },
      {
        mark: { type: 'tick', color: 'black', thickness: 2 },
        encoding: { y, x: { field: 'drift_threshold', type: 'quantitative' } },
      },
      {
        data: { values: [{ warn: d.psi_warn }] },
        mark: { type: 'rule', strokeDash: [4, 3], color: PALETTE.grey },
        encoding: { x: { field: 'warn', type: 'quantitative' } },
      },
    ],
    config: CONFIG,
  } as TopLevelSpec;
  return { name: 'drift', title, alt, spec };
}

/** A bin's range as a short label: "≤ -0.52", "-0.52 … 0.13", "> 1.9". */
function binLabel(edges: readonly number[], b: number): string {
  const f = (v: number) => String(+v.toPrecision(2));
  if (edges.length === 0) return 'all';
  if (b === 0) return `≤ ${f(edges[0]!)}`;
  if (b >= edges.length) return `> ${f(edges[edges.length - 1]!)}`;
  return `${f(edges[b - 1]!)} … ${f(edges[b]!)}`;
}

/** Reference (training) against current share per reference bin, for the features with the highest PSI. */
export function driftHistogramsChart(d: DriftData): ChartSpec {
  const hist = (d.histograms ?? []).slice(0, HISTOGRAMS);
  const rows = hist.flatMap((h, panel) =>
    h.reference.flatMap((ref, b) => [
      { panel, feature: `${h.name} (PSI ${num(h.psi, 3)})`, bin: b, label: binLabel(h.edges, b), series: 'training reference', share: ref },
      {
        panel,
        feature: `${h.name} (PSI ${num(h.psi, 3)})`,
        bin: b,
        label: binLabel(h.edges, b),
        series: 'current',
        share: h.current[b] ?? 0,
      },
    ]),
  );
  const title = `Drift histograms · ${d.model_id}`;
  const alt = hist.length
    ? `Reference against current distribution of ${d.model_id}'s ${hist.length} most shifted features on ${d.data}: ${hist
        .slice(0, 3)
        .map((h) => `${h.name} PSI ${num(h.psi, 3)}`)
        .join(', ')}.`
    : `No histogram stored with the drift report of ${d.model_id}.`;
  const SERIES = { 'training reference': PALETTE.grey, current: PALETTE.vermillion };
  const spec = {
    title: {
      text: title,
      subtitle: wrap([`${d.data}, ${day(d.at)}`, 'share of rows per training-quantile bin (equal bars: no shift)'], 70),
    },
    data: { values: rows },
    facet: { field: 'feature', type: 'nominal', title: null, sort: { field: 'panel', op: 'min' }, header: { labelFontSize: 11 } },
    columns: 2,
    spec: {
      width: WIDTH * 0.45,
      height: 110,
      mark: { type: 'bar' },
      encoding: {
        x: { field: 'label', type: 'ordinal', sort: { field: 'bin', op: 'min' }, title: null, axis: { labelAngle: -40, labelFontSize: 8 } },
        xOffset: { field: 'series', sort: Object.keys(SERIES) },
        y: { field: 'share', type: 'quantitative', title: 'Share', axis: { format: '.0%' } },
        color: seriesColor(SERIES),
      },
    },
    resolve: { scale: { x: 'independent', xOffset: 'independent' } },
    config: CONFIG,
  } as TopLevelSpec;
  return { name: 'drift_histograms', title, alt, spec };
}
