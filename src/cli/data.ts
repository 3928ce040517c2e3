import { DomainError } from '../domain/errors.js';
import { renderDataDescription } from '../pipeline/data/describe.js';
import { intOption, listOption, parse } from './args.js';
import { str, withServices, writeJson, type CliIo } from './context.js';

const USAGE = 'trainyard data show <spec> [--symbols A,B] [--from D] [--to D] [--timeframe 1d] [--rows N] [--json]';

/** `trainyard data show <spec>`: what a data spec loads to (bars, span, timeframe, close range, notes, first rows). */
export async function dataCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args, {
    symbols: { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
    timeframe: { type: 'string' },
    rows: { type: 'string' },
    json: { type: 'boolean' },
  });
  const [sub, spec, ...extra] = positionals;
  if (sub !== 'show' || !spec || extra.length) throw new DomainError('INVALID_ARGUMENT', `Usage: ${USAGE}`);
  return withServices(values, io, async (s) => {
    const out = await s.data.describe({
      data: spec,
      symbols: listOption(str(values['symbols'])),
      from: str(values['from']),
      to: str(values['to']),
      timeframe: str(values['timeframe']),
      rows: intOption(str(values['rows']), 'rows'),
    });
    if (values['json']) writeJson(io, out);
    else io.stdout.write(renderDataDescription(out) + '\n');
    return 0;
  });
}
