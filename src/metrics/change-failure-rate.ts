import { changeFailureRateLevel } from './levels.js';
import type { DeploymentNode } from './model.js';
import type { ChangeFailureRate } from './types.js';

/**
 * SPEC §5.6: a deployment failed when an incident is attributed to it, when the next
 * deployment rolled it back, or when it shipped a PR that a merged revert PR names.
 */
export function isFailedDeployment(node: DeploymentNode): boolean {
  return node.incidents.length > 0 || node.rolledBack || node.reverted;
}

/** Counts distinct deployments, never incidents; `null` without deployments. */
export function changeFailureRate(inScope: readonly DeploymentNode[]): ChangeFailureRate {
  const failedDeployments = inScope.filter(isFailedDeployment).length;
  const rate = inScope.length === 0 ? null : failedDeployments / inScope.length;
  return { deployments: inScope.length, failedDeployments, rate, level: changeFailureRateLevel(rate) };
}
