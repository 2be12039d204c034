import type { Deployment, RepoId } from '../domain/types.js';

/** SPEC §5.1: records of one sha finishing within this long of the first are one deployment. */
export const DUPLICATE_WINDOW_MS = 10 * 60 * 1000;

/**
 * When a deployment became successful, or null when it is not successful (SPEC §5.1).
 * With a status history: its last status other than `inactive` must be `success` (GitHub
 * marks a superseded deployment `inactive`), and that status's time is its finish time.
 * Without one (GitLab, `record`): the final status must be `success`, finishing at `finishedAt`.
 */
export function successfulAt(deployment: Deployment): number | null {
  if (deployment.statuses.length > 0) {
    const history = [...deployment.statuses].sort((a, b) => a.at - b.at);
    for (let i = history.length - 1; i >= 0; i--) {
      const status = history[i]!;
      const state = status.state.toLowerCase();
      if (state === 'inactive') continue;
      return state === 'success' ? status.at : null;
    }
    return null;
  }
  return deployment.status.toLowerCase() === 'success' ? deployment.finishedAt : null;
}

/**
 * Decides which deployments go to the chosen environment (SPEC §5.1): names are compared
 * case-insensitively; for `production`, the names a source's config lists count too, and so
 * does GitLab's `production` tier.
 */
export function environmentMatcher(
  environment: string,
  configuredNames: ReadonlyMap<RepoId, readonly string[]>,
): (deployment: Deployment) => boolean {
  const chosen = environment.toLowerCase();
  const isProduction = chosen === 'production';
  return (deployment) => {
    const name = deployment.environment.toLowerCase();
    if (name === chosen) return true;
    if (!isProduction) return false;
    if (deployment.tier?.toLowerCase() === 'production') return true;
    const aliases = configuredNames.get(deployment.repoId);
    return aliases !== undefined && aliases.some((alias) => alias.toLowerCase() === name);
  };
}

/** A successful deployment to the chosen environment, with its sha resolved in the graph. */
export interface SuccessfulDeployment {
  deployment: Deployment;
  repoId: RepoId;
  sha: string;
  finishedAt: number;
}

/** Orders deployments by finish time, ties by id (SPEC §5.2). */
export function byFinishThenId(a: SuccessfulDeployment, b: SuccessfulDeployment): number {
  return a.finishedAt - b.finishedAt || (a.deployment.id < b.deployment.id ? -1 : a.deployment.id > b.deployment.id ? 1 : 0);
}

/**
 * Collapses duplicates before every other rule (SPEC §5.1): per environment and sha within
 * one repository, a record finishing at most 10 minutes after the first record of its group
 * is dropped; a later one starts a new group. Environments are told apart by name (ignoring
 * case) even when several of them count as the chosen one (configured names, GitLab's
 * production tier): the same sha rolled out to two of them is two deployments. Input must be
 * one repository's deployments sorted with `byFinishThenId`.
 */
export function collapseDuplicates(sorted: readonly SuccessfulDeployment[]): {
  kept: SuccessfulDeployment[];
  dropped: SuccessfulDeployment[];
} {
  const groupStart = new Map<string, number>();
  const kept: SuccessfulDeployment[] = [];
  const dropped: SuccessfulDeployment[] = [];
  for (const record of sorted) {
    const key = `${record.deployment.environment.toLowerCase()}\u0000${record.sha}`;
    const start = groupStart.get(key);
    if (start !== undefined && record.finishedAt - start <= DUPLICATE_WINDOW_MS) {
      dropped.push(record);
    } else {
      groupStart.set(key, record.finishedAt);
      kept.push(record);
    }
  }
  return { kept, dropped };
}
