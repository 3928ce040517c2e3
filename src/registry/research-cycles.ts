import { randomBytes } from 'node:crypto';
import { DomainError } from '../domain/errors.js';
import { researchCycleSchema, TERMINAL_CYCLE_STATES, type ResearchCycle } from '../domain/research.js';
import type { Db } from './db.js';
import { fromJson, toJson } from './json-columns.js';
import { whereEquals } from './where.js';

type Row = Record<string, unknown>;
const JSON_COLUMNS = ['metrics', 'gates', 'next_hypotheses', 'usage', 'lockbox'] as const;

export type CyclePatch = Partial<
  Omit<ResearchCycle, 'cycle_id' | 'program' | 'cycle_index' | 'created_at' | 'updated_at' | 'seed' | 'designer'>
>;

function parseRow(row: Row): ResearchCycle {
  const out: Row = { ...row };
  for (const c of JSON_COLUMNS) out[c] = fromJson(row[c]);
  out['usage'] ??= {};
  out['lockbox'] ??= null;
  return researchCycleSchema.parse(out);
}

/** The research journal: one row per cycle, written at every phase so a restart resumes where it was. */
export function createResearchCycleStore(db: Db, clock: () => Date) {
  const byId = db.prepare('SELECT * FROM research_cycles WHERE cycle_id = ?');

  function get(id: string): ResearchCycle {
    const row = byId.get(id) as Row | undefined;
    if (!row) throw new DomainError('OPERATION_NOT_FOUND', `No research cycle "${id}". Call list_experiments to see cycles.`, { id });
    return parseRow(row);
  }

  return {
    get,

    /** A new cycle in state `designing`, numbered after the program's last one (in one transaction). */
    create(input: { program: string; run_id: string; seed: number; designer: string }): ResearchCycle {
      return db
        .transaction(() => {
          const next = (
            db.prepare('SELECT COALESCE(MAX(cycle_index), 0) + 1 AS n FROM research_cycles WHERE program = ?').get(input.program) as {
              n: number;
            }
          ).n;
          const now = clock().toISOString();
          const id = `rc_${now.replace(/[-:.TZ]/g, '').slice(0, 14)}_${randomBytes(3).toString('hex')}`;
          db.prepare(
            `INSERT INTO research_cycles (cycle_id, program, run_id, cycle_index, state, seed, designer, created_at, updated_at)
             VALUES (?, ?, ?, ?, 'designing', ?, ?, ?, ?)`,
          ).run(id, input.program, input.run_id, next, input.seed, input.designer, now, now);
          return get(id);
        })
        .immediate();
    },

    /** Applies a patch; an ended cycle never changes again. */
    update(id: string, patch: CyclePatch): ResearchCycle {
      return db
        .transaction(() => {
          const current = get(id);
          if (TERMINAL_CYCLE_STATES.has(current.state))
            throw new DomainError('CONFLICT', `Research cycle ${id} already ended as ${current.state}.`, { id, state: current.state });
          const now = clock().toISOString();
          const sets = ['updated_at = @updated_at'];
          const args: Row = { id, updated_at: now };
          for (const [k, v] of Object.entries(patch)) {
            if (v === undefined) continue;
            sets.push(`${k} = @${k}`);
            args[k] = (JSON_COLUMNS as readonly string[]).includes(k) ? toJson(v) : v;
          }
          if (patch.state && TERMINAL_CYCLE_STATES.has(patch.state)) {
            sets.push('finished_at = @finished_at');
            args['finished_at'] = now;
          }
          db.prepare(`UPDATE research_cycles SET ${sets.join(', ')} WHERE cycle_id = @id`).run(args);
          return get(id);
        })
        .immediate();
    },

    list(filter: { program?: string | undefined; run_id?: string | undefined; limit?: number | undefined } = {}): ResearchCycle[] {
      const where = whereEquals({ program: filter.program, run_id: filter.run_id });
      const sql = `SELECT * FROM research_cycles ${where.sql} ORDER BY created_at DESC, rowid DESC LIMIT ?`;
      return (db.prepare(sql).all(...where.args, Math.min(10_000, filter.limit ?? 100)) as Row[]).map(parseRow);
    },

    /** Cycles not yet ended that belong to a run (to resume them). */
    unfinished(runId: string): ResearchCycle[] {
      return (db.prepare('SELECT * FROM research_cycles WHERE run_id = ? ORDER BY cycle_index').all(runId) as Row[])
        .map(parseRow)
        .filter((c) => !TERMINAL_CYCLE_STATES.has(c.state));
    },

    /** Moves a cycle to another run (a resumed run adopts the unfinished cycles of the interrupted one). */
    adopt(id: string, runId: string): ResearchCycle {
      db.prepare('UPDATE research_cycles SET run_id = ?, updated_at = ? WHERE cycle_id = ?').run(runId, clock().toISOString(), id);
      return get(id);
    },

    /** The program a registered model was trained for, if a research cycle trained it. */
    programOf(modelId: string): string | null {
      const row = db.prepare('SELECT program FROM research_cycles WHERE model_id = ? LIMIT 1').get(modelId) as
        { program: string } | undefined;
      return row?.program ?? null;
    },

    /** Model ids trained by the program's cycles (every trial, gate-rejected ones included). */
    programModels(program: string): string[] {
      return (
        db.prepare('SELECT model_id FROM research_cycles WHERE program = ? AND model_id IS NOT NULL').all(program) as { model_id: string }[]
      ).map((r) => r.model_id);
    },

    /** How many times the program's lockbox was looked at (cycles with a lockbox evaluation). */
    lockboxLooks(filter: { program?: string | undefined; run_id?: string | undefined }): number {
      const where = whereEquals({ program: filter.program, run_id: filter.run_id });
      const sql = `SELECT COUNT(*) AS n FROM research_cycles ${where.sql}${where.sql ? ' AND' : ' WHERE'} lockbox IS NOT NULL`;
      return (db.prepare(sql).get(...where.args) as { n: number }).n;
    },

    /** Tokens spent since `sinceIso` by every cycle (the daily cost budget). */
    usageSince(sinceIso: string): { input_tokens: number; output_tokens: number } {
      const rows = db.prepare('SELECT usage FROM research_cycles WHERE updated_at >= ?').all(sinceIso) as { usage: string }[];
      return rows.reduce(
        (acc, r) => {
          const u = JSON.parse(r.usage) as { input_tokens?: number; output_tokens?: number };
          return { input_tokens: acc.input_tokens + (u.input_tokens ?? 0), output_tokens: acc.output_tokens + (u.output_tokens ?? 0) };
        },
        { input_tokens: 0, output_tokens: 0 },
      );
    },
  };
}

export type ResearchCycleStore = ReturnType<typeof createResearchCycleStore>;
