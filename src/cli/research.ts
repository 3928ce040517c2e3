import { DomainError } from '../domain/errors.js';
import { TERMINAL_STATUSES } from '../domain/operation.js';
import { researchRun } from '../tools/research-schemas.js';
import { intOption, parse } from './args.js';
import { cliActor, str, withServices, writeJson, type CliIo } from './context.js';
import { formatResearchReport } from './research-report.js';

const options = {
  cycles: { type: 'string' },
  goal: { type: 'string' },
  designer: { type: 'string' },
  data: { type: 'string' },
  program: { type: 'string' },
  seed: { type: 'string' },
  resume: { type: 'string' },
  'show-strategy': { type: 'boolean' },
  json: { type: 'boolean' },
  quiet: { type: 'boolean' },
} as const;

const EXIT: Record<string, number> = { completed: 0, cancelled: 130 };

/**
 * `trainyard research` (and `trainyard demo`: one offline cycle on the bundled S&P 500): starts or
 * resumes a run, follows it on stderr, prints the report (or --json). Ctrl-C cancels the run.
 */
export async function researchCommand(args: string[], io: CliIo, demo = false): Promise<number> {
  const { values } = parse(args, options);
  const designer = str(values['designer']) ?? (demo ? 'offline' : 'auto');
  if (!['auto', 'claude', 'offline'].includes(designer))
    throw new DomainError('INVALID_ARGUMENT', `--designer must be claude, offline or auto, got "${designer}".`);
  const json = Boolean(values['json']);
  const quiet = Boolean(values['quiet']);
  const actor = cliActor(io.env);
  return withServices(values, io, async (s) => {
    const resume = str(values['resume']);
    const op = resume
      ? await s.research.resume(resume, actor)
      : await s.research.start(
          {
            goal: str(values['goal']),
            cycles: intOption(str(values['cycles']), 'cycles', 1) ?? (demo ? 1 : undefined),
            designer: designer as 'auto' | 'claude' | 'offline',
            data: str(values['data']) ?? (demo ? 'sample:sp500' : undefined),
            program: str(values['program']) ?? (demo ? 'demo' : undefined),
            seed: intOption(str(values['seed']), 'seed'),
          },
          actor,
        );
    const p = op.params as { program: string; designer: string; cycles: number };
    if (!quiet) io.stderr.write(`research run ${op.id} · program ${p.program} · ${p.designer} designer · ${p.cycles} cycle(s)\n`);
    const onAbort = () => {
      if (!TERMINAL_STATUSES.has(s.registry.operations.get(op.id).status))
        s.research.cancel(op.id, 'interrupted from the terminal (Ctrl-C)', actor);
    };
    io.signal?.addEventListener('abort', onAbort, { once: true });
    let last = '';
    try {
      const done = await s.research.waitFor(op.id, {
        onProgress: (row) => {
          const line = row.message ?? '';
          // One line per phase change; training detail only on a terminal.
          const key = line.split(' · ')[0]!;
          if (quiet || key === last) return;
          last = key;
          io.stderr.write(`  ${key}\n`);
        },
      });
      const { run, cycles } = s.research.status(done.id);
      const summary = researchRun(run, cycles, s.registry);
      if (json) writeJson(io, summary);
      else
        io.stdout.write(
          formatResearchReport(
            summary,
            (id) => cycles.find((c) => c.cycle_id === id)?.strategy_yaml ?? null,
            demo || Boolean(values['show-strategy']),
          ) + '\n',
        );
      return EXIT[done.status] ?? 1;
    } finally {
      io.signal?.removeEventListener('abort', onAbort);
    }
  });
}
