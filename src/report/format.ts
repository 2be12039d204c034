import { formatDuration } from '../util/time.js';
import { tryParseThreshold, type ValueKind } from './thresholds.js';

/**
 * Human units for people reading a report (the table and the Markdown report). Every formatter
 * renders `null` as an em dash: an undefined metric must never read as `0` or `NaN`.
 */

export const NONE = '—';

/** Rounds to at most two decimals and drops trailing zeros: `3.5`, `2.33`, `12`. */
export function formatNumber(value: number | null): string {
  if (value === null || !Number.isFinite(value)) return NONE;
  return String(Math.round(value * 100) / 100);
}

/** `0.125` → `12.5%` (one decimal at most). */
export function formatPercent(ratio: number | null): string {
  if (ratio === null || !Number.isFinite(ratio)) return NONE;
  return `${Math.round(ratio * 1000) / 10}%`;
}

/** Seconds → `2d 4h`. */
export function formatSeconds(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return NONE;
  return formatDuration(seconds);
}

/** A metric value in the unit its kind calls for. */
export function formatValue(kind: ValueKind, value: number | null): string {
  switch (kind) {
    case 'duration':
      return formatSeconds(value);
    case 'rate':
      return formatPercent(value);
    case 'count':
    case 'frequency':
      return formatNumber(value);
  }
}

/** A threshold's actual value in the unit of the metric its expression names: `2d 4h`, `12.5%`. */
export function formatThresholdActual(expr: string, actual: number | null): string {
  const threshold = tryParseThreshold(expr);
  return threshold ? formatValue(threshold.kind, actual) : formatNumber(actual);
}

/**
 * The change from `previous` to `current` with a sign: `+3h 2m`, `-1.5`, `+2.5 pp` (rates
 * change in percentage points, not in percent of themselves). `—` when either is undefined.
 */
export function formatChange(kind: ValueKind, current: number | null, previous: number | null): string {
  if (current === null || previous === null || !Number.isFinite(current) || !Number.isFinite(previous)) return NONE;
  const delta = current - previous;
  if (delta === 0) return '±0';
  const sign = delta > 0 ? '+' : '-';
  const size = Math.abs(delta);
  switch (kind) {
    case 'duration':
      return sign + formatDuration(size);
    case 'rate':
      return `${sign}${Math.round(size * 1000) / 10} pp`;
    case 'count':
    case 'frequency':
      return sign + formatNumber(size);
  }
}

const DATE_PARTS = new Map<string, Intl.DateTimeFormat>();

/**
 * An ISO instant as local wall-clock time in `timeZone`: `2026-10-01 14:30`, or only the
 * date when `dateOnly` (windows usually start and end at local midnight).
 */
export function formatLocal(iso: string, timeZone: string, dateOnly: boolean): string {
  let formatter = DATE_PARTS.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    DATE_PARTS.set(timeZone, formatter);
  }
  const parts: Record<string, string> = {};
  for (const part of formatter.formatToParts(new Date(iso))) parts[part.type] = part.value;
  const date = `${parts.year}-${parts.month}-${parts.day}`;
  return dateOnly ? date : `${date} ${parts.hour}:${parts.minute}`;
}

/** A window `[from, to)` in its own zone: `2026-10-01 → 2026-11-01 (Europe/Berlin)`. */
export function formatWindow(window: { from: string; to: string; timezone: string }): string {
  const midnight = (iso: string) => formatLocal(iso, window.timezone, false).endsWith(' 00:00');
  const dateOnly = midnight(window.from) && midnight(window.to);
  const from = formatLocal(window.from, window.timezone, dateOnly);
  const to = formatLocal(window.to, window.timezone, dateOnly);
  return `${from} → ${to} (${window.timezone})`;
}
