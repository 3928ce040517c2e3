import { DomainError } from '../domain/errors.js';
import { intOption, parse } from './args.js';
import { cliActor, str, withServices, type CliIo } from './context.js';
import { formatBacktestSummary } from './backtest-summary.js';
import { createProgress } from './progress.js';

const backtestOptions = {
  data: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  'walk-forward': { type: 'string' },
  windows: { type: 'string' },
  'test-bars': { type: 'string' },
  'train-bars': { type: 'string' },
  'min-train-bars': { type: 'string' },
  epochs: { type: 'string' },
  priority: { type: 'string' },
  json: { type: 'boolean' },
  quiet: { type: 'boolean' },
} as const;

/** `trainyard backtest <model_id>`: queue a backtest job, follow it, print strategy against buy-and-hold. */
export async function backtestCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args, backtestOptions);
  const modelId = positionals[0];
  if (!modelId)
    throw new DomainError(
      'INVALID_ARGUMENT',
      'trainyard backtest needs a model id, e.g. "trainyard backtest momentum@3" (see "trainyard models list").',
    );
  const scheme = str(values['walk-forward']);
  if (scheme !== undefined && scheme !== 'expanding' && scheme !== 'rolling')
    throw new DomainError('INVALID_ARGUMENT', `--walk-forward must be expanding or rolling, got "${scheme}".`);
  const wfFlags = ['windows', 'test-bars', 'train-bars', 'min-train-bars', 'epochs'].filter((f) => values[f] !== undefined);
  if (!scheme && wfFlags.length) throw new DomainError('INVALID_ARGUMENT', `--${wfFlags[0]} needs --walk-forward expanding|rolling.`);
  const priority = str(values['priority']) ?? 'normal';
  if (priority !== 'normal' && priority !== 'high')
    throw new DomainError('INVALID_ARGUMENT', `--priority must be normal or high, got "${priority}".`);
  const json = Boolean(values['json']);
  const progress = createProgress(io.stderr, Boolean(values['quiet']) || (json && !io.stderr.isTTY));
  return withServices(values, io, async (services) => {
    try {
      const report = await services.backtests.run(
        {
          model_id: modelId,
          data: str(values['data']),
          from: str(values['from']),
          to: str(values['to']),
          walk_forward: scheme
            ? {
                scheme,
                windows: intOption(str(values['windows']), 'windows', 1),
                test_bars: intOption(str(values['test-bars']), 'test-bars', 2),
                train_bars: intOption(str(values['train-bars']), 'train-bars', 30),
                min_train_bars: intOption(str(values['min-train-bars']), 'min-train-bars', 30),
                epochs: intOption(str(values['epochs']), 'epochs', 1),
              }
            : undefined,
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
      io.stdout.write(json ? JSON.stringify(report) + '\n' : formatBacktestSummary(report) + '\n');
      return 0;
    } finally {
      progress.done();
    }
  });
}
