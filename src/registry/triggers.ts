import { DomainError } from '../domain/errors.js';
import {
  triggerRecordSchema,
  triggerStateSchema,
  type TriggerOutcome,
  type TriggerRecord,
  type TriggerStateRow,
} from '../domain/trigger.js';
import type { Db } from './db.js';
import { fromJson, toJson } from './json-columns.js';
import { whereEquals } from './where.js';

type Row = Record<string, unknown>;

/** A trigger as the scheduler records it when it fires (before any job exists). */
export type NewTrigger = Omit<TriggerRecord, 'status' | 'operation_id' | 'outcome'>;

export interface ListTriggersFilter {
  name?: string | undefined;
  type?: TriggerRecord['trigger_type'] | undefined;
  status?: TriggerRecord['status'] | undefined;
  limit?: number | undefined;
}

export interface SchedulerState {
  name: string;
  last_trigger_at: string | null;
  last_scheduled_slot: string | null;
}

function parseRow(row: Row): TriggerRecord {
  return triggerRecordSchema.parse({
    ...row,
    reason: fromJson(row['reason']),
    requested_run: fromJson(row['requested_run']),
    postponed: fromJson(row['postponed']) ?? [],
    outcome: fromJson(row['outcome']),
  });
}

/**
 * Retraining triggers and the scheduler's state per model name. A fired trigger and the state it
 * moves to are written in one transaction, so a crash never re-fires a trigger that was recorded
 * nor records one whose slot is not consumed.
 */
export function createTriggerStore(db: Db, clock: () => Date) {
  const byId = db.prepare('SELECT * FROM triggers WHERE trigger_id = ?');
  const byOp = db.prepare('SELECT * FROM triggers WHERE operation_id = ?');
  const stateOf = db.prepare('SELECT * FROM trigger_state WHERE name = ?');
  const insert = db.prepare(
    `INSERT INTO triggers (trigger_id, trigger_type, timestamp, reason, requested_run, name, model_id, data, postponed, status)
     VALUES (@trigger_id, @trigger_type, @timestamp, @reason, @requested_run, @name, @model_id, @data, @postponed, 'pending')`,
  );
  const upsertState = db.prepare(
    `INSERT INTO trigger_state (name, last_trigger_at, last_scheduled_slot, updated_at) VALUES (@name, @last_trigger_at, @last_scheduled_slot, @updated_at)
     ON CONFLICT(name) DO UPDATE SET last_trigger_at = excluded.last_trigger_at, last_scheduled_slot = excluded.last_scheduled_slot, updated_at = excluded.updated_at`,
  );

  function get(id: string): TriggerRecord {
    const row = byId.get(id) as Row | undefined;
    if (!row)
      throw new DomainError('TRIGGER_NOT_FOUND', `No trigger "${id}". Call list_triggers (or "trainyard triggers") to see trigger ids.`, {
        id,
      });
    return parseRow(row);
  }

  return {
    get,

    /** The trigger that started this operation, if any. */
    byOperation(operationId: string): TriggerRecord | null {
      const row = byOp.get(operationId) as Row | undefined;
      return row ? parseRow(row) : null;
    },

    /** Newest first. */
    list(filter: ListTriggersFilter = {}): TriggerRecord[] {
      const where = whereEquals({ name: filter.name, trigger_type: filter.type, status: filter.status });
      const sql = `SELECT * FROM triggers ${where.sql} ORDER BY timestamp DESC, rowid DESC LIMIT ?`;
      return (db.prepare(sql).all(...where.args, Math.min(1000, filter.limit ?? 50)) as Row[]).map(parseRow);
    },

    /** Triggers whose run has not ended yet (pending or training). */
    open(): TriggerRecord[] {
      return (db.prepare(`SELECT * FROM triggers WHERE status IN ('pending','training') ORDER BY rowid`).all() as Row[]).map(parseRow);
    },

    state(name: string): TriggerStateRow | null {
      const row = stateOf.get(name) as Row | undefined;
      return row ? triggerStateSchema.parse(row) : null;
    },

    /** Saves the scheduler state of a name and inserts the triggers that fired, in one transaction. */
    record(state: SchedulerState, fired: NewTrigger[]): TriggerRecord[] {
      return db
        .transaction(() => {
          for (const t of fired) {
            insert.run({
              ...t,
              reason: toJson(t.reason),
              requested_run: toJson(t.requested_run),
              postponed: JSON.stringify(t.postponed),
            });
          }
          upsertState.run({ ...state, updated_at: clock().toISOString() });
          return fired.map((t) => get(t.trigger_id));
        })
        .immediate();
    },

    /** The training job the trigger started. */
    linkOperation(triggerId: string, operationId: string): TriggerRecord {
      db.prepare(`UPDATE triggers SET status = 'training', operation_id = ? WHERE trigger_id = ? AND status = 'pending'`).run(
        operationId,
        triggerId,
      );
      return get(triggerId);
    },

    /**
     * Links the outcome once. Returns the updated record, or null when it had already ended (two
     * observers of the same job end, e.g. the job event and a start-up reconcile).
     */
    finish(triggerId: string, status: 'completed' | 'failed', outcome: TriggerOutcome): TriggerRecord | null {
      const changed = db
        .prepare(`UPDATE triggers SET status = ?, outcome = ? WHERE trigger_id = ? AND status IN ('pending','training')`)
        .run(status, JSON.stringify(outcome), triggerId).changes;
      return changed ? get(triggerId) : null;
    },
  };
}

export type TriggerStore = ReturnType<typeof createTriggerStore>;
