import { DomainError } from '../domain/errors.js';
import { listOption, parse } from './args.js';
import { cliActor, str, withServices, writeJson, type CliIo } from './context.js';

/** `trainyard ingest --data <spec> [--symbols A,B] [--replace] [--json]`: append bars, score them with production models. */
export async function ingestCommand(args: string[], io: CliIo): Promise<number> {
  const { values } = parse(args, {
    data: { type: 'string' },
    symbols: { type: 'string' },
    replace: { type: 'boolean' },
    json: { type: 'boolean' },
  });
  const data = str(values['data']);
  if (!data) throw new DomainError('INVALID_ARGUMENT', 'trainyard ingest needs --data <spec>, e.g. --data csv:./latest.csv.');
  return withServices(values, io, async (s) => {
    const out = await s.ingest.ingest(
      { data, symbols: listOption(str(values['symbols'])), on_conflict: values['replace'] ? 'replace' : 'reject' },
      cliActor(io.env),
    );
    if (values['json']) {
      writeJson(io, out);
      return 0;
    }
    const lines = [
      `batch ${out.batch_id} (${out.timeframe}): ${out.added} bars added, ${out.duplicates} duplicates skipped${out.replaced ? `, ${out.replaced} replaced` : ''}`,
      ...out.symbols.map(
        (x) =>
          `  ${x.symbol.padEnd(10)} ${x.added} added, ${x.duplicates} duplicates  ${x.first?.slice(0, 10) ?? '-'} .. ${x.last?.slice(0, 10) ?? '-'}`,
      ),
      ...out.gaps.map((g) => `  gap ${g.symbol}: ${g.from.slice(0, 16)} -> ${g.to.slice(0, 16)} (${g.spacing_days} days)`),
      ...out.monitoring.updated.map(
        (u) =>
          `  ${u.model_id}: scored ${u.scored} bars, ${u.resolved} outcomes resolved${u.retraining_recommended ? ' · retraining recommended' : ''}`,
      ),
      ...out.monitoring.skipped.map((u) => `  ${u.model_id}: not scored (${u.reason})`),
      ...out.notes.map((n) => `  note: ${n}`),
    ];
    io.stdout.write(lines.join('\n') + '\n');
    return 0;
  });
}
