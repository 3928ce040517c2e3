import { DomainError } from '../domain/errors.js';
import { triggerTypes, type TriggerRecord } from '../domain/trigger.js';
import type { Alert } from '../monitoring/alerts.js';
import type { SchedulerDecision } from '../monitoring/scheduler.js';
import { schedulerFor } from '../services/scheduler.js';
import { intOption, parse } from './args.js';
import { str, withServices, writeJson, type CliIo } from './context.js';
import { installProcessHandlers } from './process-handlers.js';

const num = (v: number | null, digits: number) => (v === null ? '-' : v.toFixed(digits));

function decisionLine(d: SchedulerDecision): string {
  const head = `${d.at} ${d.model_id}:`;
  if (d.skipped) return `${head} skipped: ${d.skipped}`;
  const obs = `psi ${num(d.observations.max_psi, 3)}, new bars ${num(d.observations.new_bars, 0)}, volatility ${num(d.observations.volatility, 3)}, degraded days ${num(d.observations.degraded_days, 0)}`;
  const fired = d.fired.map(
    (t) => `FIRED ${t.trigger_type} (${t.reason.message}) -> ${t.trigger_id} ${t.operation_id ?? t.outcome?.message ?? ''}`,
  );
  const postponed = d.postponed.map((p) => `${p.trigger_type} postponed: ${p.why}`);
  const parts = [...fired, ...postponed];
  return `${head} ${parts.length ? parts.join('; ') : 'no trigger'} [${obs}]${d.next_scheduled ? ` next scheduled ${d.next_scheduled}` : ''}`;
}

function triggerLine(t: TriggerRecord): string {
  const outcome = t.outcome ? ` -> ${t.outcome.message}` : t.operation_id ? ` -> ${t.operation_id} running` : '';
  return `${t.timestamp.slice(0, 19).replace('T', ' ')}  ${t.trigger_id}  ${t.name.padEnd(22)} ${t.trigger_type.padEnd(11)} ${t.status.padEnd(9)} ${t.reason.message}${outcome}`;
}

const alertLine = (a: Alert) => `! ${a.level} ${a.kind} ${a.name}: ${a.message}`;

/**
 * `trainyard watch [--once] [--interval S] [--json]`: the retraining scheduler in the foreground.
 * Prints every decision (and every escalation) until SIGINT/SIGTERM. `--once` checks once, waits
 * for the retraining runs it started, prints their outcomes and exits (for cron): exit code 1 when
 * a check or a run failed.
 */
export async function watchCommand(args: string[], io: CliIo): Promise<number> {
  const { values } = parse(args, { once: { type: 'boolean' }, interval: { type: 'string' }, json: { type: 'boolean' } });
  const json = Boolean(values['json']);
  const intervalSeconds = intOption(str(values['interval']), 'interval', 1);
  return withServices(values, io, async (services) => {
    const print = (d: SchedulerDecision[]) => {
      if (json) for (const x of d) writeJson(io, { decision: x });
      else if (!d.length) io.stdout.write('No production models to watch. Promote one: trainyard models promote <id> --to production.\n');
      else io.stdout.write(d.map(decisionLine).join('\n') + '\n');
    };
    const removeHandlers = installProcessHandlers(process, services.logger, 'trainyard watch');
    const stopAlerts = services.alerts.on((a) => (json ? writeJson(io, { alert: a }) : io.stdout.write(alertLine(a) + '\n')));
    const scheduler = schedulerFor(services, {
      command: values['once'] ? 'trainyard watch --once' : 'trainyard watch',
      triggers: intervalSeconds ? { interval_seconds: intervalSeconds } : undefined,
      onDecisions: print,
    });
    try {
      if (values['once']) {
        const decisions = await scheduler.tick();
        const aborted = new Promise<null>((resolve) => {
          if (io.signal?.aborted) resolve(null);
          io.signal?.addEventListener('abort', () => resolve(null), { once: true });
        });
        const outcomes = (await Promise.race([scheduler.settle(), aborted])) ?? [];
        for (const t of outcomes) {
          if (json) writeJson(io, { trigger: t });
          else io.stdout.write(triggerLine(t) + '\n');
        }
        const failed = decisions.some((d) => d.skipped?.startsWith('check failed')) || outcomes.some((t) => t.status === 'failed');
        await scheduler.stop();
        return failed ? 1 : 0;
      }
      const cfg = services.config.triggers;
      io.stderr.write(
        `trainyard watch: checking every ${intervalSeconds ?? cfg.interval_seconds} s${cfg.schedule ? `, schedule "${cfg.schedule}" UTC` : ''}; Ctrl-C stops.\n`,
      );
      scheduler.start();
      await new Promise<void>((resolve) => {
        if (io.signal?.aborted) resolve();
        io.signal?.addEventListener('abort', () => resolve(), { once: true });
      });
      await scheduler.stop();
      return 0;
    } finally {
      stopAlerts();
      removeHandlers();
    }
  });
}

/** `trainyard triggers [--name N] [--type T] [--limit N] [--json]`: recorded triggers with their outcome. */
export async function triggersCommand(args: string[], io: CliIo): Promise<number> {
  const { values } = parse(args, {
    name: { type: 'string' },
    type: { type: 'string' },
    limit: { type: 'string' },
    json: { type: 'boolean' },
  });
  const type = str(values['type']);
  if (type !== undefined && !(triggerTypes as readonly string[]).includes(type))
    throw new DomainError('INVALID_ARGUMENT', `--type must be one of ${triggerTypes.join(', ')}, got "${type}".`);
  return withServices(values, io, (s) => {
    const list = s.registry.triggers.list({
      name: str(values['name']),
      type: type as TriggerRecord['trigger_type'] | undefined,
      limit: intOption(str(values['limit']), 'limit', 1) ?? 50,
    });
    if (values['json']) writeJson(io, list);
    else
      io.stdout.write(
        list.length ? list.map(triggerLine).join('\n') + '\n' : 'No triggers recorded yet. "trainyard watch" records them.\n',
      );
    return 0;
  });
}
