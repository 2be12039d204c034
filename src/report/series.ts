import { TZDate } from '@date-fns/tz';
import { addMonths, addWeeks, getISOWeek, getISOWeekYear, startOfISOWeek, startOfMonth } from 'date-fns';
import type { Window } from '../metrics/types.js';

/**
 * `--by week|month` (SPEC §2, §6): the window cut into ISO weeks (Monday first) or calendar
 * months of its own time zone. Boundaries are local midnights, computed by date-fns on a
 * `TZDate`, so a week that contains a DST change is 167 or 169 hours long and still starts
 * on Monday 00:00. The first and last periods are clipped to the window, so the periods
 * partition `[from, to)` exactly: each deployment, PR and incident of the window falls in
 * exactly one period.
 */

export type SeriesPeriod = 'week' | 'month';

export const SERIES_PERIODS: readonly SeriesPeriod[] = ['week', 'month'];

/** The periods of `window`, oldest first, each a window in the same zone. */
export function periodWindows(window: Window, by: SeriesPeriod): Window[] {
  const { timeZone } = window;
  const first = periodStart(window.from, by, timeZone);
  const periods: Window[] = [];
  // Each boundary is counted in whole weeks or months from the first one, on the local
  // calendar, so it stays at local midnight whatever DST changes lie in between.
  for (let index = 0; ; index++) {
    const start = step(first, by, index);
    if (start.getTime() >= window.to) break;
    const end = step(first, by, index + 1).getTime();
    periods.push({ from: Math.max(start.getTime(), window.from), to: Math.min(end, window.to), timeZone });
  }
  return periods;
}

/**
 * The name of the period that contains `instant`: the ISO week `2026-W44` (its ISO
 * week-numbering year, which differs from the calendar year around New Year) or the month
 * `2026-10`. A clipped period has the name of the full period it belongs to.
 */
export function periodLabel(instant: number, by: SeriesPeriod, timeZone: string): string {
  const date = new TZDate(instant, timeZone);
  if (by === 'week') return `${getISOWeekYear(date)}-W${String(getISOWeek(date)).padStart(2, '0')}`;
  return `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, '0')}`;
}

/** Whether a period is shorter than the full week or month it belongs to. */
export function isClippedPeriod(period: { from: number; to: number }, by: SeriesPeriod, timeZone: string): boolean {
  const start = periodStart(period.from, by, timeZone);
  return start.getTime() !== period.from || step(start, by, 1).getTime() !== period.to;
}

function periodStart(instant: number, by: SeriesPeriod, timeZone: string): TZDate {
  const date = new TZDate(instant, timeZone);
  return by === 'week' ? startOfISOWeek(date) : startOfMonth(date);
}

function step(start: TZDate, by: SeriesPeriod, count: number): TZDate {
  return by === 'week' ? addWeeks(start, count) : addMonths(start, count);
}
