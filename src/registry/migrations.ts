import type Database from 'better-sqlite3';

/**
 * Forward-only migrations; `PRAGMA user_version` records how many have run. Never edit a shipped
 * migration: append a new one. Each runs in its own transaction.
 */
export const MIGRATIONS: readonly string[] = [
  // 1: operations, model versions, promotion history, audit log.
  `
  CREATE TABLE operations (
    id TEXT PRIMARY KEY,
    type TEXT NOT NULL CHECK (type IN ('training','backtest','research','drift_check','retraining')),
    parent_id TEXT REFERENCES operations(id) ON DELETE RESTRICT,
    status TEXT NOT NULL CHECK (status IN ('pending','running','completed','failed','cancelled','interrupted')),
    phase TEXT,
    progress_pct REAL NOT NULL DEFAULT 0,
    message TEXT,
    params TEXT NOT NULL DEFAULT '{}',
    result TEXT,
    error TEXT,
    metrics TEXT,
    priority TEXT NOT NULL DEFAULT 'normal' CHECK (priority IN ('normal','high')),
    created_at TEXT NOT NULL,
    started_at TEXT,
    finished_at TEXT,
    heartbeat_at TEXT,
    owner_pid INTEGER
  );
  CREATE INDEX operations_status ON operations(status, created_at);
  CREATE INDEX operations_parent ON operations(parent_id);

  CREATE TABLE model_versions (
    model_id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    version INTEGER NOT NULL CHECK (version >= 1),
    stage TEXT NOT NULL CHECK (stage IN ('candidate','staging','production','retired','archived')),
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    operation_id TEXT REFERENCES operations(id),
    artifact_path TEXT NOT NULL,
    lineage TEXT NOT NULL,
    metrics TEXT NOT NULL,
    ever_in_production INTEGER NOT NULL DEFAULT 0,
    stage_changed_at TEXT NOT NULL,
    UNIQUE (name, version)
  );
  -- At most one production version per name, enforced by the database itself.
  CREATE UNIQUE INDEX one_production_per_name ON model_versions(name) WHERE stage = 'production';
  CREATE INDEX model_versions_stage ON model_versions(stage);
  -- Registered versions are immutable: only lifecycle columns and later metrics may change.
  CREATE TRIGGER model_versions_immutable
    BEFORE UPDATE OF model_id, name, version, created_at, created_by, operation_id, artifact_path, lineage ON model_versions
    BEGIN SELECT RAISE(ABORT, 'model versions are immutable'); END;
  CREATE TRIGGER model_versions_no_delete
    BEFORE DELETE ON model_versions
    BEGIN SELECT RAISE(ABORT, 'model versions are never deleted; archive them'); END;

  CREATE TABLE promotion_history (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    model_id TEXT NOT NULL REFERENCES model_versions(model_id),
    name TEXT NOT NULL,
    from_stage TEXT NOT NULL,
    to_stage TEXT NOT NULL,
    action TEXT NOT NULL,
    actor TEXT NOT NULL,
    at TEXT NOT NULL,
    reason TEXT NOT NULL,
    gate_result TEXT,
    forced INTEGER NOT NULL DEFAULT 0
  );
  CREATE INDEX promotion_history_name ON promotion_history(name, id);
  CREATE TRIGGER promotion_history_append_only_u BEFORE UPDATE ON promotion_history
    BEGIN SELECT RAISE(ABORT, 'promotion history is append-only'); END;
  CREATE TRIGGER promotion_history_append_only_d BEFORE DELETE ON promotion_history
    BEGIN SELECT RAISE(ABORT, 'promotion history is append-only'); END;

  CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    target TEXT,
    args TEXT NOT NULL DEFAULT '{}',
    outcome TEXT NOT NULL CHECK (outcome IN ('ok','error')),
    error TEXT
  );
  CREATE INDEX audit_log_at ON audit_log(at);
  `,
  // Retraining triggers (spec format + what they were for + outcome link) and scheduler state per name.
  `
  CREATE TABLE triggers (
    trigger_id TEXT PRIMARY KEY,
    trigger_type TEXT NOT NULL CHECK (trigger_type IN ('scheduled','performance','drift','new_data')),
    timestamp TEXT NOT NULL,
    reason TEXT NOT NULL,
    requested_run TEXT NOT NULL,
    name TEXT NOT NULL,
    model_id TEXT,
    data TEXT NOT NULL,
    postponed TEXT NOT NULL DEFAULT '[]',
    status TEXT NOT NULL CHECK (status IN ('pending','training','completed','failed')),
    operation_id TEXT REFERENCES operations(id),
    outcome TEXT
  );
  CREATE INDEX triggers_name ON triggers(name, timestamp);
  CREATE INDEX triggers_status ON triggers(status);
  CREATE UNIQUE INDEX triggers_operation ON triggers(operation_id) WHERE operation_id IS NOT NULL;

  CREATE TABLE trigger_state (
    name TEXT PRIMARY KEY,
    last_trigger_at TEXT,
    last_scheduled_slot TEXT,
    updated_at TEXT NOT NULL
  );
  `,
];

export function schemaVersion(db: Database.Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/** Runs every migration after the file's recorded version; returns the number applied. */
export function migrate(db: Database.Database, migrations: readonly string[] = MIGRATIONS): number {
  const from = schemaVersion(db);
  if (from > migrations.length) {
    throw new Error(`database schema version ${from} is newer than this trainyard (${migrations.length}); upgrade trainyard`);
  }
  for (let v = from; v < migrations.length; v++) {
    db.transaction(() => {
      db.exec(migrations[v]!);
      db.pragma(`user_version = ${v + 1}`);
    }).immediate();
  }
  return migrations.length - from;
}
