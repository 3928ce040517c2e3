import fs from 'node:fs';
import path from 'node:path';
import { packageRoot } from '../config/paths.js';
import { DomainError, isDomainError } from '../domain/errors.js';
import { parse } from './args.js';
import { backtestCommand } from './backtest.js';
import { servicesFor, type CliIo } from './context.js';
import { dataCommand } from './data.js';
import { driftCommand } from './drift.js';
import { ingestCommand } from './ingest.js';
import { modelsCommand } from './models.js';
import { researchCommand } from './research.js';
import { chartCommand, reportCommand } from './report.js';
import { monitorCommand } from './monitor.js';
import { serveCommand } from './serve.js';
import { statusCommand } from './status.js';
import { trainCommand } from './train.js';
import { USAGE } from './usage.js';
import { triggersCommand, watchCommand } from './watch.js';

export type { CliIo } from './context.js';

function version(): string {
  return (JSON.parse(fs.readFileSync(path.join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;
}

async function strategies(args: string[], io: CliIo): Promise<number> {
  const { values } = parse(args, { json: { type: 'boolean' } });
  const services = servicesFor(values, io);
  try {
    const names = services.strategies.list();
    const lines = names.map((n) => `${n.padEnd(28)} ${services.strategies.resolve(n).strategy.description}`);
    io.stdout.write(values['json'] ? JSON.stringify(names) + '\n' : lines.join('\n') + '\n');
    return 0;
  } finally {
    await services.close();
  }
}

async function validate(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(args, { json: { type: 'boolean' } });
  if (!positionals[0]) throw new DomainError('INVALID_ARGUMENT', 'trainyard validate needs a strategy name, path or inline YAML.');
  const services = servicesFor(values, io);
  try {
    const resolved = services.strategies.resolve(positionals[0]);
    io.stdout.write(
      values['json']
        ? JSON.stringify({ valid: true, strategy: resolved.strategy, hash: resolved.hash }) + '\n'
        : `${resolved.source}: valid (strategy ${resolved.strategy.name})\n`,
    );
    return 0;
  } finally {
    await services.close();
  }
}

const COMMANDS: Record<string, (args: string[], io: CliIo) => Promise<number>> = {
  train: trainCommand,
  demo: (a, io) => researchCommand(a, io, true),
  research: (a, io) => researchCommand(a, io),
  drift: driftCommand,
  backtest: backtestCommand,
  models: modelsCommand,
  report: reportCommand,
  chart: chartCommand,
  ingest: ingestCommand,
  data: dataCommand,
  monitor: monitorCommand,
  serve: serveCommand,
  status: statusCommand,
  strategies,
  validate,
  watch: watchCommand,
  triggers: triggersCommand,
};

/** Runs one CLI invocation and returns its exit code; never throws. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (!command || command === '--help' || command === '-h' || command === 'help' || rest.includes('--help') || rest.includes('-h')) {
      io.stdout.write(USAGE + '\n');
      return 0;
    }
    if (command === '--version' || command === '-v') {
      io.stdout.write(version() + '\n');
      return 0;
    }
    const run = COMMANDS[command];
    if (!run) {
      io.stderr.write(`Unknown command "${command}". Commands: ${Object.keys(COMMANDS).join(', ')}. Run "trainyard --help".\n`);
      return 2;
    }
    return await run(rest, io);
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
