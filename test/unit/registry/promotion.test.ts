import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ModelVersion, Stage } from '../../../src/domain/model-version.js';
import { LINEAGE, METRICS, stagedFolder, tempRegistry } from '../../helpers/registry.js';

type Temp = ReturnType<typeof tempRegistry>;

/** A clock that moves one second per call, so created_at and history order are deterministic. */
function ticking(start = Date.parse('2026-03-01T00:00:00Z')) {
  let t = start;
  return () => new Date((t += 1000));
}

function register(r: Temp, name: string, tag: string) {
  return r.registry.models.register(
    { name, operation_id: null, lineage: LINEAGE, metrics: METRICS, staged_path: stagedFolder(r.modelsDir, tag) },
    'test',
  );
}

const promote = (r: Temp, id: string, to: Stage, extra: { skip_staging?: boolean } = {}) =>
  r.registry.models.promote({ model_id: id, to_stage: to, reason: `move ${id} to ${to}`, ...extra }, 't');

describe('stage transitions', () => {
  it('refuses every transition STAGE_TRANSITIONS does not allow, naming the stage and the allowed targets', () => {
    const r = tempRegistry({ retention: 50, clock: ticking() });
    register(r, 'alpha', 'a');
    promote(r, 'alpha@1', 'staging');
    expect(() => promote(r, 'alpha@1', 'staging')).toThrow(
      /alpha@1 is staging; it cannot move to staging. Allowed from staging: production, candidate, retired, archived/,
    );
    promote(r, 'alpha@1', 'production'); // staging -> production needs no flag
    expect(() => promote(r, 'alpha@1', 'candidate')).toThrow(
      /is production; it cannot move to candidate. Allowed from production: retired\./,
    );
    promote(r, 'alpha@1', 'retired');
    expect(() => promote(r, 'alpha@1', 'candidate')).toThrow(/is retired; .* Allowed from retired: production, staging, archived/);
    promote(r, 'alpha@1', 'archived');
    for (const to of ['candidate', 'staging', 'production', 'retired'] as const) {
      try {
        promote(r, 'alpha@1', to, { skip_staging: true });
        expect.unreachable();
      } catch (err) {
        expect(err).toMatchObject({ code: 'INVALID_TRANSITION', data: { stage: 'archived', allowed: [] } });
        expect((err as Error).message).toMatch(/Allowed from archived: none \(final stage\)/);
      }
    }
    expect(() => promote(r, 'nope@1', 'staging')).toThrow(/No model 'nope@1'\. Call list_models/);
  });

  it('candidate -> production needs skip_staging, and says so', () => {
    const r = tempRegistry();
    register(r, 'alpha', 'a');
    try {
      promote(r, 'alpha@1', 'production');
      expect.unreachable();
    } catch (err) {
      expect(err).toMatchObject({ code: 'INVALID_TRANSITION' });
      expect((err as Error).message).toMatch(/promote it to staging first, or pass skip_staging/);
    }
    expect(r.registry.models.get('alpha@1').stage).toBe('candidate');
    const out = promote(r, 'alpha@1', 'production', { skip_staging: true });
    expect(out.model).toMatchObject({ stage: 'production', ever_in_production: true });
    expect(out.retired).toBeNull();
  });

  it('archiving a version by hand removes its folder too', () => {
    const r = tempRegistry();
    const m = register(r, 'alpha', 'a');
    promote(r, 'alpha@1', 'archived');
    expect(fs.existsSync(m.artifact_path)).toBe(false);
    expect(r.registry.models.history('alpha@1').map((h) => h.to_stage)).toEqual(['archived']);
  });

  it('never holds two production versions of a name through a long sequence of promotions', () => {
    const r = tempRegistry({ retention: 50, clock: ticking() });
    for (let i = 0; i < 6; i++) register(r, 'alpha', `a${i}`);
    register(r, 'beta', 'b0');
    promote(r, 'beta@1', 'production', { skip_staging: true });
    const order = [1, 2, 3, 1, 4, 2, 5, 6, 3];
    let retirements = 0;
    for (const v of order) {
      const id = `alpha@${v}`;
      const m = r.registry.models.get(id);
      if (m.stage === 'candidate') promote(r, id, 'staging');
      const out = promote(r, id, 'production');
      if (out.retired) {
        retirements++;
        expect(out.retired.stage).toBe('retired');
      }
      expect(r.registry.models.list({ name: 'alpha', stage: 'production' }).map((x) => x.model_id)).toEqual([id]);
      expect(r.registry.models.production('beta')?.model_id).toBe('beta@1');
    }
    expect(retirements).toBe(order.length - 1);
    const h = r.registry.models.history('alpha');
    expect(h.filter((e) => e.to_stage === 'production')).toHaveLength(order.length);
    expect(h.filter((e) => e.action === 'retire').map((e) => e.reason)).toEqual(order.slice(1).map((v) => `replaced by alpha@${v}`));
    expect(h.map((e) => e.id)).toEqual([...h.map((e) => e.id)].sort((a, b) => a - b));
  });
});

describe('rollback', () => {
  it('restores the previous production version, skipping archived ones, and says when there is none', () => {
    const r = tempRegistry({ retention: 50, clock: ticking() });
    for (const tag of ['a', 'b', 'c']) register(r, 'alpha', tag);
    expect(() => r.registry.models.rollback('alpha', 'x', 't')).toThrow(/No production version of "alpha" to roll back/);
    promote(r, 'alpha@1', 'production', { skip_staging: true });
    try {
      r.registry.models.rollback('alpha', 'x', 't');
      expect.unreachable();
    } catch (err) {
      expect(err).toMatchObject({ code: 'INVALID_TRANSITION' });
      expect((err as Error).message).toMatch(/"alpha" has no earlier production version to roll back to \(current: alpha@1\)/);
    }
    promote(r, 'alpha@2', 'production', { skip_staging: true });
    promote(r, 'alpha@3', 'production', { skip_staging: true });
    promote(r, 'alpha@2', 'archived'); // the latest earlier production version is gone
    const rb = r.registry.models.rollback('alpha', 'alpha@3 misbehaves', 'bob');
    expect(rb.model).toMatchObject({ model_id: 'alpha@1', stage: 'production' });
    expect(rb.retired).toMatchObject({ model_id: 'alpha@3', stage: 'retired' });
    expect(rb.record).toMatchObject({ action: 'rollback', actor: 'bob', reason: 'alpha@3 misbehaves', from_stage: 'retired' });
    const last = r.registry.models.history('alpha').slice(-2);
    expect(last.map((e) => `${e.action}:${e.model_id}:${e.from_stage}->${e.to_stage}`)).toEqual([
      'rollback:alpha@3:production->retired',
      'rollback:alpha@1:retired->production',
    ]);
    expect(r.registry.models.list({ name: 'alpha', stage: 'production' })).toHaveLength(1);
  });
});

describe('metrics and listing', () => {
  it('stores backtest and production metrics and leaves the rest of the version as registered', () => {
    const r = tempRegistry();
    register(r, 'alpha', 'a');
    const before = r.registry.models.get('alpha@1');
    const after = r.registry.models.setMetrics('alpha@1', 'backtest', { sharpe: 1.2 });
    r.registry.models.setMetrics('alpha@1', 'production', { pnl: 3 });
    const now = r.registry.models.get('alpha@1');
    expect(after.metrics.backtest).toEqual({ sharpe: 1.2 });
    expect(now.metrics).toEqual({ ...METRICS, backtest: { sharpe: 1.2 }, production: { pnl: 3 } });
    const strip = ({ metrics: _m, ...rest }: ModelVersion) => rest;
    expect(strip(now)).toEqual(strip(before));
    expect(() => r.registry.models.setMetrics('alpha@9', 'backtest', {})).toThrow(/No model 'alpha@9'/);
  });

  it('lists newest first, filters by name and stage, and names the registered models', () => {
    const r = tempRegistry({ retention: 50, clock: ticking() });
    register(r, 'beta', 'b1');
    register(r, 'alpha', 'a1');
    register(r, 'alpha', 'a2');
    promote(r, 'alpha@1', 'staging');
    expect(r.registry.models.list().map((m) => m.model_id)).toEqual(['alpha@2', 'alpha@1', 'beta@1']);
    expect(r.registry.models.list({ name: 'alpha', limit: 1 }).map((m) => m.model_id)).toEqual(['alpha@2']);
    expect(r.registry.models.list({ stage: 'staging' }).map((m) => m.model_id)).toEqual(['alpha@1']);
    expect(r.registry.models.names()).toEqual(['alpha', 'beta']);
    expect(r.registry.models.production('alpha')).toBeNull();
  });

  it('refuses a model name that cannot form a model id, leaving the staged folder removed', () => {
    const r = tempRegistry();
    const staged = stagedFolder(r.modelsDir, 'bad');
    expect(() =>
      r.registry.models.register({ name: 'Bad-Name', operation_id: null, lineage: LINEAGE, metrics: METRICS, staged_path: staged }, 't'),
    ).toThrow(/Model name "Bad-Name" must start with a-z/);
    expect(fs.existsSync(staged)).toBe(false);
    expect(fs.readdirSync(r.modelsDir).filter((e) => e !== '.staging')).toEqual([]);
    expect(path.isAbsolute(r.registry.modelsDir)).toBe(true);
  });
});

describe('promotion re-checks what its gate was evaluated against', () => {
  it('refuses with CONFLICT when the production version or the stage changed while the gate ran', () => {
    const r = tempRegistry({ retention: 50, clock: ticking() });
    for (const tag of ['a', 'b', 'c']) register(r, 'alpha', tag);
    promote(r, 'alpha@1', 'staging');
    promote(r, 'alpha@2', 'staging');
    // Both gates saw no production version; alpha@1 got there first.
    const expected = { stage: 'staging' as const, production: null };
    r.registry.models.promote({ model_id: 'alpha@1', to_stage: 'production', reason: 'first', expected }, 't');
    expect(() => r.registry.models.promote({ model_id: 'alpha@2', to_stage: 'production', reason: 'second', expected }, 't')).toThrow(
      /alpha@2 changed while its gate was evaluated.*production none -> alpha@1.*Evaluate the gate again/,
    );
    expect(r.registry.models.production('alpha')?.model_id).toBe('alpha@1');
    expect(r.registry.models.get('alpha@2').stage).toBe('staging');
    // The stage moved under the gate: candidate when evaluated, staging now.
    promote(r, 'alpha@3', 'staging');
    expect(() =>
      r.registry.models.promote(
        { model_id: 'alpha@3', to_stage: 'production', reason: 'x', expected: { stage: 'candidate', production: 'alpha@1' } },
        't',
      ),
    ).toThrow(/CONFLICT|changed while its gate was evaluated \(stage candidate -> staging/);
    // Unchanged: it goes through.
    r.registry.models.promote(
      { model_id: 'alpha@2', to_stage: 'production', reason: 'ok', expected: { stage: 'staging', production: 'alpha@1' } },
      't',
    );
    expect(r.registry.models.production('alpha')?.model_id).toBe('alpha@2');
  });
});
