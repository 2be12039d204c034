import { TZDate } from '@date-fns/tz';
import { subDays, subMonths, subWeeks } from 'date-fns';

/** Seconds in one of the duration units accepted in config and `--fail-on` values. */
const DURATION_UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 };

/** Parses `90s`, `30m`, `24h`, `2d`, `1w`, `1.5d` into seconds; null when malformed. */
export function parseDuration(text: string): number | null {
  const match = /^(\d+(?:\.\d+)?)\s*([smhdw])$/.exec(text.trim());
  if (!match) return null;
  return Number(match[1]) * DURATION_UNITS[match[2]!]!;
}

/** Whether `zone` is an IANA time zone name this Node.js knows. */
export function isValidTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;
const LOCAL_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?$/;
const ZONED_DATE_TIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})$/i;

/**
 * Parses an ISO date or time into epoch milliseconds (SPEC §2: "a date is midnight in
 * `--tz`"). A time with `Z` or an offset is that instant; a time without one is wall-clock
 * time in `timeZone`. Returns null when the text is not an ISO date or time.
 */
export function parseInstant(text: string, timeZone: string): number | null {
  const value = text.trim();
  const dateOnly = DATE_ONLY.exec(value);
  if (dateOnly) {
    const [, y, m, d] = dateOnly;
    return wallClock(Number(y), Number(m), Number(d), 0, 0, 0, 0, timeZone);
  }
  const local = LOCAL_DATE_TIME.exec(value);
  if (local) {
    const [, y, mo, d, h, mi, s, ms] = local;
    return wallClock(
      Number(y), Number(mo), Number(d), Number(h), Number(mi), Number(s ?? 0),
      Number((ms ?? '0').padEnd(3, '0')), timeZone,
    );
  }
  if (ZONED_DATE_TIME.test(value)) {
    // Date.parse is lenient (2026-02-30T10:00Z becomes March 2nd): check the calendar date.
    const [year, month, day] = value.slice(0, 10).split('-').map(Number) as [number, number, number];
    const calendar = new Date(Date.UTC(year, month - 1, day));
    if (calendar.getUTCMonth() !== month - 1 || calendar.getUTCDate() !== day) return null;
    const instant = Date.parse(value.replace(' ', 'T'));
    return Number.isNaN(instant) ? null : instant;
  }
  return null;
}

function wallClock(
  year: number, month: number, day: number, hour: number, minute: number, second: number,
  millisecond: number, timeZone: string,
): number | null {
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) {
    return null;
  }
  const date = new TZDate(year, month - 1, day, hour, minute, second, millisecond, timeZone);
  // Reject dates that roll over (2026-02-30 would silently become March 2nd).
  if (date.getDate() !== day || date.getMonth() !== month - 1) return null;
  return date.getTime();
}

/**
 * Parses a `--since` span (`30d`, `12w`, `6m`) and returns the start of the window that ends
 * at `to`. Months are calendar months in `timeZone`. Returns null when malformed.
 */
export function sinceStart(span: string, to: number, timeZone: string): number | null {
  const match = /^(\d+)([dwm])$/.exec(span.trim());
  if (!match) return null;
  const amount = Number(match[1]);
  if (amount <= 0) return null;
  const end = new TZDate(to, timeZone);
  switch (match[2]) {
    case 'd':
      return subDays(end, amount).getTime();
    case 'w':
      return subWeeks(end, amount).getTime();
    default:
      return subMonths(end, amount).getTime();
  }
}

const dateFormatters = new Map<string, Intl.DateTimeFormat>();
const localDateCache = new Map<string, Map<number, string>>();
const QUARTER_HOUR_MS = 15 * 60 * 1000;

/**
 * The calendar date (`YYYY-MM-DD`) of an instant in `timeZone`: the unit of "deploy days".
 * Every UTC offset and every transition of today's zones falls on a quarter hour, so the
 * date is constant within an aligned quarter hour and is cached per quarter hour (Intl
 * formatting is the slow part of bucketing thousands of deployments).
 */
export function localDate(instant: number, timeZone: string): string {
  let cache = localDateCache.get(timeZone);
  if (!cache) {
    cache = new Map();
    localDateCache.set(timeZone, cache);
  }
  const quarter = Math.floor(instant / QUARTER_HOUR_MS);
  let date = cache.get(quarter);
  if (date === undefined) {
    date = formatLocalDate(instant, timeZone);
    if (cache.size > 100_000) cache.clear();
    cache.set(quarter, date);
  }
  return date;
}

function formatLocalDate(instant: number, timeZone: string): string {
  let formatter = dateFormatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone, year: 'numeric', month: '2-digit', day: '2-digit',
    });
    dateFormatters.set(timeZone, formatter);
  }
  let year = '', month = '', day = '';
  for (const part of formatter.formatToParts(instant)) {
    if (part.type === 'year') year = part.value;
    else if (part.type === 'month') month = part.value;
    else if (part.type === 'day') day = part.value;
  }
  return `${year}-${month}-${day}`;
}

/** An ISO 8601 UTC string, the one format instants take in reports. */
export function isoUtc(instant: number): string {
  return new Date(instant).toISOString();
}

const HUMAN_UNITS: Array<[string, number]> = [['d', 86_400], ['h', 3_600], ['m', 60], ['s', 1]];

/** `190800` → `2d 5h`: the two most significant units, for people reading a table. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return String(seconds);
  const sign = seconds < 0 ? '-' : '';
  let rest = Math.round(Math.abs(seconds));
  if (rest === 0) return '0s';
  const parts: string[] = [];
  for (const [unit, size] of HUMAN_UNITS) {
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)}${unit}`);
      rest %= size;
    } else if (parts.length > 0) {
      break;
    }
    if (parts.length === 2) break;
  }
  return sign + parts.join(' ');
}
