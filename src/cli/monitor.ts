import type { PerformanceReport } from '../monitoring/performance-report.js';
import { parse } from './args.js';
import { str, withServices, writeJson, type CliIo } from './context.js';

function reportLines(r: PerformanceReport): string[] {
  const head = `${r.model_id} (${r.stage}) · window ending ${r.window_end?.slice(0, 10) ?? '-'} · ${r.scored_bars} bars scored, ${r.resolved_bars} resolved`;
  const metrics = Object.entries(r.metrics).map(
    ([k, m]) =>
      `  ${k.padEnd(30)} ${m.value === null ? '-'.padStart(8) : m.value.toFixed(3).padStart(8)}  threshold ${m.threshold}  ${m.status}  (${m.samples}/${m.min_samples} samples)`,
  );
  const since = r.degraded_since ? [`  degraded since ${r.degraded_since.slice(0, 10)} (${r.degraded_days} days)`] : [];
  return [head, ...metrics, ...since, `  ${r.retraining_recommended ? 'RETRAINING RECOMMENDED: ' : ''}${r.recommendation}`];
}

/** `trainyard monitor [--name N] [--update] [--json]`: performance of the production models. */
export async function monitorCommand(args: string[], io: CliIo): Promise<number> {
  const { values } = parse(args, { name: { type: 'string' }, update: { type: 'boolean' }, json: { type: 'boolean' } });
  const name = str(values['name']);
  return withServices(values, io, async (s) => {
    if (values['update']) await s.performance.update(name ? [name] : undefined);
    const reports = s.performance.report({ name });
    if (values['json']) writeJson(io, { models: reports });
    else
      io.stdout.write(
        reports.length
          ? reports.flatMap(reportLines).join('\n') + '\n'
          : 'No production model. Promote one with "trainyard models promote".\n',
      );
    return 0;
  });
}
