import { DomainError } from '../domain/errors.js';
import { intOption, listOption, parse } from './args.js';
import { cliActor, str, withServices, type CliIo } from './context.js';
import { createProgress } from './progress.js';
import { formatTrainingSummary } from './summary.js';

const trainOptions = {
  data: { type: 'string' },
  symbols: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  timeframe: { type: 'string' },
  epochs: { type: 'string' },
  seed: { type: 'string' },
  priority: { type: 'string' },
  json: { type: 'boolean' },
  quiet: { type: 'boolean' },
} as const;

/** `trainyard train`: queue a job, follow it, print the result. */
export async function trainCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args, trainOptions);
  const ref = positionals[0];
  if (!ref)
    throw new DomainError(
      'INVALID_ARGUMENT',
      'trainyard train needs a strategy: a name (see "trainyard strategies"), a path, or inline YAML.',
    );
  const priority = str(values['priority']) ?? 'normal';
  if (priority !== 'normal' && priority !== 'high')
    throw new DomainError('INVALID_ARGUMENT', `--priority must be normal or high, got "${priority}".`);
  const json = Boolean(values['json']);
  const progress = createProgress(io.stderr, Boolean(values['quiet']) || (json && !io.stderr.isTTY));
  return withServices(values, io, async (services) => {
    try {
      const result = await services.training.train(
        {
          strategy: ref,
          data: str(values['data']),
          overrides: {
            symbols: listOption(str(values['symbols'])),
            from: str(values['from']),
            to: str(values['to']),
            timeframe: str(values['timeframe']),
            epochs: intOption(str(values['epochs']), 'epochs', 1),
            seed: intOption(str(values['seed']), 'seed'),
          },
        },
        {
          actor: cliActor(io.env),
          priority,
          signal: io.signal,
          onQueued: (op) => {
            if (!json) io.stderr.write(`queued ${op.id}\n`);
          },
          onProgress: (p) => progress.update(p),
        },
      );
      progress.done();
      io.stdout.write(json ? JSON.stringify(result) + '\n' : formatTrainingSummary(result) + '\n');
      return 0;
    } finally {
      progress.done();
    }
  });
}
