/**
 * The facts dorametrics keeps about forges (SPEC §4), as the metric engine sees them.
 * Every time is a UTC instant in epoch milliseconds; `null` means "unknown" or "not yet".
 */

export type Forge = 'github' | 'gitlab';

/** A repository id is `github:owner/repo` or `gitlab:group/project` (SPEC §3). */
export type RepoId = string;

export interface Repository {
  id: RepoId;
  forge: Forge;
  fullName: string;
  defaultBranch: string | null;
  webUrl: string | null;
}

export interface Commit {
  repoId: RepoId;
  sha: string;
  authoredAt: number | null;
  committedAt: number | null;
  author: string | null;
  /** Parent shas, first parent first. */
  parents: string[];
}

export interface PullRequestCommit {
  sha: string;
  authoredAt: number | null;
}

export type PullRequestState = 'open' | 'closed' | 'merged';

export interface PullRequest {
  /** Deterministic id, e.g. `github:acme/shop:pr:123`. */
  id: string;
  repoId: RepoId;
  number: number;
  title: string;
  body: string;
  author: string | null;
  /** The forge itself says the author is a bot (GitHub App account, GitLab bot user). */
  isBot: boolean;
  labels: string[];
  createdAt: number;
  /** As stored by the harvester; the engine prefers the minimum over `commits` (SPEC §5.4). */
  firstCommitAt: number | null;
  firstReviewAt: number | null;
  mergedAt: number | null;
  /** GitHub: merge/squash/last rebased commit. GitLab: merge commit (SPEC §5.2). */
  mergeCommitSha: string | null;
  /** GitLab only: the squash commit, used when there is no merge commit. */
  squashCommitSha: string | null;
  /** The head sha: GitLab's merged commit for a fast-forward merge. */
  headSha: string | null;
  baseBranch: string | null;
  state: PullRequestState;
  isDraft: boolean;
  url: string | null;
  commits: PullRequestCommit[];
}

/** One entry of a deployment's status history, oldest first. */
export interface DeploymentStatus {
  state: string;
  at: number;
}

export interface Deployment {
  /** Deterministic id, e.g. `github:acme/shop:deployment:42`. */
  id: string;
  repoId: RepoId;
  environment: string;
  /** GitLab's deployment tier (`production`, `staging`, …), when known. */
  tier: string | null;
  sha: string;
  /** Where the record came from: `deployments`, `releases`, `record`, … */
  source: string;
  /** The final status as the forge reports it: `success`, `failure`, `error`, `inactive`, … */
  status: string;
  createdAt: number;
  /** When its final status was set. */
  finishedAt: number | null;
  /** Status history (GitHub); empty when the source only knows the final status. */
  statuses: DeploymentStatus[];
  url: string | null;
}

export interface Incident {
  /** Deterministic id, e.g. `github:acme/shop:incident:17`. */
  id: string;
  repoId: RepoId;
  title: string;
  body: string;
  source: string;
  createdAt: number;
  resolvedAt: number | null;
  severity: string | null;
  url: string | null;
}

/** Everything the metric engine reads, loaded from the store once per report. */
export interface Facts {
  repositories: Repository[];
  commits: Commit[];
  pullRequests: PullRequest[];
  deployments: Deployment[];
  incidents: Incident[];
}
