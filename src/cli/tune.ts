import fs from 'node:fs';
import { DomainError } from '../domain/errors.js';
import { TERMINAL_STATUSES } from '../domain/operation.js';
import { YAML } from '../config/yaml.js';
import { renderTuning, showParams, tuningRun } from '../tools/tuning-schemas.js';
import { intOption, parse } from './args.js';
import { cliActor, str, withServices, writeJson, type CliIo } from './context.js';

const options = {
  trials: { type: 'string' },
  sampler: { type: 'string' },
  objective: { type: 'string' },
  cv: { type: 'string' },
  pruner: { type: 'string' },
  data: { type: 'string' },
  parallel: { type: 'string' },
  seed: { type: 'string' },
  epochs: { type: 'string' },
  search: { type: 'string' },
  resume: { type: 'string' },
  'no-retrain': { type: 'boolean' },
  json: { type: 'boolean' },
  quiet: { type: 'boolean' },
} as const;

const EXIT: Record<string, number> = { completed: 0, cancelled: 130 };

function oneOf<T extends string>(value: string | undefined, allowed: readonly T[], flag: string): T | undefined {
  if (value === undefined) return undefined;
  if (!allowed.includes(value as T))
    throw new DomainError('INVALID_ARGUMENT', `--${flag} must be ${allowed.join(', ')}; got "${value}".`, { field: flag });
  return value as T;
}

/** --search: a YAML/JSON file or inline YAML/JSON text (a mapping of field path -> range or choices). */
function searchOption(value: string | undefined): unknown {
  if (value === undefined) return undefined;
  const text = /[{:\n]/.test(value) ? value : fs.existsSync(value) ? fs.readFileSync(value, 'utf8') : null;
  if (text === null)
    throw new DomainError(
      'INVALID_ARGUMENT',
      `--search: no file "${value}"; pass a YAML file or inline YAML such as '{training.learning_rate: {low: 1e-4, high: 1e-2, log: true}}'.`,
      { field: 'search' },
    );
  try {
    const doc = YAML.parse(text) as Record<string, unknown> | null;
    return doc && typeof doc === 'object' && 'search' in doc ? doc['search'] : doc;
  } catch (err) {
    throw new DomainError('INVALID_ARGUMENT', `--search is not valid YAML (${err instanceof YAML.YAMLError ? err.code : 'parse error'}).`, {
      field: 'search',
    });
  }
}

/**
 * `trainyard tune <strategy> [--trials N] [--sampler tpe|random] [--pruner hyperband|successive_halving|none]
 * [--data spec] [--parallel N] [--seed N] [--epochs N] [--search file|yaml] [--json]`, or `--resume <run_id>`:
 * starts a tuning run, follows it trial by trial on stderr, prints the study (or --json). Ctrl-C cancels it.
 */
export async function tuneCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args, options);
  const json = Boolean(values['json']);
  const quiet = Boolean(values['quiet']);
  const actor = cliActor(io.env);
  const resume = str(values['resume']);
  const strategy = positionals[0];
  if (!resume && !strategy)
    throw new DomainError('INVALID_ARGUMENT', 'Name the strategy to tune: trainyard tune <strategy> --trials N (or --resume <run_id>).', {
      field: 'strategy',
    });
  const trials = intOption(str(values['trials']), 'trials', 1);
  const sampler = oneOf(str(values['sampler']), ['tpe', 'random'] as const, 'sampler');
  const pruner = oneOf(str(values['pruner']), ['hyperband', 'successive_halving', 'none'] as const, 'pruner');
  const epochs = intOption(str(values['epochs']), 'epochs', 1);
  const search = searchOption(str(values['search']));
  return withServices(values, io, async (s) => {
    const op = resume
      ? s.tuning.resume(resume, actor, undefined, undefined, { trials })
      : s.tuning.start(
          {
            strategy: strategy!,
            search,
            cv: intOption(str(values['cv']), 'cv', 3),
            objective: oneOf(str(values['objective']), ['val_loss', 'val_sharpe'] as const, 'objective'),
            data: str(values['data']),
            trials,
            sampler,
            pruner,
            parallel: intOption(str(values['parallel']), 'parallel', 1),
            seed: intOption(str(values['seed']), 'seed'),
            overrides: epochs !== undefined ? { epochs } : undefined,
            retrain: !values['no-retrain'],
          },
          actor,
        );
    const p = op.params as { strategy: string; trials: number; sampler: string; pruner: string; parallel: number };
    if (!quiet)
      io.stderr.write(
        `tuning run ${op.id} · ${p.strategy} · ${p.trials} trials · ${p.sampler} sampler · ${p.pruner} pruner · ${p.parallel} at once\n`,
      );
    const onAbort = () => {
      if (!TERMINAL_STATUSES.has(s.registry.operations.get(op.id).status))
        s.tuning.cancel(op.id, 'interrupted from the terminal (Ctrl-C)', actor);
    };
    io.signal?.addEventListener('abort', onAbort, { once: true });
    const off = s.tuning.onTrial(op.id, (t) => {
      if (quiet || t.state === 'running') return;
      const last = t.intermediate[t.intermediate.length - 1];
      const where = t.state === 'pruned' && last ? ` at epoch ${last.step}` : '';
      const value = t.value ?? last?.value;
      io.stderr.write(
        `  trial ${t.number} ${t.state}${where}${value !== undefined ? ` · objective ${value.toFixed(4)}` : ''} · ${showParams(t.params)}\n`,
      );
    });
    try {
      const done = await s.tuning.waitFor(op.id, {
        onProgress: (row) => {
          if (!quiet && row.phase === 'retraining_best') io.stderr.write(`  ${row.message ?? ''}\n`);
        },
      });
      const { run, trials: all } = s.tuning.status(done.id);
      const summary = tuningRun(run, all);
      if (json) writeJson(io, summary);
      else io.stdout.write(renderTuning(summary) + '\n');
      return EXIT[done.status] ?? 1;
    } finally {
      off();
      io.signal?.removeEventListener('abort', onAbort);
    }
  });
}
