import type { Incident } from '../domain/types.js';
import { restoreLevel } from './levels.js';
import { durationStats } from './stats.js';
import type { TimeToRestore } from './types.js';

/**
 * SPEC §5.8 (MTTR): over the incidents created in the window, `resolved_at − created_at` of
 * the resolved ones; a resolution after the window still counts. Negative durations are left
 * out and reported through `warn`.
 */
export function timeToRestore(incidents: readonly Incident[], warn: (message: string) => void): TimeToRestore {
  const durations: number[] = [];
  let resolved = 0;
  for (const incident of incidents) {
    if (incident.resolvedAt === null) continue;
    resolved++;
    const seconds = (incident.resolvedAt - incident.createdAt) / 1000;
    if (seconds < 0) warn(`incident ${incident.id} is resolved before it was created: left out of time to restore`);
    else durations.push(seconds);
  }
  const stats = durationStats(durations);
  return {
    incidents: incidents.length,
    resolved,
    open: incidents.length - resolved,
    p50: stats.p50,
    p75: stats.p75,
    p90: stats.p90,
    mean: stats.mean,
    level: restoreLevel(stats.p50),
  };
}
