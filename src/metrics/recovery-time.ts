import { isFailedDeployment } from './change-failure-rate.js';
import { restoreLevel } from './levels.js';
import type { DeploymentNode } from './model.js';
import { durationStats } from './stats.js';
import type { FailedDeploymentRecoveryTime } from './types.js';

/**
 * When a failed deployment recovered (SPEC §5.8): with attributed incidents, the latest of
 * their resolutions (not recovered while one is open), even if it was also rolled back;
 * failed only by rollback or revert, when the next successful deployment finished.
 */
export function recoveredAt(node: DeploymentNode): number | null {
  if (node.incidents.length > 0) {
    let latest = -Infinity;
    for (const incident of node.incidents) {
      if (incident.resolvedAt === null) return null;
      latest = Math.max(latest, incident.resolvedAt);
    }
    return latest;
  }
  return node.next?.finishedAt ?? null;
}

export function failedDeploymentRecoveryTime(
  inScope: readonly DeploymentNode[],
  warn: (message: string) => void,
): FailedDeploymentRecoveryTime {
  const failed = inScope.filter(isFailedDeployment);
  const durations: number[] = [];
  let recovered = 0;
  for (const node of failed) {
    const at = recoveredAt(node);
    if (at === null) continue;
    recovered++;
    const seconds = (at - node.finishedAt) / 1000;
    if (seconds < 0) {
      warn(`deployment ${node.deployment.id} recovered before it finished (an incident resolved earlier): left out of recovery time`);
    } else {
      durations.push(seconds);
    }
  }
  const stats = durationStats(durations);
  return {
    failures: failed.length,
    recovered,
    p50: stats.p50,
    p75: stats.p75,
    p90: stats.p90,
    mean: stats.mean,
    level: restoreLevel(stats.p50),
  };
}
