import { describe, expect, it } from 'vitest';
import { evaluateTriggers, type TriggerConfig } from '../../../src/monitoring/triggers.js';

const weekly: TriggerConfig = { schedule: '0 2 * * 0', cooldown_hours: 12 };

describe('retraining triggers', () => {
  it('a weekly schedule fires once for its slot, and a run missed while down fires once, not once per slot', () => {
    const sunday = evaluateTriggers(weekly, { last_scheduled_slot: '2026-11-15T02:00:00.000Z' }, { now: new Date('2026-11-22T02:05:00Z') });
    expect(sunday.fired.map((t) => t.trigger_type)).toEqual(['scheduled']);
    expect(sunday.fired[0]).toMatchObject({
      reason: { metric: 'schedule', threshold: '0 2 * * 0' },
      requested_run: { priority: 'normal', fast_track: false },
    });
    expect(sunday.next_scheduled).toBe('2026-11-29T02:00:00.000Z');
    expect(evaluateTriggers(weekly, sunday.state, { now: new Date('2026-11-22T20:00:00Z') }).fired).toEqual([]);
    // Down for three weeks: one run on start.
    const back = evaluateTriggers(weekly, { last_scheduled_slot: '2026-11-01T02:00:00.000Z' }, { now: new Date('2026-11-24T09:00:00Z') });
    expect(back.fired).toHaveLength(1);
    expect(back.state.last_scheduled_slot).toBe('2026-11-22T02:00:00.000Z');
    expect(evaluateTriggers(weekly, back.state, { now: new Date('2026-11-24T23:00:00Z') }).fired).toEqual([]);
  });

  it("drift fires a fast-tracked high-priority run when the drift report's rule says action required, not on raw PSI", () => {
    const drift = { action_required: true, summary: '2 of 8 features drifted (roc_5, ret_1)' };
    const d = evaluateTriggers({ drift_psi: 0.2, cooldown_hours: 6 }, {}, { now: new Date('2026-03-01T00:00:00Z'), max_psi: 0.31, drift });
    expect(d.fired[0]).toMatchObject({
      trigger_type: 'drift',
      reason: { metric: 'drift_action_required', current_value: drift.summary, threshold: 'drift report rule (PSI floor 0.2)' },
      requested_run: { priority: 'high', fast_track: true },
    });
    // A PSI above 0.2 that the report judges as noise (few effective samples) fires nothing.
    const noise = { action_required: false, summary: 'no drift' };
    expect(evaluateTriggers({ drift_psi: 0.2, cooldown_hours: 6 }, {}, { now: new Date(), max_psi: 0.35, drift: noise }).fired).toEqual([]);
    // drift_psi null switches the trigger off.
    expect(evaluateTriggers({ drift_psi: null, cooldown_hours: 6 }, {}, { now: new Date(), drift }).fired).toEqual([]);
  });

  it('blocked periods, volatility and the cooldown postpone without consuming the trigger', () => {
    const cfg: TriggerConfig = {
      new_data_bars: 100,
      cooldown_hours: 24,
      max_volatility: 0.5,
      blocked_periods: [{ from: '2026-12-20T00:00:00Z', to: '2027-01-03T00:00:00Z', reason: 'holiday liquidity' }],
    };
    const blocked = evaluateTriggers(cfg, {}, { now: new Date('2026-12-24T00:00:00Z'), new_bars: 150 });
    expect(blocked.fired).toEqual([]);
    expect(blocked.postponed[0]!.why).toMatch(/holiday liquidity/);
    expect(evaluateTriggers(cfg, {}, { now: new Date('2026-11-24T00:00:00Z'), new_bars: 150, volatility: 0.8 }).postponed[0]!.why).toMatch(
      /volatility 0.800 above 0.5/,
    );
    const fired = evaluateTriggers(cfg, {}, { now: new Date('2026-11-24T00:00:00Z'), new_bars: 150 });
    expect(fired.fired).toHaveLength(1);
    const storm = evaluateTriggers(cfg, fired.state, { now: new Date('2026-11-24T06:00:00Z'), new_bars: 400 });
    expect(storm.fired).toEqual([]);
    expect(storm.postponed[0]!.why).toMatch(/cooldown/);
    expect(evaluateTriggers(cfg, fired.state, { now: new Date('2026-11-25T01:00:00Z'), new_bars: 400 }).fired).toHaveLength(1);
  });

  it('several conditions at once start one run, the most urgent', () => {
    const d = evaluateTriggers(
      { ...weekly, drift_psi: 0.2, new_data_bars: 10 },
      {},
      { now: new Date('2026-11-22T02:05:00Z'), max_psi: 0.5, drift: { action_required: true, summary: 'x' }, new_bars: 50 },
    );
    expect(d.fired.map((t) => t.trigger_type)).toEqual(['drift']);
    expect(d.postponed.map((p) => p.trigger_type).sort()).toEqual(['new_data', 'scheduled']);
    expect(d.state.last_scheduled_slot).toBe('2026-11-22T02:00:00.000Z');
  });

  it('performance below threshold for N days fires a fast-tracked run, and wins over drift', () => {
    const cfg: TriggerConfig = { performance_days: 3, drift_psi: 0.2, cooldown_hours: 6 };
    const now = new Date('2026-03-01T00:00:00Z');
    expect(evaluateTriggers(cfg, {}, { now, degraded_days: 2 }).fired).toEqual([]);
    const d = evaluateTriggers(cfg, {}, { now, degraded_days: 3 });
    expect(d.fired[0]).toMatchObject({
      trigger_type: 'performance',
      reason: { metric: 'degraded_days', current_value: 3, threshold: 3, message: expect.stringMatching(/3 days/) as unknown },
      requested_run: { priority: 'high', fast_track: true },
    });
    const both = evaluateTriggers(cfg, {}, { now, degraded_days: 5, max_psi: 0.4, drift: { action_required: true, summary: 'x' } });
    expect(both.fired.map((t) => t.trigger_type)).toEqual(['performance']);
    expect(both.postponed).toEqual([{ trigger_type: 'drift', why: 'covered by the performance trigger' }]);
    // Without a threshold in config, degraded days alone never fire.
    expect(evaluateTriggers({ cooldown_hours: 6 }, {}, { now, degraded_days: 30 }).fired).toEqual([]);
  });
});
