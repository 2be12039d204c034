import { describe, expect, it } from 'vitest';
import type { Window } from '../../src/metrics/types.js';
import { isClippedPeriod, periodLabel, periodWindows } from '../../src/report/series.js';

const iso = (instant: number) => new Date(instant).toISOString();
const spans = (periods: Window[]) => periods.map((period) => [iso(period.from), iso(period.to)]);
const hoursOf = (period: Window) => (period.to - period.from) / 3_600_000;
const window = (from: string, to: string, timeZone: string): Window => ({ from: Date.parse(from), to: Date.parse(to), timeZone });

describe('periodWindows (SPEC §2 --by)', () => {
  it('cuts a window crossing the end of summer time in Europe/Berlin at local Monday midnights, clipping both ends', () => {
    // 2026-10-21 (Wednesday) 00:00 CEST → 2026-11-05 (Thursday) 00:00 CET. Summer time ends on
    // Sunday 2026-10-25 at 03:00 CEST (01:00 UTC), so Monday 10-26 00:00 is 10-25 23:00 UTC.
    const periods = periodWindows(window('2026-10-20T22:00:00Z', '2026-11-04T23:00:00Z', 'Europe/Berlin'), 'week');
    expect(spans(periods)).toEqual([
      ['2026-10-20T22:00:00.000Z', '2026-10-25T23:00:00.000Z'], // Wed → Mon of W43: 5 days and the extra hour
      ['2026-10-25T23:00:00.000Z', '2026-11-01T23:00:00.000Z'], // W44, a full week
      ['2026-11-01T23:00:00.000Z', '2026-11-04T23:00:00.000Z'], // Mon → Thu of W45
    ]);
    expect(periods.map(hoursOf)).toEqual([5 * 24 + 1, 168, 72]);
    expect(periods.every((period) => period.timeZone === 'Europe/Berlin')).toBe(true);
  });

  it('gives the week of a DST change its 169 or 167 hours, starting on Monday 00:00 local time', () => {
    // W43 of 2026 in Berlin: Monday 10-19 00:00 CEST (10-18 22:00 UTC) → Monday 10-26 00:00 CET.
    const autumn = periodWindows(window('2026-10-18T22:00:00Z', '2026-10-25T23:00:00Z', 'Europe/Berlin'), 'week');
    expect(spans(autumn)).toEqual([['2026-10-18T22:00:00.000Z', '2026-10-25T23:00:00.000Z']]);
    expect(hoursOf(autumn[0]!)).toBe(169);
    expect(isClippedPeriod(autumn[0]!, 'week', 'Europe/Berlin')).toBe(false);
    // W13: summer time starts on Sunday 2026-03-29 at 02:00 CET, so the week has 167 hours.
    const spring = periodWindows(window('2026-03-22T23:00:00Z', '2026-04-05T22:00:00Z', 'Europe/Berlin'), 'week');
    expect(spans(spring)).toEqual([
      ['2026-03-22T23:00:00.000Z', '2026-03-29T22:00:00.000Z'],
      ['2026-03-29T22:00:00.000Z', '2026-04-05T22:00:00.000Z'],
    ]);
    expect(spring.map(hoursOf)).toEqual([167, 168]);
  });

  it('cuts into calendar months at local midnight on the 1st, the first and last clipped', () => {
    // 2026-10-15 00:00 CEST → 2026-12-10 00:00 CET.
    const periods = periodWindows(window('2026-10-14T22:00:00Z', '2026-12-09T23:00:00Z', 'Europe/Berlin'), 'month');
    expect(spans(periods)).toEqual([
      ['2026-10-14T22:00:00.000Z', '2026-10-31T23:00:00.000Z'], // November starts at 00:00 CET
      ['2026-10-31T23:00:00.000Z', '2026-11-30T23:00:00.000Z'],
      ['2026-11-30T23:00:00.000Z', '2026-12-09T23:00:00.000Z'],
    ]);
    expect(periods.map((period) => isClippedPeriod(period, 'month', 'Europe/Berlin'))).toEqual([true, false, true]);
    expect(periods.map((period) => periodLabel(period.from, 'month', 'Europe/Berlin'))).toEqual(['2026-10', '2026-11', '2026-12']);
  });

  it('gives a window of exactly one month one unclipped period', () => {
    const periods = periodWindows(window('2026-09-30T22:00:00Z', '2026-10-31T23:00:00Z', 'Europe/Berlin'), 'month');
    expect(spans(periods)).toEqual([['2026-09-30T22:00:00.000Z', '2026-10-31T23:00:00.000Z']]);
    expect(isClippedPeriod(periods[0]!, 'month', 'Europe/Berlin')).toBe(false);
  });

  it('starts the first period at a window start that is not midnight, and the next at midnight', () => {
    // --since 30d ending Sunday 2026-11-29 12:00 UTC starts Friday 10-30 12:00.
    const periods = periodWindows(window('2026-10-30T12:00:00Z', '2026-11-29T12:00:00Z', 'UTC'), 'week');
    expect(spans(periods)).toEqual([
      ['2026-10-30T12:00:00.000Z', '2026-11-02T00:00:00.000Z'],
      ['2026-11-02T00:00:00.000Z', '2026-11-09T00:00:00.000Z'],
      ['2026-11-09T00:00:00.000Z', '2026-11-16T00:00:00.000Z'],
      ['2026-11-16T00:00:00.000Z', '2026-11-23T00:00:00.000Z'],
      ['2026-11-23T00:00:00.000Z', '2026-11-29T12:00:00.000Z'],
    ]);
  });

  it('buckets in the zone of the window: the same instants give other weeks in Los Angeles', () => {
    const utc = window('2026-11-02T00:00:00Z', '2026-11-16T00:00:00Z', 'UTC');
    expect(periodWindows(utc, 'week')).toHaveLength(2);
    const la = periodWindows({ ...utc, timeZone: 'America/Los_Angeles' }, 'week');
    // Monday 11-02 00:00 UTC is Sunday 11-01 16:00 in Los Angeles (PST since 11-01 02:00).
    expect(spans(la)).toEqual([
      ['2026-11-02T00:00:00.000Z', '2026-11-02T08:00:00.000Z'],
      ['2026-11-02T08:00:00.000Z', '2026-11-09T08:00:00.000Z'],
      ['2026-11-09T08:00:00.000Z', '2026-11-16T00:00:00.000Z'],
    ]);
  });

  it('partitions the window: contiguous periods from `from` to `to`', () => {
    for (const by of ['week', 'month'] as const) {
      const whole = window('2026-01-07T05:00:00Z', '2026-12-21T17:30:00Z', 'Asia/Kolkata');
      const periods = periodWindows(whole, by);
      expect(periods[0]!.from).toBe(whole.from);
      expect(periods[periods.length - 1]!.to).toBe(whole.to);
      for (let i = 1; i < periods.length; i++) expect(periods[i]!.from).toBe(periods[i - 1]!.to);
      expect(periods.every((period) => period.from < period.to)).toBe(true);
      expect(periods).toHaveLength(by === 'week' ? 51 : 12);
    }
  });
});

describe('periodLabel', () => {
  it('names ISO weeks by their week-numbering year', () => {
    expect(periodLabel(Date.parse('2026-10-29T00:00:00Z'), 'week', 'UTC')).toBe('2026-W44');
    // Friday 2027-01-01 belongs to week 53 of 2026; Monday 2027-01-04 starts 2027-W01.
    expect(periodLabel(Date.parse('2027-01-01T12:00:00Z'), 'week', 'UTC')).toBe('2026-W53');
    expect(periodLabel(Date.parse('2027-01-04T00:00:00Z'), 'week', 'UTC')).toBe('2027-W01');
  });

  it('reads the instant in the zone', () => {
    // 2026-10-31 23:30 UTC is already November in Berlin.
    expect(periodLabel(Date.parse('2026-10-31T23:30:00Z'), 'month', 'Europe/Berlin')).toBe('2026-11');
    expect(periodLabel(Date.parse('2026-10-31T23:30:00Z'), 'month', 'UTC')).toBe('2026-10');
  });
});
