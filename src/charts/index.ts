import { renderSpec } from './render.js';
import { confusionMatrixChart, type ConfusionData } from './specs/confusion-matrix.js';
import { driftChart, driftHistogramsChart, type DriftData } from './specs/drift.js';
import { drawdownChart, equityChart, type EquityData } from './specs/equity.js';
import { featureImportanceChart, type ImportanceData } from './specs/feature-importance.js';
import { performanceChart, type PerformanceData } from './specs/performance.js';
import { researchChart, type ResearchData } from './specs/research.js';
import { tuningChart, type TuningData } from './specs/tuning.js';
import { trainingCurvesChart, type TrainingCurvesData } from './specs/training-curves.js';
import { walkForwardChart, type WalkForwardData } from './specs/walk-forward.js';
import type { ChartSpec, RenderedChart, RenderOptions } from './types.js';

export type { ChartSpec, ChartFormat, RenderedChart, RenderOptions } from './types.js';
export { chartSvg, svgToPng, renderSpec, fontFiles, MAX_CHART_ROWS } from './render.js';
export { extremaIndices } from './downsample.js';
export type {
  ConfusionData,
  DriftData,
  EquityData,
  ImportanceData,
  PerformanceData,
  ResearchData,
  TrainingCurvesData,
  TuningData,
  WalkForwardData,
};

/** Every chart kind and the data it is drawn from: each a pure function from stored results to a Vega-Lite spec. */
export const CHARTS = {
  training_curves: trainingCurvesChart,
  equity: equityChart,
  drawdown: drawdownChart,
  walk_forward: walkForwardChart,
  confusion_matrix: confusionMatrixChart,
  feature_importance: featureImportanceChart,
  drift: driftChart,
  drift_histograms: driftHistogramsChart,
  performance: performanceChart,
  research: researchChart,
  tuning: tuningChart,
} as const satisfies Record<string, (data: never) => ChartSpec>;

export type ChartKind = keyof typeof CHARTS;
export type ChartData<K extends ChartKind> = Parameters<(typeof CHARTS)[K]>[0];
export const chartKinds = Object.keys(CHARTS) as ChartKind[];

/** The spec of one chart kind from its data. */
export function chartSpec<K extends ChartKind>(kind: K, data: ChartData<K>): ChartSpec {
  return (CHARTS[kind] as (d: ChartData<K>) => ChartSpec)(data);
}

/** One chart rendered: `{svg}` or `{png}` with its title, alt text and size. */
export function renderChart<K extends ChartKind>(kind: K, data: ChartData<K>, opts: RenderOptions = {}): Promise<RenderedChart> {
  return renderSpec(chartSpec(kind, data), opts);
}
