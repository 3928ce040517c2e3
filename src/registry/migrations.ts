import type Database from 'better-sqlite3';

/**
 * A migration that rebuilds a table other tables point at (SQLite cannot change a CHECK in place):
 * it runs with foreign keys off, as SQLite's "making other kinds of table schema changes" procedure
 * says, and the references are checked before it commits.
 */
export interface RebuildMigration {
  sql: string;
  foreignKeysOff: true;
}

/**
 * Forward-only migrations; `PRAGMA user_version` records how many have run. Never edit a shipped
 * migration: append a new one. Each runs in its own transaction.
 */
export const MIGRATIONS: readonly (string | RebuildMigration)[] = [
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
  // 2: gate results stored with each model version, human approvals, drift reports.
  `
  CREATE TABLE gate_results (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    model_id TEXT NOT NULL REFERENCES model_versions(model_id),
    gate TEXT NOT NULL,
    passed INTEGER NOT NULL,
    result TEXT NOT NULL,
    thresholds TEXT NOT NULL,
    context TEXT NOT NULL,
    actor TEXT NOT NULL,
    at TEXT NOT NULL
  );
  CREATE INDEX gate_results_model ON gate_results(model_id, gate, id);

  CREATE TABLE approvals (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    model_id TEXT NOT NULL REFERENCES model_versions(model_id),
    approved_by TEXT NOT NULL,
    reason TEXT NOT NULL,
    at TEXT NOT NULL
  );
  CREATE INDEX approvals_model ON approvals(model_id, id);
  CREATE TRIGGER approvals_append_only_u BEFORE UPDATE ON approvals
    BEGIN SELECT RAISE(ABORT, 'approvals are append-only'); END;

  CREATE TABLE drift_reports (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    model_id TEXT NOT NULL REFERENCES model_versions(model_id),
    data TEXT NOT NULL,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    action_required INTEGER NOT NULL,
    report TEXT NOT NULL
  );
  CREATE INDEX drift_reports_model ON drift_reports(model_id, id);
  `,
  // 3: research cycles: each cycle's persisted state machine and its journal entry.
  `
  CREATE TABLE research_cycles (
    cycle_id TEXT PRIMARY KEY,
    program TEXT NOT NULL,
    run_id TEXT NOT NULL REFERENCES operations(id),
    cycle_index INTEGER NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('designing','training','backtesting','assessing','done',
      'gate_rejected_training','gate_rejected_backtest','failed','cancelled')),
    seed INTEGER NOT NULL,
    designer TEXT NOT NULL,
    strategy_name TEXT,
    strategy_hash TEXT,
    strategy_yaml TEXT,
    hypothesis TEXT,
    training_op_id TEXT REFERENCES operations(id),
    model_id TEXT REFERENCES model_versions(model_id),
    metrics TEXT,
    gates TEXT,
    verdict TEXT,
    rationale TEXT,
    next_hypotheses TEXT,
    stage TEXT,
    usage TEXT NOT NULL DEFAULT '{}',
    error TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    finished_at TEXT,
    UNIQUE (program, cycle_index)
  );
  CREATE INDEX research_cycles_run ON research_cycles(run_id);
  CREATE INDEX research_cycles_program ON research_cycles(program, cycle_index);
  CREATE INDEX research_cycles_model ON research_cycles(model_id);
  `,
  // 4: ingested bars (one timeframe per symbol), ingest batches, production scoring and evaluations.
  `
  CREATE TABLE ingest_batches (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    source TEXT NOT NULL,
    timeframe TEXT NOT NULL,
    symbols TEXT NOT NULL,
    on_conflict TEXT NOT NULL CHECK (on_conflict IN ('reject','replace')),
    received INTEGER NOT NULL,
    added INTEGER NOT NULL,
    duplicates INTEGER NOT NULL,
    replaced INTEGER NOT NULL,
    gaps TEXT NOT NULL DEFAULT '[]'
  );
  CREATE TABLE bars (
    symbol TEXT NOT NULL,
    timeframe TEXT NOT NULL,
    time INTEGER NOT NULL,
    open REAL NOT NULL,
    high REAL NOT NULL,
    low REAL NOT NULL,
    close REAL NOT NULL,
    volume REAL NOT NULL,
    batch_id INTEGER NOT NULL REFERENCES ingest_batches(id),
    PRIMARY KEY (symbol, timeframe, time)
  ) WITHOUT ROWID;
  CREATE TABLE performance_predictions (
    model_id TEXT NOT NULL REFERENCES model_versions(model_id),
    symbol TEXT NOT NULL,
    time INTEGER NOT NULL,
    p_down REAL NOT NULL,
    p_flat REAL NOT NULL,
    p_up REAL NOT NULL,
    predicted INTEGER NOT NULL,
    position INTEGER NOT NULL CHECK (position IN (-1, 0, 1)),
    scored_at TEXT NOT NULL,
    realised_label INTEGER,
    realised_return REAL,
    bar_return REAL,
    resolved_at TEXT,
    PRIMARY KEY (model_id, symbol, time)
  ) WITHOUT ROWID;
  CREATE TABLE performance_evaluations (
    model_id TEXT NOT NULL REFERENCES model_versions(model_id),
    window_end INTEGER NOT NULL,
    evaluated_at TEXT NOT NULL,
    metrics TEXT NOT NULL,
    degraded_metrics TEXT NOT NULL,
    retraining_recommended INTEGER NOT NULL,
    PRIMARY KEY (model_id, window_end)
  ) WITHOUT ROWID;
  `,
  // 5: retraining triggers (spec format + what they were for + outcome link) and scheduler state per name.
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
  // 6: a research cycle's one evaluation on its run's lockbox.
  `
  ALTER TABLE research_cycles ADD COLUMN lockbox TEXT;
  `,
  // 7: tuning runs and their trials (operation types 'tuning' and 'trial'; the trial store).
  {
    foreignKeysOff: true,
    sql: `
  CREATE TABLE operations_v7 (
    id TEXT PRIMARY KEY,
    type TEXT NOT NULL CHECK (type IN ('training','backtest','research','drift_check','retraining','tuning','trial')),
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
  INSERT INTO operations_v7 SELECT * FROM operations;
  DROP TABLE operations;
  ALTER TABLE operations_v7 RENAME TO operations;
  CREATE INDEX operations_status ON operations(status, created_at);
  CREATE INDEX operations_parent ON operations(parent_id);

  CREATE TABLE tuning_trials (
    study_id TEXT NOT NULL REFERENCES operations(id),
    number INTEGER NOT NULL CHECK (number >= 0),
    run_id TEXT NOT NULL REFERENCES operations(id),
    operation_id TEXT REFERENCES operations(id),
    name TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('running','complete','pruned','failed')),
    params TEXT NOT NULL,
    value REAL,
    intermediate TEXT NOT NULL DEFAULT '[]',
    sharpe REAL,
    metrics TEXT,
    error TEXT,
    started_at TEXT NOT NULL,
    ended_at TEXT,
    duration_s REAL,
    PRIMARY KEY (study_id, number)
  );
  CREATE INDEX tuning_trials_name ON tuning_trials(name);
  CREATE INDEX tuning_trials_run ON tuning_trials(run_id);
  `,
  },
  // 8: the version an operation registered, found by operation (registration is once per operation).
  `
  CREATE INDEX model_versions_operation ON model_versions(operation_id);
  `,
];

export function schemaVersion(db: Database.Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/** Runs every migration after the file's recorded version; returns the number applied. */
export function migrate(db: Database.Database, migrations: readonly (string | RebuildMigration)[] = MIGRATIONS): number {
  const from = schemaVersion(db);
  if (from > migrations.length) {
    throw new Error(`database schema version ${from} is newer than this trainyard (${migrations.length}); upgrade trainyard`);
  }
  for (let v = from; v < migrations.length; v++) {
    const m = migrations[v]!;
    const rebuild = typeof m !== 'string';
    const fkOn = db.pragma('foreign_keys', { simple: true }) === 1;
    // foreign_keys cannot change inside a transaction: off before, back on after.
    if (rebuild && fkOn) db.pragma('foreign_keys = OFF');
    try {
      db.transaction(() => {
        db.exec(rebuild ? m.sql : m);
        if (rebuild) {
          const broken = db.pragma('foreign_key_check') as unknown[];
          if (broken.length)
            throw new Error(`migration ${v + 1} would break ${broken.length} foreign key reference(s); nothing was changed`);
        }
        db.pragma(`user_version = ${v + 1}`);
      }).immediate();
    } finally {
      if (rebuild && fkOn) db.pragma('foreign_keys = ON');
    }
  }
  return migrations.length - from;
}
