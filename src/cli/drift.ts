import { DomainError } from '../domain/errors.js';
import type { DriftCheck } from '../services/drift.js';
import { parse } from './args.js';
import { cliActor, str, withServices, writeJson, type CliIo } from './context.js';

function render(r: DriftCheck): string {
  const features = r.features
    .slice(0, 12)
    .map((f) => `  ${f.name.padEnd(32)} PSI ${f.psi === null ? '   -  ' : f.psi.toFixed(3).padStart(6)}  ${f.status}`);
  const concept = r.concept_drift
    ? `accuracy ${(r.concept_drift.current_accuracy * 100).toFixed(1)}% vs ${(r.concept_drift.reference_accuracy * 100).toFixed(1)}% at validation (${r.concept_drift.labelled_rows} labelled rows, n_eff ${r.concept_drift.n_eff.current} vs ${r.concept_drift.n_eff.reference}; z ${r.concept_drift.z}, p ${r.concept_drift.p_value.toExponential(2)})${r.concept_drift.drift ? ' DRIFT' : ''}`
    : 'not enough labelled rows';
  return [
    `${r.model_id} on ${r.data}${r.selection.timeframe ? ` (${r.selection.timeframe} bars, as trained)` : ''}: ${r.bars} bars, ${r.rows} rows with every feature`,
    `features (most important first${r.features.length > 12 ? `, 12 of ${r.features.length}` : ''}):`,
    ...features,
    `predictions: KS ${r.prediction_drift.ks_statistic} (p ${r.prediction_drift.p_value.toExponential(2)} on n_eff ${r.prediction_drift.n_eff.current} vs ${r.prediction_drift.n_eff.reference}; counts from ${r.prediction_drift.min_statistic})${r.prediction_drift.drift ? ' DRIFT' : ''}`,
    `concept:     ${concept}`,
    `${r.action_required ? 'ACTION REQUIRED' : 'no action needed'}: ${r.recommendation}`,
  ].join('\n');
}

/** `trainyard drift <model_id> --data <spec> [--from] [--to] [--json]`: exit 0 either way; the report says whether to act. */
export async function driftCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args, {
    data: { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
    json: { type: 'boolean' },
  });
  const modelId = positionals[0];
  if (!modelId)
    throw new DomainError('INVALID_ARGUMENT', 'trainyard drift needs a model id, e.g. rsi_mean_reversion@3 (see "trainyard models list").');
  const data = str(values['data']);
  if (!data)
    throw new DomainError('INVALID_ARGUMENT', 'trainyard drift needs --data <spec> with the recent data, e.g. --data csv:./recent.csv.');
  return withServices(values, io, async (s) => {
    const report = await s.drift.check({ model_id: modelId, data, from: str(values['from']), to: str(values['to']) }, cliActor(io.env));
    if (values['json']) writeJson(io, report);
    else io.stdout.write(render(report) + '\n');
    return 0;
  });
}
