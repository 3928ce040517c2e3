import { describe, expect, it } from 'vitest';
import { periodsPerYear, periodsPerYearOf, tradingCalendar } from '../../../../src/pipeline/data/periods.js';
import { generateSynthetic } from '../../../../src/pipeline/data/synthetic.js';

const times = (timeframe: string, bars: number) =>
  generateSynthetic({ seed: 1, bars, symbols: 1, family: 'momentum', signal: 0, regimes: 1, timeframe, start: '2020-01-01' })[0]!.time;

describe('periodsPerYear: annualisation from the timeframe and calendar, never from the bar count', () => {
  it('1d: 252 on weekdays, 365 on 7-day markets; 1w: 52; intraday: bars per day x days', () => {
    expect(periodsPerYear('1d', 'weekdays')).toBe(252);
    expect(periodsPerYear('1d', 'continuous')).toBe(365);
    expect(periodsPerYear('1w', 'weekdays')).toBe(52);
    expect(periodsPerYear('1h', 'continuous')).toBe(24 * 365);
    expect(periodsPerYear('1h', { calendar: 'weekdays', barsPerDay: 7 })).toBe(7 * 252);
  });

  it('reads the calendar from the bars, and the same series gives the same figure at any length', () => {
    expect(tradingCalendar(times('1d', 300)).calendar).toBe('weekdays');
    expect(tradingCalendar(times('1h', 300)).calendar).toBe('continuous');
    expect(periodsPerYearOf('1d', times('1d', 60))).toBe(periodsPerYearOf('1d', times('1d', 3000)));
  });
});
