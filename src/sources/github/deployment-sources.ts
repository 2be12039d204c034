import type { SourceConfig } from '../../config/schema.js';
import { deploymentId } from '../../domain/ids.js';
import {
  getSyncState,
  read,
  saveSyncState,
  statement,
  storedDeploymentIds,
  transaction,
  upsertDeployments,
  type StoredDeployment,
} from '../../store/index.js';
import { ConfigError, ForgeError } from '../../util/errors.js';
import { isoUtc } from '../../util/time.js';
import { traverseResource, usableSyncState } from '../newest-first.js';
import { forgeError } from './client.js';
import {
  deploymentEnvironment,
  mergeDeployment,
  releaseDeployment,
  resolveTag,
  tagDeployment,
  workflowRunDeployment,
  type DeploymentTarget,
  type ResolvedTag,
} from './commit-convert.js';
import { TAG_REFS_QUERY } from './commit-queries.js';
import {
  releasesResponse,
  tagRefsResponse,
  workflowRunsResponse,
  type Release,
  type TagRef,
} from './commit-schemas.js';
import { parsePayload } from '../parse.js';
import type { GitHubHarvestContext } from './context.js';

/**
 * Deployments from the `deployments.from` values of SPEC §3 other than the Deployments API:
 * releases, tags, Actions workflow runs and merged PRs. Each becomes a deployment to the
 * source's first configured environment (`production` by default), with a deterministic id
 * and `source` set to the `from` value, so a re-sync is an idempotent upsert.
 */

type DeploymentSource = Extract<SourceConfig, { type: 'github' }>['deployments']['from'];

/** A harvester for each non-API deployment source (a missing one fails to compile). */
export const DEPLOYMENT_SOURCE_HARVESTERS = {
  releases: harvestReleases,
  tags: harvestTags,
  workflow_runs: harvestWorkflowRuns,
  merges: deploymentsFromMerges,
} satisfies Record<Exclude<DeploymentSource, 'deployments'>, (ctx: GitHubHarvestContext) => Promise<number>>;

const PAGE_SIZE = 100;

// ---------------------------------------------------------------------------------------------
// Releases

interface ReleaseItem {
  release: Release;
  deployment: StoredDeployment | null;
}

/**
 * SPEC §3 `releases`: every published, non-draft release (prereleases included: the spec
 * makes no exception) is a successful deployment of its tag's commit, finished when it was
 * published. REST lists releases newest first (by creation), 100 a page; an incremental sync
 * stops at the stored mark, and asks for the first page with the stored ETag, so a re-sync
 * with no new release is a 304 (no rate limit) and writes nothing.
 *
 * A release names a tag, not a commit (`target_commitish` is often a branch, which has moved
 * on since). Tags are resolved through the GraphQL tag list, newest commit first, paged only
 * until every tag the written releases name is found: one request for the usual handful of
 * new releases, never one per release.
 */
export async function harvestReleases(ctx: GitHubHarvestContext): Promise<number> {
  const resource = 'releases';
  const usable = usableSyncState(ctx, resource);
  let first: RestPage | null = null;
  if (!usable?.cursor) {
    const response = await getReleases(ctx, 1, usable?.etag ?? null);
    if (response === NOT_MODIFIED) {
      ctx.progress(resource, 1, 0);
      return 0;
    }
    first = response;
  }
  // The mark the traversal stops at. GitHub's `created_at` is the date of the release's commit,
  // not of its publication: a release published since the last sync for an older commit sits
  // below the mark. On the pages read, such a release is wanted if it is not stored yet.
  const mark = usable?.highWater ? Date.parse(usable.highWater) : null;
  const floor = mark ?? ctx.options.since;
  const releaseId = (release: { id: number }) => deploymentId(ctx.repoId, `release:${release.id}`);
  const tags = new TagCommits(ctx);
  const target = deploymentTarget(ctx);

  const written = await traverseResource<ReleaseItem>(ctx, resource, {
    fetchPage: async (cursor) => {
      const page = cursor === null && first !== null ? first : await getReleases(ctx, cursor === null ? 1 : Number(cursor), null);
      if (page === NOT_MODIFIED) return { items: [], nextCursor: null };
      const releases = parsePayload(releasesEndpoint(ctx), releasesResponse, page.data);
      const stored = mark === null ? new Set<string>() : storedDeploymentIds(ctx.store, releases.map(releaseId));
      const isNew = (r: (typeof releases)[number]) => mark !== null && !stored.has(releaseId(r));
      const wanted = releases.filter((r) => !r.draft && r.published_at !== null && (floor === null || r.created_at >= floor || isNew(r)));
      const commits = await tags.resolve(wanted.map((r) => r.tag_name));
      const items = releases.map((release): ReleaseItem => {
        if (!wanted.includes(release)) return { release, deployment: null };
        const tag = commits.get(release.tag_name);
        if (!tag) {
          ctx.warn(`${ctx.repoId}: release ${release.tag_name} names a tag that is gone or names no commit; not counted as a deployment`);
          return { release, deployment: null };
        }
        return { release, deployment: releaseDeployment(target, release, tag.sha) };
      });
      return { items, nextCursor: page.nextPage === null ? null : String(page.nextPage) };
    },
    markOf: (item) => item.release.created_at,
    write: (items) => {
      const deployments = items.flatMap((item) => (item.deployment ? [item.deployment] : []));
      return upsertDeployments(ctx.store, deployments);
    },
  });

  // The ETag belongs to the first page, and is worth keeping once the traversal that read it
  // is complete (an interrupted one resumes from its cursor and sends no ETag).
  if (first?.etag) {
    const state = getSyncState(ctx.store, ctx.repoId, resource);
    if (state && state.cursor === null) {
      transaction(ctx.store, () => saveSyncState(ctx.store, { ...state, etag: first.etag, updatedAt: ctx.options.now.getTime() }));
    }
  }
  return written;
}

function releasesEndpoint(ctx: GitHubHarvestContext): string {
  return `GET /repos/${ctx.owner}/${ctx.name}/releases`;
}

function getReleases(ctx: GitHubHarvestContext, page: number, etag: string | null): Promise<RestPage | typeof NOT_MODIFIED> {
  return getRestPage(ctx, releasesEndpoint(ctx), 'GET /repos/{owner}/{repo}/releases', { per_page: PAGE_SIZE, page }, etag);
}

/**
 * Tag name → commit, read from the GraphQL tag list newest first and only as deep as the
 * names asked for need; every page read is remembered for the rest of the sync.
 */
class TagCommits {
  private readonly seen = new Map<string, ResolvedTag | null>();
  private after: string | null = null;
  private exhausted = false;

  constructor(private readonly ctx: GitHubHarvestContext) {}

  async resolve(names: readonly string[]): Promise<Map<string, ResolvedTag>> {
    while (!this.exhausted && names.some((name) => !this.seen.has(name))) {
      const page = await fetchTagRefs(this.ctx, this.after);
      for (const ref of page.refs) this.seen.set(ref.name, resolveTag(ref));
      this.after = page.nextCursor;
      this.exhausted = page.nextCursor === null;
    }
    const found = new Map<string, ResolvedTag>();
    for (const name of names) {
      const tag = this.seen.get(name);
      if (tag) found.set(name, tag);
    }
    return found;
  }
}

// ---------------------------------------------------------------------------------------------
// Tags

/**
 * SPEC §3 `tags`: every tag whose name matches `tagPattern` (all tags without one) is a
 * successful deployment of its commit.
 *
 * The REST tag list carries neither dates nor an order by time, so it would need a commit
 * lookup per tag and could not stop at a mark. GraphQL `refs(refPrefix: "refs/tags/")`
 * ordered by `TAG_COMMIT_DATE` gives, in one request per 100 tags, each tag's commit and
 * committer date, and an annotated tag's own date, newest first: the incremental sync stops at
 * the stored mark like every other newest-first resource. The deployment time is when an
 * annotated tag was made, else (a lightweight tag has no date) its commit's committer date.
 */
export async function harvestTags(ctx: GitHubHarvestContext): Promise<number> {
  const resource = 'tags';
  const source = ctx.config.deployments.tagPattern;
  const pattern = source === undefined ? null : new RegExp(source);
  const target = deploymentTarget(ctx);
  return traverseResource<ResolvedTag>(ctx, resource, {
    fetchPage: async (cursor) => {
      const page = await fetchTagRefs(ctx, cursor);
      const items = page.refs.map(resolveTag).filter((tag): tag is ResolvedTag => tag !== null);
      return { items, nextCursor: page.nextCursor };
    },
    markOf: (tag) => tag.committedAt,
    write: (tags) => {
      const deployments = tags.filter((tag) => pattern === null || pattern.test(tag.name)).map((tag) => tagDeployment(target, tag));
      return upsertDeployments(ctx.store, deployments);
    },
  });
}

async function fetchTagRefs(ctx: GitHubHarvestContext, after: string | null): Promise<{ refs: TagRef[]; nextCursor: string | null }> {
  const endpoint = 'GitHub GraphQL TagRefs';
  const data = await ctx.client.graphql<unknown>('TagRefs', TAG_REFS_QUERY, { owner: ctx.owner, name: ctx.name, after });
  const payload = parsePayload(endpoint, tagRefsResponse, data);
  if (payload.repository === null) throw new ForgeError(endpoint, undefined, `repository ${ctx.owner}/${ctx.name} not found`);
  const refs = payload.repository.refs;
  if (refs === null) return { refs: [], nextCursor: null };
  return { refs: refs.nodes, nextCursor: refs.pageInfo.hasNextPage ? refs.pageInfo.endCursor : null };
}

// ---------------------------------------------------------------------------------------------
// Workflow runs

/** GitHub answers at most this many runs to one filtered query. */
const MAX_RESULTS = 1000;
/** Re-read this far below the mark: a run re-run a few days later keeps its `created_at`. */
const RERUN_LOOKBACK_MS = 3 * 86_400_000;
/** GitHub ends a run after 35 days (30 of them waiting for approval); older open runs are stale. */
const MAX_RUN_LIFETIME_MS = 35 * 86_400_000;

/** Where an interrupted traversal resumes: runs created at or before `before`, from `page`. */
interface RunsCursor {
  before: string | null;
  page: number;
}

/**
 * SPEC §3 `workflow_runs`: every completed run of `workflow` on the default branch whose
 * conclusion is `success` is a successful deployment of its head commit, and `failure` a
 * failed one, finished when the run completed (`updated_at`).
 *
 * The runs API answers at most 1,000 runs per query, newest first, so the range is sliced by
 * `created`: a query reads up to ten pages, and when it reports more than 1,000 runs the next
 * slice is "created at or before the oldest run read so far". Every request but one per slice
 * boundary brings 100 new runs (an oversized range is never fetched only to be halved), and
 * the cursor that resumes an interrupted traversal is that boundary and a page number.
 *
 * Incremental by created date: the mark is the newest run's `created_at`, held down to the
 * oldest run still in progress (runs are read with any status, so a deployment running during
 * one sync is caught by the next); the next sync reads from three days below it, to catch
 * re-runs. The first page is asked for with the stored ETag: an unchanged list is a 304.
 */
export async function harvestWorkflowRuns(ctx: GitHubHarvestContext): Promise<number> {
  const resource = 'workflow_runs';
  const workflow = ctx.config.deployments.workflow;
  if (workflow === undefined) {
    throw new ConfigError(
      `${ctx.repoId}: deployments.from "workflow_runs" needs deployments.workflow`,
      'name the deploy workflow by file name (e.g. "deploy.yml") or id',
    );
  }
  const endpoint = `GET /repos/${ctx.owner}/${ctx.name}/actions/workflows/${workflow}/runs`;
  const usable = usableSyncState(ctx, resource);
  const oldMark = usable?.highWater ? Date.parse(usable.highWater) : null;
  const lower = oldMark !== null ? oldMark - RERUN_LOOKBACK_MS : ctx.options.since;
  const resumed = usable?.cursor ? decodeRunsCursor(usable.cursor) : null;
  let position: RunsCursor = resumed ?? { before: null, page: 1 };
  let pending = resumed && usable?.pendingHighWater ? Date.parse(usable.pendingHighWater) : null;
  const now = ctx.options.now.getTime();
  const target = deploymentTarget(ctx);
  let etag: string | null = null;
  let pages = 0;
  let written = 0;

  for (;;) {
    const created = createdRange(lower, position.before);
    const conditional = pages === 0 && resumed === null ? (usable?.etag ?? null) : null;
    const response = await getRestPage(
      ctx,
      endpoint,
      'GET /repos/{owner}/{repo}/actions/workflows/{workflow_id}/runs',
      {
        workflow_id: workflow,
        branch: ctx.defaultBranch,
        per_page: PAGE_SIZE,
        page: position.page,
        ...(created === null ? {} : { created }),
      },
      conditional,
    );
    pages++;
    if (response === NOT_MODIFIED) {
      ctx.progress(resource, pages, 0);
      return 0;
    }
    if (pages === 1 && resumed === null) etag = response.etag;
    const body = parsePayload(endpoint, workflowRunsResponse, response.data);
    const runs = body.workflow_runs;

    for (const run of runs) {
      pending ??= run.created_at;
      const open = run.status !== 'completed' && run.created_at >= now - MAX_RUN_LIFETIME_MS;
      if (open) pending = Math.min(pending, run.created_at);
    }
    const deployments = runs.flatMap((run) => {
      const deployment = workflowRunDeployment(target, run);
      return deployment ? [deployment] : [];
    });

    let next: RunsCursor | null = null;
    if (runs.length > 0 && position.page * PAGE_SIZE < Math.min(body.total_count, MAX_RESULTS)) {
      next = { before: position.before, page: position.page + 1 };
    } else if (runs.length > 0 && body.total_count > MAX_RESULTS) {
      const oldest = Math.min(...runs.map((run) => run.created_at));
      if (position.before !== null && oldest >= Date.parse(position.before)) {
        ctx.warn(`${ctx.repoId}: more than ${MAX_RESULTS} runs of ${workflow} were created within one second; the rest are not read`);
      } else {
        next = { before: isoSeconds(oldest), page: 1 };
      }
    }

    const done = next === null;
    const newMark = pending ?? oldMark;
    transaction(ctx.store, () => {
      written += upsertDeployments(ctx.store, deployments);
      saveSyncState(ctx.store, {
        source: ctx.repoId,
        resource,
        cursor: done ? null : JSON.stringify(next),
        highWater: done ? (newMark === null ? null : isoUtc(newMark)) : (usable?.highWater ?? null),
        pendingHighWater: done || pending === null ? null : isoUtc(pending),
        configHash: ctx.configHash,
        // Kept only while the next sync will ask for the same first page (the same mark).
        etag: done && newMark === oldMark ? etag : null,
        updatedAt: ctx.options.now.getTime(),
      });
    });
    ctx.progress(resource, pages, written);
    if (done) return written;
    position = next!;
  }
}

/** The `created` filter of a slice (GitHub search syntax; `a..b` is inclusive), or null for no bound. */
function createdRange(lower: number | null, before: string | null): string | null {
  if (lower === null) return before === null ? null : `<=${before}`;
  return before === null ? `>=${isoSeconds(lower)}` : `${isoSeconds(lower)}..${before}`;
}

function isoSeconds(instant: number): string {
  return new Date(Math.floor(instant / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

function decodeRunsCursor(text: string): RunsCursor | null {
  try {
    const value = JSON.parse(text) as Partial<RunsCursor>;
    const before = typeof value.before === 'string' ? value.before : null;
    const page = typeof value.page === 'number' && Number.isInteger(value.page) && value.page > 0 ? value.page : 1;
    return { before, page };
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------------------------------------
// Merges

/**
 * SPEC §3 `merges` (trunk-deploys): every stored PR merged into the default branch is a
 * successful deployment of its merged commit at merge time. No API call: the PRs are
 * harvested already; one SQL read and one transaction.
 */
export async function deploymentsFromMerges(ctx: GitHubHarvestContext): Promise<number> {
  const sql = `
    SELECT number, merge_commit_sha, merged_at, base_branch, url FROM pull_requests
    WHERE repo_id = ? AND merged_at IS NOT NULL AND merge_commit_sha IS NOT NULL AND base_branch = ?
    ORDER BY number`;
  const rows = read(ctx.store, () => statement(ctx.store, sql).raw(true).all(ctx.repoId, ctx.defaultBranch) as unknown[][]);
  const target = deploymentTarget(ctx);
  const deployments = rows.map((row) =>
    mergeDeployment(target, {
      number: row[0] as number,
      mergeCommitSha: row[1] as string,
      mergedAt: row[2] as number,
      baseBranch: row[3] as string,
      url: row[4] as string | null,
    }),
  );
  const written = upsertDeployments(ctx.store, deployments);
  ctx.progress('merges', 1, written);
  return written;
}

// ---------------------------------------------------------------------------------------------
// Shared

function deploymentTarget(ctx: GitHubHarvestContext): DeploymentTarget {
  return { repoId: ctx.repoId, environment: deploymentEnvironment(ctx.config) };
}

const NOT_MODIFIED = Symbol('not modified');

interface RestPage {
  data: unknown;
  /** The `page` of the Link header's `rel="next"`, or null on the last page. */
  nextPage: number | null;
  etag: string | null;
}

/**
 * One page of a REST list, conditional on `etag` when given: `NOT_MODIFIED` for a 304 (which
 * costs no rate limit, SPEC §7). Failures become `ForgeError`s naming the endpoint.
 */
async function getRestPage(
  ctx: GitHubHarvestContext,
  endpoint: string,
  route: string,
  parameters: Record<string, unknown>,
  etag: string | null,
): Promise<RestPage | typeof NOT_MODIFIED> {
  try {
    const response = await ctx.client.octokit.request(route, {
      owner: ctx.owner,
      repo: ctx.name,
      ...parameters,
      ...(etag === null ? {} : { headers: { 'if-none-match': etag } }),
    });
    const headers = response.headers as Record<string, string | undefined>;
    return { data: response.data, nextPage: nextPageOf(headers.link), etag: headers.etag ?? null };
  } catch (error) {
    if ((error as { status?: unknown }).status === 304) return NOT_MODIFIED;
    throw forgeError(endpoint, error);
  }
}

function nextPageOf(link: string | undefined): number | null {
  if (!link) return null;
  for (const part of link.split(',')) {
    const match = /<([^>]+)>\s*;\s*rel="next"/.exec(part);
    if (!match) continue;
    const page = new URL(match[1]!).searchParams.get('page');
    return page === null ? null : Number(page);
  }
  return null;
}
