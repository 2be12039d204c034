import type { DeploymentNode } from './model.js';
import type { ReworkRate } from './types.js';

/**
 * SPEC §5.9: rework is a deployment that ships a revert PR or a PR with a rework label, or
 * that is itself a rollback.
 */
export function isReworkDeployment(node: DeploymentNode): boolean {
  return node.shipsRework || node.isRollback;
}

export function reworkRate(inScope: readonly DeploymentNode[]): ReworkRate {
  const reworkDeployments = inScope.filter(isReworkDeployment).length;
  return {
    deployments: inScope.length,
    reworkDeployments,
    rate: inScope.length === 0 ? null : reworkDeployments / inScope.length,
  };
}
