import { describe, expect, it } from 'vitest';
import { previousWindow, resolveWindow } from '../../src/commands/window.js';
import { UsageError } from '../../src/util/errors.js';

const NOW = new Date('2026-11-29T12:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();

describe('report window flags → [from, to)', () => {
  it.each([
    ['default: the last 30 days', {}, 'UTC', '2026-10-30T12:00:00.000Z', '2026-11-29T12:00:00.000Z'],
    ['--since 12w', { since: '12w' }, 'UTC', '2026-09-06T12:00:00.000Z', '2026-11-29T12:00:00.000Z'],
    ['--since 6m is calendar months', { since: '6m' }, 'UTC', '2026-05-29T12:00:00.000Z', '2026-11-29T12:00:00.000Z'],
    ['dates are midnight in --tz', { from: '2026-11-01', to: '2026-11-08', tz: 'Europe/Berlin' }, 'UTC', '2026-10-31T23:00:00.000Z', '2026-11-07T23:00:00.000Z'],
    ['dates are midnight in the config zone', { from: '2026-07-01', to: '2026-08-01' }, 'America/Los_Angeles', '2026-07-01T07:00:00.000Z', '2026-08-01T07:00:00.000Z'],
    ['times with Z are instants', { from: '2026-11-01T09:30:00Z', to: '2026-11-02T00:00:00+02:00' }, 'Europe/Berlin', '2026-11-01T09:30:00.000Z', '2026-11-01T22:00:00.000Z'],
    ['--since ends at --to', { since: '7d', to: '2026-11-08' }, 'UTC', '2026-11-01T00:00:00.000Z', '2026-11-08T00:00:00.000Z'],
  ])('%s', (_name, flags, zone, from, to) => {
    const window = resolveWindow(flags, NOW, zone);
    expect([iso(window.from), iso(window.to)]).toEqual([from, to]);
  });

  it.each([
    [{ from: '2026-13-01' }, '--from "2026-13-01" is not an ISO date or time'],
    [{ from: 'yesterday' }, '--from "yesterday" is not an ISO date or time'],
    [{ to: '2026-02-30' }, '--to "2026-02-30" is not an ISO date or time'],
    [{ since: '30x' }, '--since "30x" is not a span'],
    [{ tz: 'Mars/Olympus' }, '--tz "Mars/Olympus" is not an IANA time zone'],
    [{ from: '2026-11-02', to: '2026-11-01' }, '--from must be before --to'],
    [{ from: '2026-11-01', since: '7d' }, '--from and --since cannot be combined'],
  ])('%j is a usage error naming the flag', (flags, message) => {
    expect(() => resolveWindow(flags, NOW, 'UTC')).toThrow(UsageError);
    expect(() => resolveWindow(flags, NOW, 'UTC')).toThrow(message);
  });

  it('the previous window has the same length and ends where the window starts', () => {
    const window = resolveWindow({ from: '2026-11-01', to: '2026-11-29' }, NOW, 'UTC');
    const previous = previousWindow(window);
    expect([iso(previous.from), iso(previous.to)]).toEqual(['2026-10-04T00:00:00.000Z', '2026-11-01T00:00:00.000Z']);
  });
});
