import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { QueueConfig } from '../../config/schema.js';
import { reportChannel, verdictChannel } from './connection.js';

// A remote trial's pruning round trip: the worker publishes the objective at each epoch end on the
// report channel, the coordinator that owns the job asks its pruner and publishes the verdict on the
// verdict channel, and the worker forwards it to the trial's thread (which waits for it).

/** The objective travels as text: NaN and Infinity (a diverged trial) survive, which JSON numbers do not. */
const reportSchema = z.object({ id: z.string(), step: z.number().int(), value: z.string() });
const verdictSchema = z.object({ id: z.string(), step: z.number().int(), prune: z.boolean() });

function parse<T>(schema: z.ZodType<T>, text: string): T | null {
  try {
    const r = schema.safeParse(JSON.parse(text));
    return r.success ? r.data : null;
  } catch {
    return null;
  }
}

/**
 * The worker's side: `ask` publishes a report and resolves with the verdict, or with "go on" when
 * no coordinator listens, the publish fails, or no verdict comes within `queue.verdict_timeout_ms`.
 * After one missed verdict the job's later reports are answered "go on" at once (logged once): a
 * coordinator that is gone would otherwise cost the timeout at every epoch.
 */
export function createVerdictWaiter(o: { commands: Redis; queue: QueueConfig; logger: Logger }) {
  const { commands, queue: q, logger } = o;
  const pending = new Map<string, { resolve: (prune: boolean) => void; timer: NodeJS.Timeout }>();
  const unanswered = new Set<string>();
  const key = (id: string, step: number) => `${id}#${step}`;
  const goOn = (id: string, step: number, why: string) => {
    unanswered.add(id);
    logger.warn({ operation_id: id, step }, `${why}; the trial goes on unpruned`);
  };

  return {
    ask(id: string, step: number, value: number): Promise<boolean> {
      if (unanswered.has(id)) return Promise.resolve(false);
      return new Promise<boolean>((resolve) => {
        const k = key(id, step);
        pending.get(k)?.resolve(false);
        const timer = setTimeout(() => {
          pending.delete(k);
          goOn(id, step, `no pruning verdict within ${q.verdict_timeout_ms} ms (queue.verdict_timeout_ms)`);
          resolve(false);
        }, q.verdict_timeout_ms);
        pending.set(k, {
          timer,
          resolve: (prune) => {
            clearTimeout(timer);
            pending.delete(k);
            resolve(prune);
          },
        });
        commands.publish(reportChannel(q), JSON.stringify({ id, step, value: String(value) })).then(
          (listeners) => {
            if (listeners === 0) {
              pending.get(k)?.resolve(false);
              goOn(id, step, 'no coordinator listens for pruning reports');
            }
          },
          (err: Error) => {
            pending.get(k)?.resolve(false);
            goOn(id, step, `the pruning report could not be sent (${err.message})`);
          },
        );
      });
    },
    /** A message on the verdict channel (verdicts for other workers' jobs are ignored). */
    answer(text: string): void {
      const v = parse(verdictSchema, text);
      if (v) pending.get(key(v.id, v.step))?.resolve(v.prune);
    },
    /** The job ended here: its waits end ("go on") and it is forgotten. */
    forget(id: string): void {
      unanswered.delete(id);
      for (const [k, p] of pending) if (k.startsWith(`${id}#`)) p.resolve(false);
    },
  };
}

/**
 * The coordinator's side: answers each report on `subscriber` (a connection in subscriber mode)
 * with `verdict(id, step, value)`, published through `commands`; undefined means the job is not this
 * coordinator's (another one on the same queue answers it).
 */
export function answerReports(o: {
  subscriber: Redis;
  commands: Redis;
  queue: QueueConfig;
  logger: Logger;
  verdict: (id: string, step: number, value: number) => boolean | undefined;
}): Promise<unknown> {
  const { subscriber, commands, queue: q, logger } = o;
  subscriber.on('message', (channel: string, text: string) => {
    if (channel !== reportChannel(q)) return;
    const r = parse(reportSchema, text);
    if (!r) return void logger.warn({ text: text.slice(0, 200) }, 'unreadable pruning report');
    const prune = o.verdict(r.id, r.step, Number(r.value));
    if (prune === undefined) return;
    commands
      .publish(verdictChannel(q), JSON.stringify({ id: r.id, step: r.step, prune }))
      .catch((err: Error) => logger.warn({ operation_id: r.id, err: err.message }, 'pruning verdict not sent; the worker goes on'));
  });
  return subscriber.subscribe(reportChannel(q));
}
