import type { MergedPullRequest, RepoModel } from './model.js';
import { durationStats } from './stats.js';
import type { CycleTimeLag, DurationStats, UndeployedPullRequest, Window } from './types.js';

/** The four phases of one shipped PR, in seconds; `null` where a phase has no value. */
export interface PhaseValues {
  coding: number | null;
  pickup: number | null;
  review: number | null;
  lag: number | null;
}

const seconds = (later: number | null, earlier: number | null): number | null =>
  later === null || earlier === null ? null : (later - earlier) / 1000;

/**
 * SPEC §5.5: coding = created − first commit, pickup = first review − created,
 * review = merged − first review, lag = deployed − merged (the cycle-time lag).
 */
export function phasesOf(entry: MergedPullRequest, deployedAt: number): PhaseValues {
  const { pr } = entry;
  return {
    coding: seconds(pr.createdAt, entry.firstCommitAt),
    pickup: seconds(pr.firstReviewAt, pr.createdAt),
    review: seconds(pr.mergedAt, pr.firstReviewAt),
    lag: seconds(deployedAt, pr.mergedAt),
  };
}

export interface PhaseSamples {
  coding: number[];
  pickup: number[];
  review: number[];
  lag: number[];
}

export function cycleTimeLag(samples: PhaseSamples, undeployed: readonly UndeployedPullRequest[]): CycleTimeLag {
  const lag: DurationStats = durationStats(samples.lag);
  return {
    ...lag,
    phases: {
      coding: durationStats(samples.coding),
      pickup: durationStats(samples.pickup),
      review: durationStats(samples.review),
    },
    undeployed: {
      count: undeployed.length,
      oldestAgeSeconds: undeployed.length === 0 ? null : Math.max(...undeployed.map((pr) => pr.ageSeconds)),
    },
  };
}

/**
 * SPEC §5.5 `undeployed`, evaluated as of `to`: PRs (not bots) merged into the default branch
 * before `to` whose merged commit no successful deployment finished before `to` reaches.
 * Oldest first. A PR reached by the baseline was deployed before history starts.
 */
export function undeployedPullRequests(repo: RepoModel, window: Window): UndeployedPullRequest[] {
  const defaultBranch = repo.repository.defaultBranch;
  const result: UndeployedPullRequest[] = [];
  for (const entry of repo.mergedPullRequests) {
    const { pr } = entry;
    if (entry.isBot || pr.mergedAt === null || pr.mergedAt >= window.to || entry.mergedCommit === null) continue;
    if (defaultBranch !== null && pr.baseBranch !== null && pr.baseBranch !== defaultBranch) continue;
    // Shipped before `to`, or reached by the baseline: deployed before history starts, whenever
    // the baseline itself finished (SPEC §5.2 leaves baseline PRs out of every PR figure).
    if (entry.deployment !== null && (entry.deployment.finishedAt < window.to || entry.deployment.isBaseline)) continue;
    result.push({
      id: pr.id,
      repoId: pr.repoId,
      number: pr.number,
      title: pr.title,
      author: pr.author,
      url: pr.url,
      mergedAt: pr.mergedAt,
      ageSeconds: (window.to - pr.mergedAt) / 1000,
    });
  }
  return result;
}
