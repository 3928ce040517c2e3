import fs from 'node:fs';
import path from 'node:path';
import type { RenderedChart } from '../charts/index.js';
import type { TrainingResult } from '../pipeline/result.js';
import type { PerformanceReport } from '../monitoring/performance-report.js';
import type { Registry } from '../registry/index.js';
import { modelReportHtml, type ModelReportData } from '../report/model-report.js';
import type { ChartService } from './charts.js';

interface Deps {
  registry: Registry;
  charts: ChartService;
  performanceReport: (modelId: string) => PerformanceReport;
  codeVersion: string;
  clock: () => Date;
}

// The report's charts: the equity chart shows drawdown underneath, so the drawdown-only one is left out.
const REPORT_CHARTS = new Set([
  'training_curves',
  'confusion_matrix',
  'feature_importance',
  'equity',
  'walk_forward',
  'drift',
  'drift_histograms',
  'performance',
  'research',
]);

/** `trainyard report`: one self-contained HTML page per model version (src/report). */
export function createReportService({ registry, charts, performanceReport, codeVersion, clock }: Deps) {
  /** What the page shows, read from the registry, the artifact folder and the backtest store. */
  async function modelReportData(modelId: string): Promise<ModelReportData> {
    const model = registry.models.get(modelId);
    let result: TrainingResult | null = null;
    try {
      result = JSON.parse(fs.readFileSync(path.join(model.artifact_path, 'result.json'), 'utf8')) as TrainingResult;
    } catch {
      result = null; // archived: the folder is gone
    }
    const bt = charts.latestBacktest(model.model_id);
    const own = result?.backtest as { strategy?: Record<string, number | null>; buy_and_hold?: Record<string, number | null> } | null;
    const backtest: ModelReportData['backtest'] = bt
      ? {
          source: `${bt.mode.replace('_', ' ')} backtest ${bt.operation_id} on ${bt.data.source} (${bt.data.symbols.join(', ')}, ${bt.data.timeframe})`,
          strategy: bt.strategy as unknown as Record<string, number>,
          buy_and_hold: bt.buy_and_hold as unknown as Record<string, number>,
          traded: bt.traded,
        }
      : own?.strategy && own.buy_and_hold
        ? { source: 'out-of-sample test segment, recorded at training', strategy: own.strategy, buy_and_hold: own.buy_and_hold }
        : null;
    const rendered: RenderedChart[] = [];
    for (const c of charts.list(model.model_id)) {
      if (REPORT_CHARTS.has(c.name)) rendered.push(await charts.render(model.model_id, c.name, { format: 'svg' }));
    }
    return {
      generated_at: clock().toISOString(),
      code_version: codeVersion,
      model,
      result,
      gates: registry.evaluations.latestGates(model.model_id),
      approval: registry.evaluations.approval(model.model_id),
      history: registry.models.history(model.model_id),
      backtest,
      drift: registry.evaluations.driftReports(model.model_id, 1)[0] ?? null,
      performance: performanceReport(model.model_id),
      charts: rendered,
    };
  }

  return {
    modelReportData,
    /** The model's report as one HTML document (inline CSS and SVG, no script, no network). */
    modelHtml: async (modelId: string): Promise<string> => modelReportHtml(await modelReportData(modelId)),
  };
}

export type ReportService = ReturnType<typeof createReportService>;
