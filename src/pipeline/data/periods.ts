import { timeframeMinutes } from './timeframe.js';

const DAY_MS = 86_400_000;
const DAY_MINUTES = 1440;
// Days with bars in a year: NYSE-style weekday calendars trade about 252 days (365 less 104
// weekend days less ~9 holidays); 7-day markets (crypto, synthetic intraday) trade all 365.
const WEEKDAY_DAYS = 252;
const CONTINUOUS_DAYS = 365;
const WEEKS = 52;

/** 'weekdays' when no bar falls on a Saturday or Sunday (UTC), else 'continuous' (7-day markets). */
export type TradingCalendar = 'weekdays' | 'continuous';

export interface CalendarInfo {
  calendar: TradingCalendar;
  /** Median number of bars per UTC day that has bars (the session length of intraday data). */
  barsPerDay: number;
}

/** The calendar of the given bars (only those: callers pass the bars they evaluate, never later ones). */
export function tradingCalendar(times: Float64Array | readonly Float64Array[]): CalendarInfo {
  const arrays = times instanceof Float64Array ? [times] : times;
  let weekend = false;
  const perDay: number[] = [];
  for (const t of arrays) {
    let day = Number.NaN;
    let count = 0;
    for (let i = 0; i < t.length; i++) {
      const d = Math.floor(t[i]! / DAY_MS);
      // 1970-01-01 was a Thursday: day + 4 mod 7 is 0 on Sundays, 6 on Saturdays.
      const weekday = (((d + 4) % 7) + 7) % 7;
      if (weekday === 0 || weekday === 6) weekend = true;
      if (d !== day) {
        if (count > 0) perDay.push(count);
        day = d;
        count = 0;
      }
      count++;
    }
    if (count > 0) perDay.push(count);
  }
  perDay.sort((a, b) => a - b);
  const barsPerDay = perDay.length ? perDay[Math.floor((perDay.length - 1) / 2)]! : 1;
  return { calendar: weekend ? 'continuous' : 'weekdays', barsPerDay };
}

/**
 * Bars per year of a timeframe on a calendar: 1d -> 252 (weekdays) or 365 (7-day markets), 1w ->
 * 52, intraday -> bars per trading day x trading days (a 7-day market trades 1440 / minutes bars a
 * day; a weekday session as many as the data shows per day, e.g. 7 hourly bars for a 6.5-hour
 * equity session). The one annualisation rule of backtests, live performance and observations:
 * it depends on the bar size and the calendar, never on how many bars follow the evaluated ones.
 */
export function periodsPerYear(timeframe: string, calendar: TradingCalendar | CalendarInfo): number {
  const info: CalendarInfo = typeof calendar === 'string' ? { calendar, barsPerDay: Number.NaN } : calendar;
  const minutes = timeframeMinutes(timeframe);
  const days = info.calendar === 'weekdays' ? WEEKDAY_DAYS : CONTINUOUS_DAYS;
  if (minutes >= 7 * DAY_MINUTES) return (WEEKS * 7 * DAY_MINUTES) / minutes;
  if (minutes >= DAY_MINUTES) return (days * DAY_MINUTES) / minutes;
  const fullDay = DAY_MINUTES / minutes;
  const perDay = info.calendar === 'continuous' || !(info.barsPerDay > 0) ? fullDay : Math.min(fullDay, info.barsPerDay);
  return perDay * days;
}

/** periodsPerYear of bars whose timeframe is known, with the calendar read from those bars. */
export function periodsPerYearOf(timeframe: string, times: Float64Array | readonly Float64Array[]): number {
  return periodsPerYear(timeframe, tradingCalendar(times));
}
