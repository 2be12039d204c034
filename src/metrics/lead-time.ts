import { leadTimeLevel } from './levels.js';
import { durationStats } from './stats.js';
import type { LeadTime } from './types.js';

/**
 * SPEC §5.4: one value per change shipped by a deployment in scope,
 * `D.finished_at − first_commit_at`, in seconds. The caller has already left out bots, the
 * baseline's changes and negative values (with a warning).
 */
export function leadTime(values: readonly number[]): LeadTime {
  const stats = durationStats(values);
  return {
    changes: stats.count,
    p50: stats.p50,
    p75: stats.p75,
    p90: stats.p90,
    mean: stats.mean,
    level: leadTimeLevel(stats.p50),
  };
}
