import type { Logger } from 'pino';
import type { Db } from './db.js';
import { fromJson } from './json-columns.js';
import { whereEquals } from './where.js';
import type { Actor, AuditEntry } from './types.js';

/** One audit row to append; `at` comes from the registry's clock. */
export interface NewAuditEntry {
  actor: Actor;
  action: string;
  target?: string | null;
  args?: Record<string, unknown>;
  outcome?: 'ok' | 'error';
  /** The failure (an Error, a DomainError or text); its presence makes the outcome 'error'. */
  error?: unknown;
}

export interface AuditFilter {
  limit?: number;
  actor?: string;
  action?: string;
}

/** "CODE: message" for DomainErrors (and other coded errors), the message otherwise. */
function errorText(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? `${code}: ${error.message}` : error.message;
}

/** The append-only audit log: who called which mutating registry function, with what, and how it ended. */
export function createAuditLog(db: Db, clock: () => Date, logger?: Logger) {
  const insert = db.prepare('INSERT INTO audit_log (at, actor, action, target, args, outcome, error) VALUES (?, ?, ?, ?, ?, ?, ?)');

  /** Appends one row (its own implicit transaction, never part of the audited call's). */
  function write(entry: NewAuditEntry): void {
    const failed = entry.error !== undefined || entry.outcome === 'error';
    insert.run(
      clock().toISOString(),
      entry.actor,
      entry.action,
      entry.target ?? null,
      JSON.stringify(entry.args ?? {}),
      failed ? 'error' : 'ok',
      entry.error === undefined ? null : errorText(entry.error),
    );
  }

  const log = {
    write,

    append(actor: Actor, action: string, target: string | null, args: Record<string, unknown>, error?: unknown): void {
      write({ actor, action, target, args, error });
    },

    /**
     * Runs a mutating call and records it, whether it succeeds or throws. The row is written after
     * the call's own transaction ended, so a rolled-back failure is still on record.
     */
    record<T>(actor: Actor, action: string, target: string | null, args: Record<string, unknown>, fn: () => T): T {
      // An audit row that cannot be written is logged; it never changes the call's own outcome
      // (a committed promotion must not be reported as failed, nor a failure's error replaced).
      const safeWrite = (entry: NewAuditEntry) => {
        try {
          write(entry);
        } catch (err) {
          logger?.error({ err, entry: { ...entry, error: undefined } }, 'could not write the audit row');
        }
      };
      let out: T;
      try {
        out = fn();
      } catch (err) {
        safeWrite({ actor, action, target, args, error: err });
        throw err;
      }
      safeWrite({ actor, action, target, args });
      return out;
    },

    /** Newest first. */
    list(filter: AuditFilter = {}): AuditEntry[] {
      const where = whereEquals({ actor: filter.actor, action: filter.action });
      const rows = db
        .prepare(`SELECT * FROM audit_log ${where.sql} ORDER BY id DESC LIMIT ?`)
        .all(...where.args, Math.min(10_000, filter.limit ?? 100)) as Record<string, unknown>[];
      return rows.map((r) => ({
        id: r['id'] as number,
        at: r['at'] as string,
        actor: r['actor'] as string,
        action: r['action'] as string,
        target: (r['target'] as string | null) ?? null,
        args: fromJson<Record<string, unknown>>(r['args']) ?? {},
        outcome: r['outcome'] === 'error' ? 'error' : 'ok',
        error: (r['error'] as string | null) ?? null,
      }));
    },
  };
  return log;
}

export type AuditLog = ReturnType<typeof createAuditLog>;
