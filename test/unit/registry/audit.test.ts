import { describe, expect, it } from 'vitest';
import type { GateResult } from '../../../src/domain/model-version.js';
import { LINEAGE, METRICS, stagedFolder, tempRegistry } from '../../helpers/registry.js';

const failingGate: GateResult = {
  gate: 'promotion',
  passed: false,
  evaluated_at: '2026-01-01T00:00:00Z',
  checks: [
    { name: 'sharpe', passed: false, value: 0.2, threshold: 0.5, reason: 'oos_sharpe_below_threshold (0.20 < 0.50)' },
    { name: 'trades', passed: true, value: 40, threshold: 30, reason: 'trades 40 >= 30' },
    { name: 'drift', passed: false, value: 0.3, threshold: 0.2, reason: 'feature drift PSI 0.30 > 0.20' },
  ],
};

describe('audit log', () => {
  it('records every mutating call with actor, action, target, arguments and outcome, failures included', () => {
    const r = tempRegistry({ retention: 1 });
    const reg = (tag: string) =>
      r.registry.models.register(
        { name: 'alpha', operation_id: null, lineage: LINEAGE, metrics: METRICS, staged_path: stagedFolder(r.modelsDir, tag) },
        'cli:alice',
      );
    reg('a');
    reg('b');
    expect(() =>
      r.registry.models.promote({ model_id: 'alpha@2', to_stage: 'staging', reason: 'try', gate_result: failingGate }, 'mcp:claude'),
    ).toThrow(/failed the promotion gate: oos_sharpe_below_threshold \(0\.20 < 0\.50\); feature drift PSI 0\.30 > 0\.20\. .*force/);
    const forced = r.registry.models.promote(
      { model_id: 'alpha@2', to_stage: 'staging', reason: 'accepted risk', gate_result: failingGate, force: true },
      'mcp:claude',
    );
    expect(forced.record).toMatchObject({ forced: true, reason: 'accepted risk', gate_result: failingGate });
    expect(() => r.registry.models.rollback('alpha', 'oops', 'cli:alice')).toThrow(/No production version/);
    r.registry.models.setMetrics('alpha@2', 'backtest', { sharpe: 0.2 }, 'research');

    const rows = r.registry.audit.list();
    expect(rows.map((a) => `${a.action}:${a.target}:${a.outcome}`)).toEqual([
      'set_metrics:alpha@2:ok',
      'rollback_model:alpha:error',
      'promote_model:alpha@2:ok',
      'promote_model:alpha@2:error',
      'apply_retention:alpha:ok',
      'register_model:alpha:ok',
      'apply_retention:alpha:ok',
      'register_model:alpha:ok',
    ]);
    const refused = rows[3]!;
    expect(refused).toMatchObject({
      actor: 'mcp:claude',
      args: { to_stage: 'staging', reason: 'try', gate: 'promotion', gate_passed: false },
    });
    expect(refused.error).toMatch(/^GATE_FAILED: alpha@2 failed the promotion gate/);
    expect(rows[1]!.error).toMatch(/^INVALID_TRANSITION: No production version/);
    expect(rows[2]!.args).toMatchObject({ force: true, reason: 'accepted risk' });
    expect(rows.every((a) => typeof a.at === 'string' && a.id > 0)).toBe(true);
    // The refused promotion changed nothing: its transaction rolled back, its audit row stayed.
    expect(r.registry.models.history('alpha@2').map((h) => h.forced)).toEqual([true]);
  });

  it('filters by actor and action, limits, and appends entries written directly', () => {
    const r = tempRegistry();
    r.registry.audit.write({ actor: 'scheduler', action: 'start_training', target: 'op_1', args: { trigger: 'schedule' } });
    r.registry.audit.write({ actor: 'cli:bob', action: 'cancel_training', target: 'op_1', error: new Error('already ended') });
    r.registry.audit.write({ actor: 'cli:bob', action: 'cancel_training', outcome: 'error' });
    expect(r.registry.audit.list({ actor: 'cli:bob' }).map((a) => [a.outcome, a.error])).toEqual([
      ['error', null],
      ['error', 'already ended'],
    ]);
    expect(r.registry.audit.list({ action: 'start_training' })[0]).toMatchObject({
      actor: 'scheduler',
      target: 'op_1',
      args: { trigger: 'schedule' },
      outcome: 'ok',
    });
    expect(r.registry.audit.list({ limit: 1 })).toHaveLength(1);
  });
});
