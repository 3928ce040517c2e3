import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load.js';

const load = (triggers: unknown) => loadConfig({ argv: { home: '/tmp/x', triggers: triggers as never }, env: {} });

describe('config triggers', () => {
  it('has defaults: weekly Sunday 02:00 UTC, drift at PSI 0.2, scheduler off inside serve', () => {
    expect(load(undefined).triggers).toMatchObject({
      interval_seconds: 3600,
      schedule: '0 2 * * 0',
      drift_psi: 0.2,
      cooldown_hours: 24,
      data: null,
      promote_to_staging: true,
      run_in_serve: false,
    });
    expect(load({ schedule: null, drift_psi: null }).triggers).toMatchObject({ schedule: null, drift_psi: null, new_data_bars: 63 });
  });

  it('rejects a bad cron expression, a backwards blocked period and unknown keys, naming the field', () => {
    expect(() => load({ schedule: 'every sunday' })).toThrow(/triggers\.schedule.*cron expression/s);
    expect(() => load({ blocked_periods: [{ from: '2027-01-03', to: '2026-12-20', reason: 'x' }] })).toThrow(
      /triggers\.blocked_periods.*ends \("to"\) before it starts/s,
    );
    expect(() => load({ blocked_periods: [{ from: 'soon', to: '2026-12-20', reason: 'x' }] })).toThrow(/ISO date/);
    expect(() => load({ interval: 5 })).toThrow(/interval/);
  });
});
