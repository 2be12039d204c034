import { read, statement, upsertDeployments, type StoredDeployment } from '../../store/index.js';
import { ConfigError } from '../../util/errors.js';
import { isoUtc } from '../../util/time.js';
import { traverseResource, usableSyncState } from '../newest-first.js';
import {
  FINISHED_PIPELINE_STATUSES,
  deploymentEnvironment,
  mergeDeployment,
  pipelineDeployment,
  releaseDeployment,
  tagDeployment,
  tagTime,
  type DeploymentTarget,
} from './commit-convert.js';
import {
  jobSchema,
  pipelineSchema,
  releaseSchema,
  tagSchema,
  type GitLabJob,
  type GitLabPipeline,
  type GitLabRelease,
  type GitLabTag,
} from './commit-schemas.js';
import { projectApiPath } from './commits.js';
import type { GitLabHarvestContext, GitLabSourceConfig } from './context.js';
import { listPage } from './schemas.js';

/**
 * Deployments from the `deployments.from` values of SPEC §3 other than GitLab's deployments:
 * releases, tags, pipelines running a deploy job, and merged MRs. Each becomes a deployment to
 * the source's first configured environment (`production` by default), with a deterministic
 * id and `source` set to the `from` value, so a re-sync is an idempotent upsert.
 */

type DeploymentSource = GitLabSourceConfig['deployments']['from'];

/** A harvester for each non-API deployment source (a missing one fails to compile). */
export const DEPLOYMENT_SOURCE_HARVESTERS = {
  releases: harvestReleases,
  tags: harvestTags,
  pipelines: harvestPipelines,
  merges: deploymentsFromMerges,
} satisfies Record<Exclude<DeploymentSource, 'deployments'>, (ctx: GitLabHarvestContext) => Promise<number>>;

const PAGE_SIZE = 100;

/** The `cursor` of `traverseNewestFirst` for GitLab's offset pagination: the next page number. */
function pageOf(cursor: string | null): number {
  return cursor === null ? 1 : Number(cursor);
}

function nextCursor(next: number | null): string | null {
  return next === null ? null : String(next);
}

function deploymentTarget(ctx: GitLabHarvestContext): DeploymentTarget {
  return { repoId: ctx.repoId, environment: deploymentEnvironment(ctx.config) };
}

// ---------------------------------------------------------------------------------------------
// Releases

interface ReleaseItem {
  release: GitLabRelease;
  deployment: StoredDeployment | null;
}

/**
 * SPEC §3 `releases`: every release that has been released (not an upcoming one) is a
 * successful deployment of its commit at `released_at`. GitLab lists releases by
 * `released_at`, newest first, 100 a page, each with its commit: no tag lookup is needed.
 * Incremental: the traversal stops at the stored mark.
 *
 * An upcoming release sorts above every released one, so the mark is capped at the time of
 * the sync: an upcoming release whose date passes, and any release made meanwhile, has a
 * `released_at` above the mark and is read by the next sync. (A release created later with a
 * `released_at` back in the past, GitLab's "historical release", sorts below the mark; `--full`
 * picks it up.)
 */
export async function harvestReleases(ctx: GitLabHarvestContext): Promise<number> {
  const resource = 'releases';
  const endpoint = `GET ${projectApiPath(ctx)}/releases`;
  const now = ctx.options.now.getTime();
  const target = deploymentTarget(ctx);
  return traverseResource<ReleaseItem>(ctx, resource, {
    fetchPage: async (cursor) => {
      const { items: releases, next } = await listPage(endpoint, releaseSchema, () =>
        ctx.client.api.ProjectReleases.all(ctx.projectId, {
          orderBy: 'released_at',
          sort: 'desc',
          perPage: PAGE_SIZE,
          page: pageOf(cursor),
          maxPages: 1,
          showExpanded: true,
        }),
      );
      const items = releases.map((release): ReleaseItem => ({ release, deployment: releaseDeployment(target, release, now) }));
      return { items, nextCursor: nextCursor(next) };
    },
    markOf: (item) => Math.min(item.release.released_at, now),
    write: (items) => {
      for (const { release } of items) {
        if (!release.commit && release.upcoming_release !== true && release.released_at <= now) {
          ctx.warn(`${ctx.repoId}: release ${release.tag_name} comes without its commit (the token cannot read the code?); not counted as a deployment`);
        }
      }
      const deployments = items.flatMap((item) => (item.deployment ? [item.deployment] : []));
      return upsertDeployments(ctx.store, deployments);
    },
  });
}

// ---------------------------------------------------------------------------------------------
// Tags

type CommitTag = GitLabTag & { commit: NonNullable<GitLabTag['commit']> };

/**
 * SPEC §3 `tags`: every tag whose name matches `tagPattern` (all tags without one) is a
 * successful deployment of its commit, at the annotated tag's time, else its commit's
 * committer date. GitLab lists tags by that time (`order_by=updated`), newest first, 100 a
 * page, each with its commit: the incremental sync stops at the stored mark. A tag of a tree
 * or a blob names no commit and is skipped.
 */
export async function harvestTags(ctx: GitLabHarvestContext): Promise<number> {
  const resource = 'tags';
  const endpoint = `GET ${projectApiPath(ctx)}/repository/tags`;
  const source = ctx.config.deployments.tagPattern;
  const pattern = source === undefined ? null : new RegExp(source);
  const target = deploymentTarget(ctx);
  return traverseResource<CommitTag>(ctx, resource, {
    fetchPage: async (cursor) => {
      const { items, next } = await listPage(endpoint, tagSchema, () =>
        ctx.client.api.Tags.all(ctx.projectId, {
          orderBy: 'updated',
          sort: 'desc',
          perPage: PAGE_SIZE,
          page: pageOf(cursor),
          maxPages: 1,
          showExpanded: true,
        }),
      );
      const tags = items.filter((tag): tag is CommitTag => tag.commit !== null);
      return { items: tags, nextCursor: nextCursor(next) };
    },
    markOf: tagTime,
    write: (tags) => {
      const deployments = tags.filter((tag) => pattern === null || pattern.test(tag.name)).map((tag) => tagDeployment(target, tag));
      return upsertDeployments(ctx.store, deployments);
    },
  });
}

// ---------------------------------------------------------------------------------------------
// Pipelines

interface PipelineItem {
  pipeline: GitLabPipeline;
  deployment: StoredDeployment | null;
}

/**
 * SPEC §3 `pipelines`: a finished pipeline of the default branch whose job matching
 * `jobPattern` succeeded is a successful deployment of the pipeline's sha at the job's
 * `finished_at`; one whose matching job failed is a failed deployment (`pipelineDeployment`).
 *
 * Pipelines are listed by `updated_at`, newest first, 100 a page, and incrementally only
 * those updated after the stored mark (`updated_after`). A pipeline's jobs cost a request (per
 * 100 jobs), so they are read only for a finished pipeline that is new or changed since the
 * last sync: one still running is left to the sync after it finishes (finishing updates it),
 * and one whose `updated_at` is the mark itself was read by the last sync (GitLab compares
 * `updated_after` with microseconds, the API shows milliseconds). A deploy job retried later
 * updates its pipeline, which is then read again and its deployment rewritten.
 */
export async function harvestPipelines(ctx: GitLabHarvestContext): Promise<number> {
  const resource = 'pipelines';
  const source = ctx.config.deployments.jobPattern;
  if (source === undefined) {
    throw new ConfigError(
      `${ctx.repoId}: deployments.from "pipelines" needs deployments.jobPattern`,
      'name the deploy job with a regular expression, e.g. "^deploy"',
    );
  }
  const jobPattern = new RegExp(source);
  const endpoint = `GET ${projectApiPath(ctx)}/pipelines`;
  const usable = usableSyncState(ctx, resource);
  const oldMark = usable?.highWater ? Date.parse(usable.highWater) : null;
  const updatedAfter = oldMark ?? ctx.options.since;
  const target = deploymentTarget(ctx);
  return traverseResource<PipelineItem>(ctx, resource, {
    fetchPage: async (cursor) => {
      const { items: pipelines, next } = await listPage(endpoint, pipelineSchema, () =>
        ctx.client.api.Pipelines.all(ctx.projectId, {
          ref: ctx.defaultBranch,
          orderBy: 'updated_at',
          sort: 'desc',
          perPage: PAGE_SIZE,
          page: pageOf(cursor),
          maxPages: 1,
          showExpanded: true,
          ...(updatedAfter === null ? {} : { updatedAfter: isoUtc(updatedAfter) }),
        }),
      );
      const items: PipelineItem[] = [];
      for (const pipeline of pipelines) {
        const changed = oldMark === null || pipeline.updated_at > oldMark;
        if (!changed || !FINISHED_PIPELINE_STATUSES.has(pipeline.status)) {
          items.push({ pipeline, deployment: null });
          continue;
        }
        const jobs = await pipelineJobs(ctx, pipeline.id);
        items.push({ pipeline, deployment: pipelineDeployment(target, pipeline, jobs, jobPattern) });
      }
      return { items, nextCursor: nextCursor(next) };
    },
    markOf: (item) => item.pipeline.updated_at,
    write: (items) => {
      const deployments = items.flatMap((item) => (item.deployment ? [item.deployment] : []));
      return upsertDeployments(ctx.store, deployments);
    },
  });
}

/** Every job of a pipeline (its latest attempts), 100 a request. */
async function pipelineJobs(ctx: GitLabHarvestContext, pipelineId: number): Promise<GitLabJob[]> {
  const endpoint = `GET ${projectApiPath(ctx)}/pipelines/${pipelineId}/jobs`;
  const jobs: GitLabJob[] = [];
  for (let page: number | null = 1; page !== null; ) {
    const current: number = page;
    const { items, next } = await listPage(endpoint, jobSchema, () =>
      ctx.client.api.Jobs.all(ctx.projectId, { pipelineId, perPage: PAGE_SIZE, page: current, maxPages: 1, showExpanded: true }),
    );
    jobs.push(...items);
    page = next;
  }
  return jobs;
}

// ---------------------------------------------------------------------------------------------
// Merges

/**
 * SPEC §3 `merges` (trunk-deploys): every stored MR merged into the default branch is a
 * successful deployment of its merged commit (SPEC §5.2: merge commit, else squash commit,
 * else head sha) at merge time. No API call: the MRs are harvested already; one SQL read and
 * one transaction.
 */
export async function deploymentsFromMerges(ctx: GitLabHarvestContext): Promise<number> {
  const sql = `
    SELECT number, merge_commit_sha, squash_commit_sha, head_sha, merged_at, base_branch, url FROM pull_requests
    WHERE repo_id = ? AND merged_at IS NOT NULL AND base_branch = ?
    ORDER BY number`;
  const rows = read(ctx.store, () => statement(ctx.store, sql).raw(true).all(ctx.repoId, ctx.defaultBranch) as unknown[][]);
  const target = deploymentTarget(ctx);
  const deployments = rows.flatMap((row) => {
    const deployment = mergeDeployment(target, {
      iid: row[0] as number,
      mergeCommitSha: row[1] as string | null,
      squashCommitSha: row[2] as string | null,
      headSha: row[3] as string | null,
      mergedAt: row[4] as number,
      baseBranch: row[5] as string,
      url: row[6] as string | null,
    });
    return deployment ? [deployment] : [];
  });
  const written = upsertDeployments(ctx.store, deployments);
  ctx.progress('merges', 1, written);
  return written;
}
