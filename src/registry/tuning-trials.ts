import { DomainError } from '../domain/errors.js';
import type { ParamValue, TrialRecord, TrialState } from '../tuning/types.js';
import type { Db } from './db.js';
import { fromJson, toJson } from './json-columns.js';

/** A tuning trial as stored: what samplers see plus its bookkeeping. */
export interface StoredTrial extends TrialRecord {
  study_id: string;
  /** The tuning operation that ran it (a resumed study's trials carry the resuming run). */
  run_id: string;
  /** The trial's job (operation type `trial`), once queued. */
  operation_id: string | null;
  /** Registered model name the trial counts against (deflated Sharpe). */
  name: string;
  /** Sharpe ratio per bar of the trial's strategy on the validation part (null when it had no trades to score). */
  sharpe: number | null;
  metrics: Record<string, unknown> | null;
  error: string | null;
  started_at: string;
  ended_at: string | null;
  duration_s: number | null;
}

type Row = Record<string, unknown>;

function parseRow(r: Row): StoredTrial {
  return {
    study_id: r['study_id'] as string,
    number: r['number'] as number,
    run_id: r['run_id'] as string,
    operation_id: (r['operation_id'] as string | null) ?? null,
    name: r['name'] as string,
    state: r['state'] as TrialState,
    params: fromJson<Record<string, ParamValue>>(r['params']) ?? {},
    value: (r['value'] as number | null) ?? null,
    intermediate: fromJson<{ step: number; value: number }[]>(r['intermediate']) ?? [],
    sharpe: (r['sharpe'] as number | null) ?? null,
    metrics: fromJson<Record<string, unknown>>(r['metrics']),
    error: (r['error'] as string | null) ?? null,
    started_at: r['started_at'] as string,
    ended_at: (r['ended_at'] as string | null) ?? null,
    duration_s: (r['duration_s'] as number | null) ?? null,
  };
}

export interface TrialEnd {
  state: Exclude<TrialState, 'running'>;
  value?: number | null | undefined;
  intermediate?: readonly { step: number; value: number }[] | undefined;
  sharpe?: number | null | undefined;
  metrics?: Record<string, unknown> | null | undefined;
  error?: string | null | undefined;
}

/**
 * Every trial of every tuning study, one row each: written when the trial starts (its parameters,
 * so a resumed study re-runs it with the same ones) and when it ends (value, intermediate values,
 * pruned or not, duration). An ended trial never changes again.
 */
export function createTuningTrialStore(db: Db, clock: () => Date) {
  const one = db.prepare('SELECT * FROM tuning_trials WHERE study_id = ? AND number = ?');

  function get(studyId: string, number: number): StoredTrial {
    const row = one.get(studyId, number) as Row | undefined;
    if (!row) throw new DomainError('OPERATION_NOT_FOUND', `No trial ${number} in tuning study ${studyId}.`, { study_id: studyId, number });
    return parseRow(row);
  }

  return {
    get,

    /** Records a started trial (state running). */
    start(input: { study_id: string; number: number; run_id: string; name: string; params: Record<string, ParamValue> }): StoredTrial {
      db.prepare(
        `INSERT INTO tuning_trials (study_id, number, run_id, name, state, params, started_at) VALUES (?, ?, ?, ?, 'running', ?, ?)`,
      ).run(input.study_id, input.number, input.run_id, input.name, toJson(input.params), clock().toISOString());
      return get(input.study_id, input.number);
    },

    /** A trial re-run by a resumed study: its new run and a fresh start. */
    restart(studyId: string, number: number, runId: string): StoredTrial {
      db.prepare(
        `UPDATE tuning_trials SET run_id = ?, operation_id = NULL, intermediate = '[]', started_at = ? WHERE study_id = ? AND number = ? AND state = 'running'`,
      ).run(runId, clock().toISOString(), studyId, number);
      return get(studyId, number);
    },

    setOperation(studyId: string, number: number, operationId: string): void {
      db.prepare('UPDATE tuning_trials SET operation_id = ? WHERE study_id = ? AND number = ?').run(operationId, studyId, number);
    },

    /** Ends a running trial; an ended one is left as it is (and returned). */
    end(studyId: string, number: number, e: TrialEnd): StoredTrial {
      const current = get(studyId, number);
      if (current.state !== 'running') return current;
      const now = clock();
      db.prepare(
        `UPDATE tuning_trials SET state = ?, value = ?, intermediate = ?, sharpe = ?, metrics = ?, error = ?, ended_at = ?, duration_s = ?
         WHERE study_id = ? AND number = ? AND state = 'running'`,
      ).run(
        e.state,
        e.value ?? null,
        toJson(e.intermediate ?? current.intermediate),
        e.sharpe ?? null,
        toJson(e.metrics ?? null),
        e.error ?? null,
        now.toISOString(),
        Math.max(0, (now.getTime() - Date.parse(current.started_at)) / 1000),
        studyId,
        number,
      );
      return get(studyId, number);
    },

    /** A study's trials in number order. */
    list(studyId: string): StoredTrial[] {
      return (db.prepare('SELECT * FROM tuning_trials WHERE study_id = ? ORDER BY number').all(studyId) as Row[]).map(parseRow);
    },

    /**
     * Validation Sharpe ratios (per bar) of every scored trial of every study that counts against
     * this model name: each is a configuration someone tried, so each deflates the winner's Sharpe.
     */
    sharpesFor(name: string): number[] {
      return (
        db
          .prepare(`SELECT sharpe FROM tuning_trials WHERE name = ? AND state IN ('complete','pruned') AND sharpe IS NOT NULL`)
          .all(name) as { sharpe: number }[]
      ).map((r) => r.sharpe);
    },

    /** Trials tried for a name, by state (every study). */
    countsFor(name: string): Record<TrialState, number> {
      const out: Record<TrialState, number> = { running: 0, complete: 0, pruned: 0, failed: 0 };
      for (const r of db.prepare('SELECT state, COUNT(*) AS n FROM tuning_trials WHERE name = ? GROUP BY state').all(name) as {
        state: TrialState;
        n: number;
      }[])
        out[r.state] = r.n;
      return out;
    },
  };
}

export type TuningTrialStore = ReturnType<typeof createTuningTrialStore>;
