import { localDate } from '../util/time.js';
import { deploymentFrequencyLevel } from './levels.js';
import { percentile } from './stats.js';
import type { DeploymentFrequency, Window } from './types.js';

const DAY_MS = 86_400_000;
const WEEK_MS = 7 * DAY_MS;

/**
 * SPEC §5.3. `finishedAt` holds the finish times of the deployments in scope (already
 * collapsed and inside the window); days are calendar dates in the window's time zone.
 */
export function deploymentFrequency(finishedAt: readonly number[], window: Window): DeploymentFrequency {
  const deployments = finishedAt.length;
  const deployDays = new Set(finishedAt.map((instant) => localDate(instant, window.timeZone))).size;
  const perDay = deployments / ((window.to - window.from) / DAY_MS);
  const perWeek = perDay * 7;
  const median = medianDeployDaysPerWeek(finishedAt, window);
  return {
    deployments,
    deployDays,
    perDay,
    perWeek,
    medianDeployDaysPerWeek: median,
    level: deploymentFrequencyLevel(median, perWeek),
  };
}

/**
 * Buckets of exactly 7 × 86,400 s counted back from `to` (a shorter leftover at the start is
 * dropped); in each, the distinct local dates with a deployment; the median of those counts.
 */
export function medianDeployDaysPerWeek(finishedAt: readonly number[], window: Window): number | null {
  const buckets = Math.floor((window.to - window.from) / WEEK_MS);
  if (buckets < 1) return null;
  const datesPerBucket = Array.from({ length: buckets }, () => new Set<string>());
  for (const instant of finishedAt) {
    // Bucket k is [to − (k+1)·week, to − k·week).
    const bucket = Math.ceil((window.to - instant) / WEEK_MS) - 1;
    if (bucket >= 0 && bucket < buckets) datesPerBucket[bucket]!.add(localDate(instant, window.timeZone));
  }
  const counts = datesPerBucket.map((dates) => dates.size).sort((a, b) => a - b);
  return percentile(counts, 0.5);
}
