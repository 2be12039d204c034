import {
  getSyncState,
  missingDeployedShas,
  oldestCommitTime,
  storedShas,
  read,
  saveSyncState,
  statement,
  transaction,
  upsertCommits,
  type Store,
} from '../../store/index.js';
import { ForgeError } from '../../util/errors.js';
import { isoUtc } from '../../util/time.js';
import { forgeError } from './client.js';
import { commitFromHistory, commitFromRest } from './commit-convert.js';
import { DEFAULT_BRANCH_HISTORY_QUERY } from './commit-queries.js';
import { parsePayload } from '../parse.js';
import { compareResponse, historyResponse } from './commit-schemas.js';
import type { GitHubHarvestContext } from './context.js';
import { usableSyncState } from '../newest-first.js';

/**
 * The commit graph that SPEC §5.2's reachability walks: the default branch's history through
 * GraphQL (100 commits with their parents a request), and, for a deployed sha outside it (a
 * hotfix or release branch), the compare API from the stored tip to that sha.
 */

/** The sync-state resource of the default branch's history. */
export const HISTORY_RESOURCE = 'commits';
/** The sync-state resource that remembers deployed shas GitHub could not find. */
export const UNRESOLVED_SHAS_RESOURCE = 'deployed_shas';

const PAGE_SIZE = 100;

/**
 * Where an interrupted history traversal resumes: the GraphQL cursor of the next page, plus
 * the parents it still has to find (see `harvestDefaultBranchHistory`).
 */
interface HistoryCursor {
  after: string;
  frontier: string[];
}

/**
 * Harvests the default branch's history into the commit graph and returns the number of new
 * commits. Sync state (resource `commits`): `highWater` is the branch tip a completed
 * traversal started from (the base `fillDeployedShas` compares against); while a traversal is
 * under way, `cursor` holds where it resumes and `pendingHighWater` the tip it started from.
 *
 * A first (or `--full`, or changed-config) harvest reads to the end of the history, or to
 * `--since` by committed date. An incremental one stops at the first page after which no new
 * commit has a parent that is neither stored nor read (the "frontier" is empty): the stored
 * graph is closed under ancestry, so nothing else can be missing. For a linear history that
 * is the page holding the first stored commit, or the page of the last new one: a re-sync with
 * nothing new costs one request, and n new commits ⌈n/100⌉. It also reads on when a merged
 * branch's commits sort below stored ones (`git log` orders by date), which stopping at the
 * first stored commit would lose; the oldest stored commit bounds that search (`since`).
 */
export async function harvestDefaultBranchHistory(ctx: GitHubHarvestContext): Promise<number> {
  const { store, repoId } = ctx;
  const endpoint = 'GitHub GraphQL DefaultBranchHistory';
  const usable = usableSyncState(ctx, HISTORY_RESOURCE);
  const incremental = usable?.highWater != null;
  const resumed = usable?.cursor ? decodeHistoryCursor(usable.cursor) : null;
  const since = incremental ? (oldestCommitTime(store, repoId) ?? ctx.options.since) : ctx.options.since;

  let after = resumed?.after ?? null;
  const frontier = new Set(resumed?.frontier ?? []);
  let tip = resumed ? (usable?.pendingHighWater ?? null) : null;
  let pages = 0;
  let written = 0;

  for (;;) {
    const data = await ctx.client.graphql<unknown>('DefaultBranchHistory', DEFAULT_BRANCH_HISTORY_QUERY, {
      owner: ctx.owner,
      name: ctx.name,
      qualifiedName: `refs/heads/${ctx.defaultBranch}`,
      after,
      since: since === null ? null : isoUtc(since),
    });
    pages++;
    const payload = parsePayload(endpoint, historyResponse, data);
    if (payload.repository === null) {
      throw new ForgeError(endpoint, undefined, `repository ${ctx.owner}/${ctx.name} not found`);
    }
    const history = payload.repository.ref?.target.history;
    if (!history) {
      // An empty repository has no default branch yet; nothing to harvest, nothing to remember.
      ctx.warn(`${repoId}: the default branch ${ctx.defaultBranch} has no commit history yet`);
      ctx.progress(HISTORY_RESOURCE, pages, written);
      return written;
    }
    tip ??= history.nodes[0]?.oid.toLowerCase() ?? null;
    const inRange = since === null ? history.nodes : history.nodes.filter((node) => node.committedDate >= since);
    const commits = inRange.map((node) => commitFromHistory(repoId, node));

    // One query per page: which of its commits, their parents and the open frontier are stored.
    const known = storedShas(store, repoId, [...commits.flatMap((c) => [c.sha, ...c.parents]), ...frontier]);
    const onPage = new Set(commits.map((commit) => commit.sha));
    const fresh = commits.filter((commit) => !known.has(commit.sha));
    for (const sha of [...frontier]) if (known.has(sha) || onPage.has(sha)) frontier.delete(sha);
    for (const commit of fresh) {
      for (const parent of commit.parents) if (!known.has(parent) && !onPage.has(parent)) frontier.add(parent);
    }

    const endCursor = history.pageInfo.endCursor;
    const reachedEnd = !history.pageInfo.hasNextPage || endCursor === null || inRange.length < history.nodes.length;
    const done = reachedEnd || (incremental && frontier.size === 0);
    transaction(store, () => {
      upsertCommits(store, fresh);
      saveSyncState(store, {
        source: repoId,
        resource: HISTORY_RESOURCE,
        cursor: done ? null : JSON.stringify({ after: endCursor, frontier: [...frontier].sort() } satisfies HistoryCursor),
        highWater: done ? (tip ?? usable?.highWater ?? null) : (usable?.highWater ?? null),
        pendingHighWater: done ? null : tip,
        configHash: ctx.configHash,
        updatedAt: ctx.options.now.getTime(),
      });
    });
    written += fresh.length;
    ctx.progress(HISTORY_RESOURCE, pages, written);
    if (done) return written;
    after = endCursor;
  }
}

/**
 * Fills in the commit graph for deployed shas it does not hold (SPEC §5.2: "on GitHub the
 * commits between two deployments come from the compare API"), and returns the number of new
 * commits. One SQL query finds the shas; each costs one compare from the stored default-branch
 * tip to the sha (plus a page per 100 commits past the first 100), whatever the number of
 * deployments of it. Shas are taken newest deployment first, so the compare of a branch's
 * latest deployment usually covers its earlier ones, which then cost nothing.
 *
 * The compare lists the commits on the sha's side with their parents, in order, and the merge
 * base: exactly the part of the graph between the stored history and the deployment. A sha
 * GitHub does not know (404, or 422 when it shares no history with the base) is a data note,
 * and is remembered so that the next sync does not ask again (`--full` does).
 */
export async function fillDeployedShas(ctx: GitHubHarvestContext): Promise<number> {
  const { store, repoId } = ctx;
  const candidates = missingDeployedShas(store, repoId);
  if (candidates.length === 0) return 0;
  const remembered = usableSyncState(ctx, UNRESOLVED_SHAS_RESOURCE);
  const unresolved = new Set(remembered?.cursor ? decodeShaList(remembered.cursor) : []);
  // The tip the history traversal reached: every commit it reaches is stored, so what the
  // compare leaves out is already in the graph. Before any history harvest, the branch.
  const base = getSyncState(store, repoId, HISTORY_RESOURCE)?.highWater || ctx.defaultBranch;
  const resource = 'deployed commits';
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
    if (isCovered(store, repoId, sha)) continue;
    let page = 1;
    let lastPage = 1;
    do {
      const comparison = await compare(ctx, base, sha, page);
      if (comparison === null) {
        unresolved.add(sha);
        saveUnresolved(ctx, unresolved, candidates);
        ctx.warn(unknownShaNote(repoId, sha, 'now'));
        break;
      }
      lastPage = Math.max(1, Math.ceil(comparison.total_commits / PAGE_SIZE));
      // The merge base comes with every page; its parents matter when the stored history stops
      // above it (`--since`), and when the sha is itself an ancestor of the tip it *is* the sha.
      const listed = page === 1 ? [...comparison.commits, comparison.merge_base_commit] : comparison.commits;
      const commits = listed.map((commit) => commitFromRest(repoId, commit));
      const known = storedShas(store, repoId, commits.map((commit) => commit.sha));
      const fresh = new Set(commits.filter((commit) => !known.has(commit.sha)).map((commit) => commit.sha)).size;
      transaction(store, () => upsertCommits(store, commits));
      pages++;
      written += fresh;
      ctx.progress(resource, pages, written);
      page++;
    } while (page <= lastPage);
  }
  return written;
}

function unknownShaNote(repoId: string, sha: string, when: 'now' | 'earlier'): string {
  const asked = when === 'now' ? 'GitHub cannot compare it with the default branch' : 'GitHub could not compare it with the default branch on an earlier sync';
  return `${repoId}: deployed sha ${sha.slice(0, 12)} is not in the commit graph and ${asked}; its deployments reach only that sha`;
}

type Comparison = ReturnType<typeof compareResponse.parse>;

/** One page of `GET /repos/{owner}/{repo}/compare/{base}...{head}`, or null when GitHub cannot find the head. */
async function compare(ctx: GitHubHarvestContext, base: string, head: string, page: number): Promise<Comparison | null> {
  const endpoint = `GET /repos/${ctx.owner}/${ctx.name}/compare/${base}...${head}`;
  let data: unknown;
  try {
    const response = await ctx.client.octokit.request('GET /repos/{owner}/{repo}/compare/{basehead}', {
      owner: ctx.owner,
      repo: ctx.name,
      basehead: `${base}...${head}`,
      per_page: PAGE_SIZE,
      page,
    });
    data = response.data;
  } catch (error) {
    const status = (error as { status?: unknown }).status;
    // 404: no such commit (force-pushed away, or from a fork); 422: no common history.
    if (status === 404 || status === 422) return null;
    throw forgeError(endpoint, error);
  }
  return parsePayload(endpoint, compareResponse, data);
}

function isCovered(store: Store, repoId: string, sha: string): boolean {
  const sql = "SELECT 1 FROM commits WHERE repo_id = ? AND sha >= ? AND sha < ? || 'g' LIMIT 1";
  return read(store, () => statement(store, sql).get(repoId, sha, sha) !== undefined);
}

function saveUnresolved(ctx: GitHubHarvestContext, unresolved: Set<string>, stillMissing: readonly string[]): void {
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
    if (typeof value.after !== 'string') return null;
    return {
      after: value.after,
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
