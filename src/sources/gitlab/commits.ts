import {
  getSyncState,
  missingDeployedShas,
  oldestCommitTime,
  storedShas,
  saveSyncState,
  transaction,
  upsertCommits,
} from '../../store/index.js';
import type { Commit } from '../../domain/types.js';
import { ForgeError } from '../../util/errors.js';
import { isoUtc } from '../../util/time.js';
import { parsePayload } from '../parse.js';
import { commitFromGitLab } from './commit-convert.js';
import { commitSchema, compareResponse } from './commit-schemas.js';
import type { GitLabHarvestContext } from './context.js';
import { usableSyncState } from '../newest-first.js';
import { listPage } from './schemas.js';

/**
 * The commit graph that SPEC §5.2's reachability walks, for a GitLab project: the default
 * branch's history through `GET /projects/:id/repository/commits` (100 commits with their
 * `parent_ids` a request), and, for a deployed sha outside it (a hotfix or release branch),
 * `GET /projects/:id/repository/compare` from the stored tip to that sha.
 */

/** The sync-state resource of the default branch's history. */
export const HISTORY_RESOURCE = 'commits';
/** The sync-state resource that remembers deployed shas GitLab could not find. */
export const UNRESOLVED_SHAS_RESOURCE = 'deployed_shas';

const PAGE_SIZE = 100;

/**
 * Where an interrupted history traversal resumes. The pages after the first are read from
 * the tip sha the traversal started at (`pendingHighWater`), not from the branch, so commits
 * pushed in between cannot shift the page numbers; `since` is kept for the same reason.
 */
interface HistoryCursor {
  page: number;
  since: number | null;
  frontier: string[];
}

/** The path every GitLab endpoint of a project starts with, as the client names it in errors. */
export function projectApiPath(ctx: GitLabHarvestContext): string {
  return `/api/v4/projects/${ctx.projectId}`;
}

/**
 * Harvests the default branch's history into the commit graph and returns the number of new
 * commits. Sync state (resource `commits`): `highWater` is the branch tip a completed
 * traversal started from (the base `fillDeployedShas` compares against); while a traversal is
 * under way, `cursor` holds where it resumes and `pendingHighWater` the tip it started from.
 *
 * As on GitHub: a first (or `--full`, or changed-config) harvest reads to the end of the
 * history, or to `--since` by committed date (GitLab's `since`). An incremental one stops at
 * the first page after which no new commit has a parent that is neither stored nor read (the
 * "frontier" is empty): the stored graph is closed under ancestry, so nothing else can be
 * missing. A re-sync with nothing new costs one request, n new commits ⌈n/100⌉, and a merged
 * branch whose commits sort below stored ones (`git log` orders by date) is still followed;
 * the oldest stored commit bounds that search (`since`).
 */
export async function harvestDefaultBranchHistory(ctx: GitLabHarvestContext): Promise<number> {
  const { store, repoId } = ctx;
  const endpoint = `GET ${projectApiPath(ctx)}/repository/commits`;
  const usable = usableSyncState(ctx, HISTORY_RESOURCE);
  const incremental = usable?.highWater != null;
  const resumed = usable?.cursor ? decodeHistoryCursor(usable.cursor) : null;
  const since = resumed ? resumed.since : incremental ? (oldestCommitTime(store, repoId) ?? ctx.options.since) : ctx.options.since;

  let page = resumed?.page ?? 1;
  const frontier = new Set(resumed?.frontier ?? []);
  let tip = resumed ? (usable?.pendingHighWater ?? null) : null;
  let pages = 0;
  let written = 0;

  for (;;) {
    const { items: listed, next } = await listPage(endpoint, commitSchema, () =>
      ctx.client.api.Commits.all(ctx.projectId, {
        refName: tip ?? ctx.defaultBranch,
        perPage: PAGE_SIZE,
        page,
        maxPages: 1,
        showExpanded: true,
        ...(since === null ? {} : { since: isoUtc(since) }),
      }),
    );
    pages++;
    if (listed.length === 0 && tip === null) {
      // An empty repository has no history yet; nothing to harvest, nothing to remember.
      ctx.warn(`${repoId}: the default branch ${ctx.defaultBranch} has no commit history yet`);
      ctx.progress(HISTORY_RESOURCE, pages, written);
      return written;
    }
    tip ??= listed[0]!.id.toLowerCase();
    // GitLab applies `since` through git, which may let an older commit through; it ends the traversal.
    const inRange = since === null ? listed : listed.filter((commit) => commit.committed_date >= since);
    const commits = inRange.map((commit) => commitFromGitLab(repoId, commit));

    // One query per page: which of its commits, their parents and the open frontier are stored.
    const known = storedShas(store, repoId, [...commits.flatMap((c) => [c.sha, ...c.parents]), ...frontier]);
    const onPage = new Set(commits.map((commit) => commit.sha));
    const fresh = commits.filter((commit) => !known.has(commit.sha));
    for (const sha of [...frontier]) if (known.has(sha) || onPage.has(sha)) frontier.delete(sha);
    for (const commit of fresh) {
      for (const parent of commit.parents) if (!known.has(parent) && !onPage.has(parent)) frontier.add(parent);
    }

    const reachedEnd = next === null || listed.length === 0 || inRange.length < listed.length;
    const done = reachedEnd || (incremental && frontier.size === 0);
    transaction(store, () => {
      upsertCommits(store, fresh);
      saveSyncState(store, {
        source: repoId,
        resource: HISTORY_RESOURCE,
        cursor: done ? null : JSON.stringify({ page: next!, since, frontier: [...frontier].sort() } satisfies HistoryCursor),
        highWater: done ? (tip ?? usable?.highWater ?? null) : (usable?.highWater ?? null),
        pendingHighWater: done ? null : tip,
        configHash: ctx.configHash,
        updatedAt: ctx.options.now.getTime(),
      });
    });
    written += fresh.length;
    ctx.progress(HISTORY_RESOURCE, pages, written);
    if (done) return written;
    page = next!;
  }
}

/**
 * Fills in the commit graph for deployed shas it does not hold (SPEC §5.2: "on GitLab from
 * `repository/compare`"), and returns the number of new commits. One SQL query finds the
 * shas, newest deployment first; each costs one compare from the stored default-branch tip to
 * the sha, whatever the number of deployments of it, and a branch's latest deployment usually
 * covers its earlier ones, which then cost nothing.
 *
 * GitLab's compare is not paginated and lists every commit of `to` that `from` does not reach,
 * each with its `parent_ids`: exactly the part of the graph between the stored history and the
 * deployment, in one request. (Walking `repository/commits?ref_name=<sha>` back to a stored
 * commit would cost a request per 100 commits, and more where merged branches interleave by
 * date; fetching commits one by one, a request each.) When the compare lists nothing of the
 * sha, the sha is an ancestor of the tip below the stored history (`--since`): one
 * `GET /repository/commits/:sha` stores it, so it is not asked for again.
 *
 * A sha GitLab does not know (404) is a data note, and is remembered so that the next sync
 * does not ask again (`--full` does).
 */
export async function fillDeployedShas(ctx: GitLabHarvestContext): Promise<number> {
  const { store, repoId } = ctx;
  const candidates = missingDeployedShas(store, repoId);
  if (candidates.length === 0) return 0;
  const remembered = usableSyncState(ctx, UNRESOLVED_SHAS_RESOURCE);
  const unresolved = new Set(remembered?.cursor ? decodeShaList(remembered.cursor) : []);
  // The tip the history traversal reached: every commit it reaches is stored, so what the
  // compare leaves out is already in the graph. Before any history harvest, the branch.
  const base = getSyncState(store, repoId, HISTORY_RESOURCE)?.highWater || ctx.defaultBranch;
  const resource = 'deployed commits';
  // Every candidate was missing when the query ran: only commits written here can cover one.
  const filled = new Set<string>();
  const covered = (sha: string) => filled.has(sha) || (sha.length < 40 && [...filled].some((full) => full.startsWith(sha)));
  let pages = 0;
  let written = 0;

  for (const sha of candidates) {
    if (unresolved.has(sha)) {
      ctx.warn(unknownShaNote(repoId, sha, 'earlier'));
      continue;
    }
    if (!/^[0-9a-f]{4,40}$/.test(sha)) {
      ctx.warn(`${repoId}: a deployment names "${sha}", which is not a commit sha; it reaches no commit`);
      continue;
    }
    if (covered(sha)) continue;
    let commits = await compare(ctx, base, sha);
    if (commits !== null && !commits.some((commit) => commit.sha.startsWith(sha))) {
      const single = await showCommit(ctx, sha);
      commits = single === null ? null : [...commits, single];
    }
    if (commits === null) {
      unresolved.add(sha);
      saveUnresolved(ctx, unresolved, candidates);
      ctx.warn(unknownShaNote(repoId, sha, 'now'));
      continue;
    }
    const known = storedShas(store, repoId, commits.map((commit) => commit.sha));
    const fresh = new Set(commits.filter((commit) => !known.has(commit.sha)).map((commit) => commit.sha)).size;
    transaction(store, () => upsertCommits(store, commits));
    for (const commit of commits) filled.add(commit.sha);
    pages++;
    written += fresh;
    ctx.progress(resource, pages, written);
  }
  return written;
}

function unknownShaNote(repoId: string, sha: string, when: 'now' | 'earlier'): string {
  const asked = when === 'now' ? 'GitLab does not know it' : 'GitLab did not know it on an earlier sync';
  return `${repoId}: deployed sha ${sha.slice(0, 12)} is not in the commit graph and ${asked}; its deployments reach only that sha`;
}

/** The commits of `to` that `from` does not reach, or null when GitLab cannot find `to` (404). */
async function compare(ctx: GitLabHarvestContext, from: string, to: string): Promise<Commit[] | null> {
  const endpoint = `GET ${projectApiPath(ctx)}/repository/compare`;
  let data: unknown;
  try {
    data = (await ctx.client.api.Repositories.compare(ctx.projectId, from, to, { showExpanded: true })).data;
  } catch (error) {
    // 404 "Ref Not Found": force-pushed away, never pushed, or from a fork.
    if (error instanceof ForgeError && error.status === 404) return null;
    throw error;
  }
  return parsePayload(endpoint, compareResponse, data).commits.map((commit) => commitFromGitLab(ctx.repoId, commit));
}

/** One commit with its parents, or null when GitLab does not know it (404). */
async function showCommit(ctx: GitLabHarvestContext, sha: string): Promise<Commit | null> {
  const endpoint = `GET ${projectApiPath(ctx)}/repository/commits/${sha}`;
  let data: unknown;
  try {
    data = (await ctx.client.api.Commits.show(ctx.projectId, sha, { stats: false, showExpanded: true })).data;
  } catch (error) {
    if (error instanceof ForgeError && error.status === 404) return null;
    throw error;
  }
  return commitFromGitLab(ctx.repoId, parsePayload(endpoint, commitSchema, data));
}

function saveUnresolved(ctx: GitLabHarvestContext, unresolved: Set<string>, stillMissing: readonly string[]): void {
  // Only shas still missing are kept: one that a later harvest found drops out.
  const missing = new Set(stillMissing);
  const list = [...unresolved].filter((sha) => missing.has(sha)).sort();
  transaction(ctx.store, () => {
    saveSyncState(ctx.store, {
      source: ctx.repoId,
      resource: UNRESOLVED_SHAS_RESOURCE,
      cursor: JSON.stringify(list),
      highWater: null,
      pendingHighWater: null,
      configHash: ctx.configHash,
      updatedAt: ctx.options.now.getTime(),
    });
  });
}

function decodeHistoryCursor(text: string): HistoryCursor | null {
  try {
    const value = JSON.parse(text) as Partial<HistoryCursor>;
    if (typeof value.page !== 'number' || !Number.isInteger(value.page) || value.page < 1) return null;
    return {
      page: value.page,
      since: typeof value.since === 'number' ? value.since : null,
      frontier: Array.isArray(value.frontier) ? value.frontier.filter((sha): sha is string => typeof sha === 'string') : [],
    };
  } catch {
    return null;
  }
}

function decodeShaList(text: string): string[] {
  try {
    const value: unknown = JSON.parse(text);
    return Array.isArray(value) ? value.filter((sha): sha is string => typeof sha === 'string') : [];
  } catch {
    return [];
  }
}
