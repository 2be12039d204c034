import { describe, expect, it } from 'vitest';
import { formatDuration, localDate, parseDuration, parseInstant } from '../../src/util/time.js';

describe('time helpers', () => {
  it.each([
    ['90s', 90], ['30m', 1800], ['24h', 86_400], ['2d', 172_800], ['1w', 604_800], ['1.5d', 129_600],
  ])('parseDuration(%s) = %i seconds', (text, seconds) => {
    expect(parseDuration(text)).toBe(seconds);
  });

  it.each(['', '2', 'd', '2y', '-1h', '2 days'])('parseDuration(%j) is null', (text) => {
    expect(parseDuration(text)).toBeNull();
  });

  it.each([
    [0, '0s'], [45, '45s'], [3_600, '1h'], [5_400, '1h 30m'], [190_800, '2d 5h'], [172_800, '2d'], [-3_600, '-1h'],
  ])('formatDuration(%i) = %s', (seconds, text) => {
    expect(formatDuration(seconds)).toBe(text);
  });

  it('localDate follows the zone, across a DST change, also when cached', () => {
    // Berlin leaves summer time on 2026-10-25 at 01:00 UTC (03:00 CEST → 02:00 CET).
    expect(localDate(Date.parse('2026-10-24T22:30:00Z'), 'Europe/Berlin')).toBe('2026-10-25'); // 00:30 CEST
    expect(localDate(Date.parse('2026-10-25T22:59:59Z'), 'Europe/Berlin')).toBe('2026-10-25'); // 23:59:59 CET
    expect(localDate(Date.parse('2026-10-25T23:00:00Z'), 'Europe/Berlin')).toBe('2026-10-26'); // midnight CET
    expect(localDate(Date.parse('2026-10-25T23:00:00Z'), 'Europe/Berlin')).toBe('2026-10-26');
    expect(localDate(Date.parse('2026-11-10T23:30:00Z'), 'America/Los_Angeles')).toBe('2026-11-10');
    expect(localDate(Date.parse('2026-11-10T23:30:00Z'), 'Asia/Kathmandu')).toBe('2026-11-11'); // UTC+5:45
    expect(localDate(Date.parse('2026-11-10T18:14:59Z'), 'Asia/Kathmandu')).toBe('2026-11-10'); // 23:59:59
    expect(localDate(Date.parse('2026-11-10T18:15:00Z'), 'Asia/Kathmandu')).toBe('2026-11-11'); // 00:00
  });

  it('parseInstant: dates are midnight in the zone, local times are wall clock, offsets are instants', () => {
    expect(parseInstant('2026-03-29', 'Europe/Berlin')).toBe(Date.parse('2026-03-28T23:00:00Z'));
    expect(parseInstant('2026-03-29T12:00', 'Europe/Berlin')).toBe(Date.parse('2026-03-29T10:00:00Z')); // CEST
    expect(parseInstant('2026-03-29T12:00:00+05:30', 'Europe/Berlin')).toBe(Date.parse('2026-03-29T06:30:00Z'));
    expect(parseInstant('2026-02-29', 'UTC')).toBeNull();
    expect(parseInstant('2026-02-30T10:00:00Z', 'UTC')).toBeNull();
    expect(parseInstant('2028-02-29T10:00:00Z', 'UTC')).toBe(Date.parse('2028-02-29T10:00:00Z'));
    expect(parseInstant('29/03/2026', 'UTC')).toBeNull();
  });
});
