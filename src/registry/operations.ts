import { randomBytes } from 'node:crypto';
import { DomainError } from '../domain/errors.js';
import { TERMINAL_STATUSES, operationSchema, type Operation } from '../domain/operation.js';
import type { Db } from './db.js';
import { fromJson, toJson } from './json-columns.js';
import { whereEquals } from './where.js';
import type { ListOperationsFilter, NewOperation, OperationUpdate } from './types.js';

type Row = Record<string, unknown>;

function parseRow(row: Row): Operation {
  return operationSchema.parse({
    ...row,
    params: fromJson(row['params']) ?? {},
    result: fromJson(row['result']),
    error: fromJson(row['error']),
    metrics: fromJson(row['metrics']),
  });
}

export function newOperationId(now: Date): string {
  const stamp = now.toISOString().replace(/[-:T]/g, '').slice(0, 14);
  return `op_${stamp}_${randomBytes(3).toString('hex')}`;
}

/** Operation rows: every long piece of work, its progress and its outcome. */
export function createOperationStore(db: Db, clock: () => Date, pid: number) {
  const byId = db.prepare('SELECT * FROM operations WHERE id = ?');

  function get(id: string): Operation {
    const row = byId.get(id) as Row | undefined;
    if (!row)
      throw new DomainError(
        'OPERATION_NOT_FOUND',
        `No operation "${id}". Call list_operations (or "trainyard status") to see operation ids.`,
        { id },
      );
    return parseRow(row);
  }

  return {
    create(input: NewOperation): Operation {
      const now = clock();
      const id = newOperationId(now);
      db.prepare(
        `INSERT INTO operations (id, type, parent_id, status, progress_pct, params, priority, created_at, owner_pid)
         VALUES (?, ?, ?, 'pending', 0, ?, ?, ?, ?)`,
      ).run(id, input.type, input.parent_id ?? null, JSON.stringify(input.params), input.priority ?? 'normal', now.toISOString(), pid);
      return get(id);
    },

    get,

    /**
     * Applies a patch. A row that already ended keeps its status (a late "completed" after a
     * cancel must not resurrect it): such a patch throws CONFLICT.
     */
    update(id: string, patch: OperationUpdate): Operation {
      return db
        .transaction(() => {
          const current = get(id);
          if (patch.status && TERMINAL_STATUSES.has(current.status) && patch.status !== current.status) {
            throw new DomainError('CONFLICT', `Operation ${id} already ended as ${current.status}; it cannot become ${patch.status}.`, {
              id,
              status: current.status,
            });
          }
          const now = clock().toISOString();
          const sets: string[] = ['heartbeat_at = @now'];
          const args: Record<string, unknown> = { id, now };
          const put = (col: string, value: unknown) => {
            sets.push(`${col} = @${col}`);
            args[col] = value;
          };
          if (patch.status !== undefined) {
            put('status', patch.status);
            if (patch.status === 'running' && !current.started_at) put('started_at', now);
            if (TERMINAL_STATUSES.has(patch.status)) put('finished_at', now);
          }
          if (patch.phase !== undefined) put('phase', patch.phase);
          if (patch.progress_pct !== undefined) put('progress_pct', Math.max(0, Math.min(100, patch.progress_pct)));
          if (patch.message !== undefined) put('message', patch.message);
          if (patch.metrics !== undefined) put('metrics', toJson(patch.metrics));
          if (patch.result !== undefined) put('result', toJson(patch.result));
          if (patch.error !== undefined) put('error', toJson(patch.error));
          db.prepare(`UPDATE operations SET ${sets.join(', ')} WHERE id = @id`).run(args);
          return get(id);
        })
        .immediate();
    },

    heartbeat(id: string): void {
      db.prepare('UPDATE operations SET heartbeat_at = ? WHERE id = ?').run(clock().toISOString(), id);
    },

    /** Makes this process the owner of a row (a coordinator re-attaching a job queued in Redis); the status stays. */
    adopt(id: string): void {
      db.prepare(`UPDATE operations SET owner_pid = ? WHERE id = ?`).run(pid, id);
    },

    /** Claims a pending row for this process (status running, owner = this pid). */
    claim(id: string): Operation {
      db.prepare(`UPDATE operations SET owner_pid = ? WHERE id = ?`).run(pid, id);
      return this.update(id, { status: 'running' });
    },

    list(filter: ListOperationsFilter = {}): Operation[] {
      const where = whereEquals({ type: filter.type, status: filter.status, parent_id: filter.parent_id });
      const sql = `SELECT * FROM operations ${where.sql} ORDER BY created_at DESC, rowid DESC LIMIT ?`;
      return (db.prepare(sql).all(...where.args, Math.min(1000, filter.limit ?? 50)) as Row[]).map(parseRow);
    },

    /** Completed backtests of one model version, newest first (charts and reports read their stored reports). */
    completedBacktests(modelId: string, limit = 20): Operation[] {
      const sql = `SELECT * FROM operations WHERE type = 'backtest' AND status = 'completed' AND json_extract(params, '$.model_id') = ?
        ORDER BY finished_at DESC, rowid DESC LIMIT ?`;
      return (db.prepare(sql).all(modelId, Math.min(1000, limit)) as Row[]).map(parseRow);
    },

    /**
     * Who owns the pending and running top-level jobs (training, backtests, research runs; a research
     * run's own training and backtests count as the run), for the queue limits.
     */
    activeJobOwners(): { client: string | null; actor: string | null }[] {
      return db
        .prepare(
          `SELECT json_extract(params, '$.client') AS client, json_extract(params, '$.actor') AS actor FROM operations
           WHERE status IN ('pending','running') AND parent_id IS NULL AND type IN ('training','backtest','research')`,
        )
        .all() as { client: string | null; actor: string | null }[];
    },

    /**
     * Rows left pending/running by a process that no longer exists become `interrupted`. Rows of
     * live processes (a server beside this CLI) are left alone.
     */
    markInterrupted(isAlive: (pid: number) => boolean): string[] {
      return db
        .transaction(() => {
          const stale = (
            db.prepare(`SELECT id, owner_pid FROM operations WHERE status IN ('pending','running')`).all() as {
              id: string;
              owner_pid: number | null;
            }[]
          ).filter((r) => r.owner_pid === null || (r.owner_pid !== pid && !isAlive(r.owner_pid)));
          const now = clock().toISOString();
          const stmt = db.prepare(
            `UPDATE operations SET status = 'interrupted', finished_at = ?, message = 'the process running it stopped', error = ? WHERE id = ?`,
          );
          for (const r of stale)
            stmt.run(
              now,
              JSON.stringify({ code: 'INTERRUPTED', message: `process ${r.owner_pid ?? '?'} stopped before the operation ended` }),
              r.id,
            );
          return stale.map((r) => r.id);
        })
        .immediate();
    },
  };
}

export type OperationStore = ReturnType<typeof createOperationStore>;

/** True when a process with this pid exists (signal 0 probes without signalling). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
