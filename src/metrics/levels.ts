import type { Level } from './types.js';

/** Level thresholds of SPEC §5 (DORA 2024, gap-free: every value falls in exactly one level). */

const HOUR = 3_600;
const DAY = 86_400;
const WEEK = 7 * DAY;

/** SPEC §5.3: on demand (≥ 5 deploy days a week) is elite; never null. */
export function deploymentFrequencyLevel(medianDeployDaysPerWeek: number | null, perWeek: number): Level {
  if (medianDeployDaysPerWeek !== null && medianDeployDaysPerWeek >= 5) return 'elite';
  if (medianDeployDaysPerWeek !== null && medianDeployDaysPerWeek >= 1) return 'high';
  if (perWeek >= 0.25) return 'medium';
  return 'low';
}

/** SPEC §5.4, on the p50 in seconds: elite < 1 day, high < 1 week, medium < 30 days. */
export function leadTimeLevel(p50: number | null): Level | null {
  if (p50 === null) return null;
  if (p50 < DAY) return 'elite';
  if (p50 < WEEK) return 'high';
  if (p50 < 30 * DAY) return 'medium';
  return 'low';
}

/** SPEC §5.6: elite ≤ 5 %, high ≤ 10 %, medium ≤ 15 %, low above. */
export function changeFailureRateLevel(rate: number | null): Level | null {
  if (rate === null) return null;
  if (rate <= 0.05) return 'elite';
  if (rate <= 0.1) return 'high';
  if (rate <= 0.15) return 'medium';
  return 'low';
}

/** SPEC §5.8, for time to restore and failed-deployment recovery time: < 1 h, < 1 day, < 1 week. */
export function restoreLevel(p50: number | null): Level | null {
  if (p50 === null) return null;
  if (p50 < HOUR) return 'elite';
  if (p50 < DAY) return 'high';
  if (p50 < WEEK) return 'medium';
  return 'low';
}
