import { parseInstant } from '../util/time.js';

const EPOCH_SECONDS = /^\d{9,10}$/;
const EPOCH_MILLISECONDS = /^\d{12,13}$/;

/**
 * Reads a time from an incident export. Exports write times in several ways: ISO 8601 with
 * an offset (PagerDuty's `created_on`, e.g. `2026-11-02T14:03:00-08:00`), ISO in UTC with
 * more than millisecond precision, `2026-11-02 14:03:00 UTC`, epoch seconds or milliseconds
 * (JSON from APIs). A time without any zone is wall-clock time in `timeZone` (the config's
 * `timezone`, SPEC §3): the zone the team's tools display. Returns null when unreadable.
 */
export function parseExportInstant(text: string, timeZone: string): number | null {
  let value = text.trim();
  if (EPOCH_SECONDS.test(value)) return Number(value) * 1000;
  if (EPOCH_MILLISECONDS.test(value)) return Number(value);
  value = value
    .replace(/\s+(?:UTC|GMT)$/i, 'Z')
    // `2026-11-02 14:03:00 +0100`: the space before the offset is not ISO.
    .replace(/(\d)\s+([+-]\d{2}:?\d{2})$/, '$1$2');
  // parseInstant refuses impossible dates (2026-02-30) rather than rolling them over.
  return parseInstant(value, timeZone);
}
