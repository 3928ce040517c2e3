import fs from 'node:fs';
import path from 'node:path';
import { packageRoot } from '../config/paths.js';
import { DomainError, isDomainError } from '../domain/errors.js';
import { parse } from './args.js';
import { servicesFor, type CliIo } from './context.js';
import { USAGE } from './usage.js';

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

type Command = (args: string[], io: CliIo) => Promise<number>;

// Each command's module loads when it runs: `trainyard serve` answers its client sooner without
// the other commands' modules (bench/startup.ts).
const COMMANDS: Record<string, Command> = {
  train: async (a, io) => (await import('./train.js')).trainCommand(a, io),
  demo: async (a, io) => (await import('./research.js')).researchCommand(a, io, true),
  research: async (a, io) => (await import('./research.js')).researchCommand(a, io),
  tune: async (a, io) => (await import('./tune.js')).tuneCommand(a, io),
  drift: async (a, io) => (await import('./drift.js')).driftCommand(a, io),
  backtest: async (a, io) => (await import('./backtest.js')).backtestCommand(a, io),
  models: async (a, io) => (await import('./models.js')).modelsCommand(a, io),
  report: async (a, io) => (await import('./report.js')).reportCommand(a, io),
  chart: async (a, io) => (await import('./report.js')).chartCommand(a, io),
  ingest: async (a, io) => (await import('./ingest.js')).ingestCommand(a, io),
  data: async (a, io) => (await import('./data.js')).dataCommand(a, io),
  monitor: async (a, io) => (await import('./monitor.js')).monitorCommand(a, io),
  serve: async (a, io) => (await import('./serve.js')).serveCommand(a, io),
  worker: async (a, io) => (await import('./worker.js')).workerCommand(a, io),
  status: async (a, io) => (await import('./status.js')).statusCommand(a, io),
  strategies,
  validate,
  watch: async (a, io) => (await import('./watch.js')).watchCommand(a, io),
  triggers: async (a, io) => (await import('./watch.js')).triggersCommand(a, io),
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
