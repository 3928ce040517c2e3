import type { Db } from './db.js';
import { fromJson } from './json-columns.js';
import { whereEquals } from './where.js';
import type { Actor, AuditEntry } from './types.js';

export function createAuditLog(db: Db, clock: () => Date) {
  const insert = db.prepare('INSERT INTO audit_log (at, actor, action, target, args, outcome, error) VALUES (?, ?, ?, ?, ?, ?, ?)');
  const log = {
    append(actor: Actor, action: string, target: string | null, args: Record<string, unknown>, error?: unknown): void {
      const message = error === undefined ? null : error instanceof Error ? error.message : String(error);
      insert.run(clock().toISOString(), actor, action, target, JSON.stringify(args), error === undefined ? 'ok' : 'error', message);
    },

    /**
     * Runs a mutating call and records it, whether it succeeds or throws. The row is written after
     * the call's own transaction ended, so a rolled-back failure is still on record.
     */
    record<T>(actor: Actor, action: string, target: string | null, args: Record<string, unknown>, fn: () => T): T {
      try {
        const out = fn();
        log.append(actor, action, target, args);
        return out;
      } catch (err) {
        log.append(actor, action, target, args, err);
        throw err;
      }
    },

    list(filter: { limit?: number; actor?: string; action?: string } = {}): AuditEntry[] {
      const where = whereEquals({ actor: filter.actor, action: filter.action });
      const rows = db
        .prepare(`SELECT * FROM audit_log ${where.sql} ORDER BY id DESC LIMIT ?`)
        .all(...where.args, filter.limit ?? 100) as Record<string, unknown>[];
      return rows.map((r) => ({ ...(r as unknown as AuditEntry), args: fromJson<Record<string, unknown>>(r['args']) ?? {} }));
    },
  };
  return log;
}

export type AuditLog = ReturnType<typeof createAuditLog>;
