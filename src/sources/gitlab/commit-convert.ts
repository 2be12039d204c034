import { deploymentId } from '../../domain/ids.js';
import type { Commit, RepoId } from '../../domain/types.js';
import type { StoredDeployment } from '../../store/index.js';
import type { GitLabCommit, GitLabJob, GitLabPipeline, GitLabRelease, GitLabTag } from './commit-schemas.js';
import type { GitLabSourceConfig } from './context.js';

/**
 * Pure conversions from validated GitLab payloads to the domain rows of SPEC §4: commits of
 * the graph, and deployments from the sources of SPEC §3 other than GitLab's deployments.
 * Shas are stored lower-case (the commit graph compares them as strings).
 */

/** A commit of the repository commits list, a compare, or a single-commit read. */
export function commitFromGitLab(repoId: RepoId, commit: GitLabCommit): Commit {
  return {
    repoId,
    sha: commit.id.toLowerCase(),
    authoredAt: commit.authored_date,
    committedAt: commit.committed_date,
    // GitLab's commit entity names the git author only (no account): the name stands in.
    author: commit.author_name ?? null,
    parents: commit.parent_ids.map((parent) => parent.toLowerCase()),
  };
}

/** Where a non-API deployment source's deployments go (SPEC §3). */
export interface DeploymentTarget {
  repoId: RepoId;
  /** The first configured environment name, `production` by default. */
  environment: string;
}

/** The environment every release, tag, pipeline or merge deployment is recorded in. */
export function deploymentEnvironment(config: GitLabSourceConfig): string {
  return config.deployments.environments?.[0] ?? 'production';
}

/** A deployment with a final status at one instant, and the one-entry status history it implies. */
function finishedAt(
  target: DeploymentTarget,
  key: string,
  source: string,
  sha: string,
  status: 'success' | 'failure',
  times: { createdAt: number; finishedAt: number },
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
    status,
    createdAt: times.createdAt,
    finishedAt: times.finishedAt,
    statuses: [{ state: status, at: times.finishedAt }],
    url,
    ref,
  };
}

/**
 * SPEC §3 `releases`: a release is a deployment of its commit when it was released. An
 * upcoming release (`released_at` still ahead, which GitLab flags) is not one yet: null. So is
 * a release whose commit GitLab does not show (a token without code access): the caller warns.
 */
export function releaseDeployment(target: DeploymentTarget, release: GitLabRelease, now: number): StoredDeployment | null {
  if (release.upcoming_release === true || release.released_at > now) return null;
  if (!release.commit) return null;
  const at = release.released_at;
  return finishedAt(
    target,
    `release:${release.tag_name}`,
    'releases',
    release.commit.id,
    'success',
    { createdAt: at, finishedAt: at },
    release.tag_name,
    release._links?.self ?? null,
  );
}

/**
 * When a tag was made: an annotated tag's own time (GitLab 16.11+ sends it), else its commit's
 * committer date. It is also the order GitLab lists tags in (`order_by=updated` sorts by
 * git's `creatordate`, which is exactly this).
 */
export function tagTime(tag: GitLabTag & { commit: NonNullable<GitLabTag['commit']> }): number {
  return tag.created_at ?? tag.commit.committed_date;
}

/** SPEC §3 `tags`: a tag matching `tagPattern` is a deployment of its commit when it was made. */
export function tagDeployment(target: DeploymentTarget, tag: GitLabTag & { commit: NonNullable<GitLabTag['commit']> }): StoredDeployment {
  const at = tagTime(tag);
  return finishedAt(target, `tag:${tag.name}`, 'tags', tag.commit.id, 'success', { createdAt: at, finishedAt: at }, tag.name, null);
}

/** Pipeline statuses after which its jobs no longer change (until someone retries one). */
export const FINISHED_PIPELINE_STATUSES: ReadonlySet<string> = new Set(['success', 'failed', 'canceled', 'skipped']);

/**
 * SPEC §3 `pipelines`: a finished pipeline of the default branch that ran a job matching
 * `jobPattern` is a deployment of the pipeline's sha. A matching job that `failed` makes it a
 * failed deployment; otherwise one that succeeded makes it a successful one. It finished when
 * its (last) matching job did. Several matching jobs (`deploy:eu`, `deploy:us`) are one
 * deployment, failed if any of them failed. A pipeline whose matching jobs did not run
 * (manual, skipped, canceled) or that has none is not a deployment: null.
 */
export function pipelineDeployment(
  target: DeploymentTarget,
  pipeline: GitLabPipeline,
  jobs: readonly GitLabJob[],
  jobPattern: RegExp,
): StoredDeployment | null {
  const matching = jobs.filter((job) => jobPattern.test(job.name));
  const failed = matching.filter((job) => job.status === 'failed');
  const decisive = failed.length > 0 ? failed : matching.filter((job) => job.status === 'success');
  if (decisive.length === 0) return null;
  // The job that finished last decides the time; ties by id for a stable choice.
  const last = [...decisive].sort((a, b) => (a.finished_at ?? 0) - (b.finished_at ?? 0) || a.id - b.id).at(-1)!;
  const end = last.finished_at ?? pipeline.updated_at;
  return finishedAt(
    target,
    `pipeline:${pipeline.id}`,
    'pipelines',
    pipeline.sha,
    failed.length > 0 ? 'failure' : 'success',
    { createdAt: last.started_at ?? last.created_at, finishedAt: end },
    pipeline.ref,
    last.web_url ?? pipeline.web_url ?? null,
  );
}

/** A merged MR as the store holds it: what `from: "merges"` reads. */
export interface MergedRequestRow {
  iid: number;
  mergeCommitSha: string | null;
  squashCommitSha: string | null;
  headSha: string | null;
  mergedAt: number;
  baseBranch: string;
  url: string | null;
}

/**
 * SPEC §3 `merges`: every merged MR is a deployment of its merged commit at merge time. The
 * merged commit is SPEC §5.2's: the merge commit, else the squash commit, else the head sha (a
 * fast-forward merge puts the head itself on the target branch). Null when GitLab recorded none.
 */
export function mergeDeployment(target: DeploymentTarget, mr: MergedRequestRow): StoredDeployment | null {
  const sha = mr.mergeCommitSha ?? mr.squashCommitSha ?? mr.headSha;
  if (sha === null) return null;
  const times = { createdAt: mr.mergedAt, finishedAt: mr.mergedAt };
  return finishedAt(target, `merge:${mr.iid}`, 'merges', sha, 'success', times, mr.baseBranch, mr.url);
}
