import fs from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../config/load.js';
import { packageRoot } from '../config/paths.js';
import type { ConfigInput } from '../config/schema.js';
import { DomainError, isDomainError } from '../domain/errors.js';
import { createServices, type Services } from '../services.js';
import { intOption, listOption, parse, type ParsedArgs } from './args.js';
import { createProgress } from './progress.js';
import { formatTrainingSummary } from './summary.js';
import { USAGE } from './usage.js';

export interface CliIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WriteStream;
  env: Record<string, string | undefined>;
  cwd: string;
  /** Aborted on SIGINT/SIGTERM by the entry point. */
  signal?: AbortSignal;
}

export const DEFAULT_STRATEGY = 'multi_indicator_fuzzy';

const str = (v: string | boolean | undefined): string | undefined => (typeof v === 'string' ? v : undefined);

const trainOptions = {
  data: { type: 'string' },
  symbols: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  epochs: { type: 'string' },
  seed: { type: 'string' },
  json: { type: 'boolean' },
  quiet: { type: 'boolean' },
} as const;

function version(): string {
  const pkg = JSON.parse(fs.readFileSync(path.join(packageRoot(), 'package.json'), 'utf8')) as { version: string };
  return pkg.version;
}

function servicesFor(values: ParsedArgs['values'], io: CliIo): Services {
  const argv: Partial<ConfigInput> = {
    home: values['home'] as string | undefined,
    backend: values['backend'] as ConfigInput['backend'],
    log_level: (values['log-level'] as ConfigInput['log_level']) ?? (io.env['TRAINYARD_LOG_LEVEL'] ? undefined : 'warn'),
  };
  const config = loadConfig({ argv, env: io.env, file: values['config'] as string | undefined, cwd: io.cwd });
  return createServices(config, { cwd: io.cwd });
}

async function train(args: string[], io: CliIo, demo: boolean): Promise<number> {
  const { values, positionals } = parse(args, trainOptions);
  const ref = demo ? (positionals[0] ?? DEFAULT_STRATEGY) : positionals[0];
  if (!ref)
    throw new DomainError(
      'INVALID_ARGUMENT',
      'trainyard train needs a strategy: a name (see "trainyard strategies"), a path, or inline YAML.',
    );
  const services = servicesFor(values, io);
  const progress = createProgress(io.stderr, Boolean(values['quiet']) || (Boolean(values['json']) && !io.stderr.isTTY));
  try {
    const result = await services.training.train(
      {
        strategy: ref,
        data: str(values['data']) ?? (demo ? 'sample:sp500' : undefined),
        overrides: {
          symbols: listOption(str(values['symbols'])),
          from: str(values['from']),
          to: str(values['to']),
          epochs: intOption(str(values['epochs']), 'epochs', 1),
          seed: intOption(str(values['seed']), 'seed'),
        },
      },
      { signal: io.signal, onProgress: (p) => progress.update(p) },
    );
    progress.done();
    io.stdout.write(values['json'] ? JSON.stringify(result) + '\n' : formatTrainingSummary(result) + '\n');
    return 0;
  } finally {
    progress.done();
    await services.close();
  }
}

function strategies(args: string[], io: CliIo): number {
  const { values } = parse(args, { json: { type: 'boolean' } });
  const services = servicesFor(values, io);
  const names = services.strategies.list();
  io.stdout.write(
    values['json']
      ? JSON.stringify(names) + '\n'
      : names
          .map((n) => {
            const s = services.strategies.resolve(n).strategy;
            return `${n.padEnd(28)} ${s.description}`;
          })
          .join('\n') + '\n',
  );
  return 0;
}

function validate(args: string[], io: CliIo): number {
  const { values, positionals } = parse(args, { json: { type: 'boolean' } });
  if (!positionals[0]) throw new DomainError('INVALID_ARGUMENT', 'trainyard validate needs a strategy name, path or inline YAML.');
  const resolved = servicesFor(values, io).strategies.resolve(positionals[0]);
  io.stdout.write(
    values['json']
      ? JSON.stringify({ valid: true, strategy: resolved.strategy, hash: resolved.hash }) + '\n'
      : `${resolved.source}: valid (strategy ${resolved.strategy.name})\n`,
  );
  return 0;
}

/** Runs one CLI invocation and returns its exit code; never throws. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (!command || command === '--help' || command === '-h' || command === 'help') {
      io.stdout.write(USAGE + '\n');
      return 0;
    }
    if (command === '--version' || command === '-v') {
      io.stdout.write(version() + '\n');
      return 0;
    }
    if (rest.includes('--help') || rest.includes('-h')) {
      io.stdout.write(USAGE + '\n');
      return 0;
    }
    switch (command) {
      case 'train':
        return await train(rest, io, false);
      case 'demo':
        return await train(rest, io, true);
      case 'strategies':
        return strategies(rest, io);
      case 'validate':
        return validate(rest, io);
      default:
        io.stderr.write(`Unknown command "${command}". Commands: demo, train, strategies, validate. Run "trainyard --help".\n`);
        return 2;
    }
  } catch (err) {
    if (isDomainError(err)) {
      io.stderr.write(`error [${err.code}]: ${err.message}\n`);
      if (err.code === 'CANCELLED') return 130;
      return err.code === 'INVALID_ARGUMENT' ? 2 : 1;
    }
    io.stderr.write(`error: unexpected failure: ${(err as Error)?.stack ?? String(err)}\n`);
    return 1;
  }
}
