import { UsageError } from '../util/errors.js';
import { isValidTimeZone, parseInstant, sinceStart } from '../util/time.js';
import type { Window } from '../metrics/types.js';

export interface WindowFlags {
  from?: string;
  to?: string;
  since?: string;
  tz?: string;
}

/** The default window when neither `--from` nor `--since` is given (SPEC §2). */
export const DEFAULT_SINCE = '30d';

/**
 * Turns the window flags into `[from, to)` (SPEC §2): ISO dates are midnight in the zone,
 * `to` defaults to now, `--since 30d|12w|6m` ends at `to`. Every mistake names its flag.
 */
export function resolveWindow(flags: WindowFlags, now: Date, configTimeZone: string): Window {
  const timeZone = flags.tz ?? configTimeZone;
  if (!isValidTimeZone(timeZone)) {
    throw new UsageError(`--tz "${timeZone}" is not an IANA time zone`, 'e.g. --tz Europe/Berlin, --tz America/Los_Angeles, --tz UTC');
  }
  if (flags.from !== undefined && flags.since !== undefined) {
    throw new UsageError('--from and --since cannot be combined', 'use --from/--to for a fixed window, --since for one ending now');
  }
  const to = flags.to === undefined ? now.getTime() : instantFlag('--to', flags.to, timeZone);
  let from: number;
  if (flags.from !== undefined) {
    from = instantFlag('--from', flags.from, timeZone);
  } else {
    const span = flags.since ?? DEFAULT_SINCE;
    const start = sinceStart(span, to, timeZone);
    if (start === null) {
      throw new UsageError(`--since "${span}" is not a span`, 'use a number of days, weeks or months: 30d, 12w, 6m');
    }
    from = start;
  }
  if (from >= to) {
    throw new UsageError(`--from must be before --to (the window is [from, to) and would be empty)`);
  }
  return { from, to, timeZone };
}

function instantFlag(flag: string, value: string, timeZone: string): number {
  const instant = parseInstant(value, timeZone);
  if (instant === null) {
    throw new UsageError(`${flag} "${value}" is not an ISO date or time`, 'e.g. 2026-11-01, 2026-11-01T09:30, 2026-11-01T09:30:00Z');
  }
  return instant;
}

/** The window of equal length just before `window` (`--compare`). */
export function previousWindow(window: Window): Window {
  const length = window.to - window.from;
  return { from: window.from - length, to: window.from, timeZone: window.timeZone };
}
