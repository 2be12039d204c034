import { deploymentId } from '../../domain/ids.js';
import type { Commit, RepoId } from '../../domain/types.js';
import type { StoredDeployment } from '../../store/index.js';
import type { HistoryNode, Release, RestCommit, TagRef, WorkflowRun } from './commit-schemas.js';
import type { GitHubSourceConfig } from './context.js';

/**
 * Pure conversions from validated GitHub payloads to the domain rows of SPEC §4: commits of
 * the graph, and deployments from the sources of SPEC §3 other than the Deployments API.
 * Shas are stored lower-case (the commit graph compares them as strings).
 */

/** A commit of the default branch's GraphQL history. */
export function commitFromHistory(repoId: RepoId, node: HistoryNode): Commit {
  return {
    repoId,
    sha: node.oid.toLowerCase(),
    authoredAt: node.authoredDate,
    committedAt: node.committedDate,
    author: node.author?.user?.login ?? node.author?.name ?? null,
    parents: node.parents.nodes.map((parent) => parent.oid.toLowerCase()),
  };
}

/** A commit of a REST compare response (its parents are listed in order, first parent first). */
export function commitFromRest(repoId: RepoId, commit: RestCommit): Commit {
  return {
    repoId,
    sha: commit.sha.toLowerCase(),
    authoredAt: commit.commit.author?.date ?? null,
    committedAt: commit.commit.committer?.date ?? null,
    author: commit.author?.login ?? commit.commit.author?.name ?? null,
    parents: commit.parents.map((parent) => parent.sha.toLowerCase()),
  };
}

/** Where a non-API deployment source's deployments go (SPEC §3). */
export interface DeploymentTarget {
  repoId: RepoId;
  /** The first configured environment name, `production` by default. */
  environment: string;
}

/** The environment every release, tag, workflow-run or merge deployment is recorded in. */
export function deploymentEnvironment(config: GitHubSourceConfig): string {
  return config.deployments.environments?.[0] ?? 'production';
}

/** A tag with the commit it names, newest-first ordering time, and deployment time. */
export interface ResolvedTag {
  name: string;
  sha: string;
  /** The tagged commit's committer date: the order GitHub lists tags in. */
  committedAt: number;
  /** When an annotated tag was made; null for a lightweight tag. */
  taggedAt: number | null;
}

/** The commit a tag names, or null when it names a tree, a blob or another tag. */
export function resolveTag(ref: TagRef): ResolvedTag | null {
  const target = ref.target;
  if (target.__typename === 'Commit') {
    return { name: ref.name, sha: target.oid.toLowerCase(), committedAt: target.committedDate, taggedAt: null };
  }
  if (target.__typename === 'Tag' && target.target.__typename === 'Commit') {
    return {
      name: ref.name,
      sha: target.target.oid.toLowerCase(),
      committedAt: target.target.committedDate,
      taggedAt: target.tagger?.date ?? null,
    };
  }
  return null;
}

/** A successful deployment at one instant, with the one-entry status history it implies. */
function successAt(
  target: DeploymentTarget,
  key: string,
  source: string,
  sha: string,
  at: number,
  ref: string | null,
  url: string | null,
): StoredDeployment {
  return {
    id: deploymentId(target.repoId, key),
    repoId: target.repoId,
    environment: target.environment,
    tier: null,
    sha: sha.toLowerCase(),
    source,
    status: 'success',
    createdAt: at,
    finishedAt: at,
    statuses: [{ state: 'success', at }],
    url,
    ref,
  };
}

/**
 * SPEC §3: a published, non-draft release is a deployment of its tag's commit at the time it
 * was published. Null for a draft (GitHub lists drafts to users with push access).
 */
export function releaseDeployment(target: DeploymentTarget, release: Release, sha: string): StoredDeployment | null {
  if (release.draft || release.published_at === null) return null;
  return successAt(target, `release:${release.id}`, 'releases', sha, release.published_at, release.tag_name, release.html_url);
}

/**
 * SPEC §3: a tag matching `tagPattern` is a deployment of its commit. An annotated tag says
 * when it was made, which is when the release was cut; a lightweight tag carries no time of
 * its own, so its commit's committer date stands in.
 */
export function tagDeployment(target: DeploymentTarget, tag: ResolvedTag): StoredDeployment {
  return successAt(target, `tag:${tag.name}`, 'tags', tag.sha, tag.taggedAt ?? tag.committedAt, tag.name, null);
}

/**
 * SPEC §3: a completed run of the deploy workflow is a deployment of its head commit, finished
 * when the run last changed (its completion); conclusion `success` is a success and `failure`
 * a failed deployment. Any other conclusion (cancelled, skipped, …) or a run still going is
 * not a deployment: null.
 */
export function workflowRunDeployment(target: DeploymentTarget, run: WorkflowRun): StoredDeployment | null {
  if (run.status !== 'completed') return null;
  if (run.conclusion !== 'success' && run.conclusion !== 'failure') return null;
  return {
    id: deploymentId(target.repoId, `workflow-run:${run.id}`),
    repoId: target.repoId,
    environment: target.environment,
    tier: null,
    sha: run.head_sha.toLowerCase(),
    source: 'workflow_runs',
    status: run.conclusion,
    createdAt: run.run_started_at ?? run.created_at,
    finishedAt: run.updated_at,
    statuses: [{ state: run.conclusion, at: run.updated_at }],
    url: run.html_url,
    ref: run.head_branch,
  };
}

/** A merged PR as the store holds it: what `from: "merges"` reads. */
export interface MergedPullRequestRow {
  number: number;
  mergeCommitSha: string;
  mergedAt: number;
  baseBranch: string;
  url: string | null;
}

/** SPEC §3 `merges`: every merged PR is a deployment of its merged commit at merge time. */
export function mergeDeployment(target: DeploymentTarget, pr: MergedPullRequestRow): StoredDeployment {
  return successAt(target, `merge:${pr.number}`, 'merges', pr.mergeCommitSha, pr.mergedAt, pr.baseBranch, pr.url);
}
