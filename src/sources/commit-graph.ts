import type { Commit } from '../domain/types.js';
import {
  getSyncState,
  hasCommitWithPrefix,
  missingDeployedShas,
  oldestCommitTime,
  saveSyncState,
  storedShas,
  transaction,
  upsertCommits,
} from '../store/index.js';
import { usableSyncState, type SyncScope } from './newest-first.js';
import type { HarvestOptions } from './types.js';

/**
 * The commit graph SPEC §5.2's reachability walks, harvested the same way from either forge:
 * the default branch's history page by page, and the deployed shas outside it through the
 * forge's compare. What differs per forge (the request, its cursor, its payload) comes in
 * as a small adapter; the traversal, its stopping rule, the sync state and the data notes
 * live here once.
 */

/** The sync-state resource of the default branch's history. */
export const HISTORY_RESOURCE = 'commits';
/** The sync-state resource that remembers deployed shas the forge could not find. */
export const UNRESOLVED_SHAS_RESOURCE = 'deployed_shas';

/** What the commit-graph harvest needs of a forge's harvest context. */
export interface GraphScope extends SyncScope {
  defaultBranch: string;
  options: HarvestOptions;
  warn: (message: string) => void;
  progress: (resource: string, pages: number, items: number) => void;
}

/** One page of the default branch's history, newest first. */
export interface HistoryPage {
  /** Every commit the page lists (before the `since` cut). */
  listed: Commit[];
  /** The forge's cursor of the next page, or null on the last one. */
  next: string | null;
}

/** Where a history page is read from. */
export interface HistoryPosition {
  /** The forge's cursor of the page, or null for the first. */
  cursor: string | null;
  /** The branch tip the traversal started from (null before the first page). */
  tip: string | null;
  /** The committed-date bound of this traversal (epoch ms), or null. */
  since: number | null;
}

/**
 * Where an interrupted history traversal resumes: the forge's cursor of the next page, the
 * `since` it started with (so resuming asks for the same list), and the parents it still has
 * to find.
 */
interface HistoryCursor {
  next: string;
  since: number | null;
  frontier: string[];
}

/**
 * Harvests the default branch's history into the commit graph and returns the number of new
 * commits. `fetchPage` answers null when the branch has no history yet. Sync state (resource
 * `commits`): `highWater` is the branch tip a completed traversal started from (the base
 * `fillDeployedShas` compares against); while a traversal is under way, `cursor` holds where
 * it resumes and `pendingHighWater` the tip it started from.
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
export async function traverseDefaultBranchHistory(
  scope: GraphScope,
  fetchPage: (position: HistoryPosition) => Promise<HistoryPage | null>,
): Promise<number> {
  const { store, repoId } = scope;
  const usable = usableSyncState(scope, HISTORY_RESOURCE);
  const incremental = usable?.highWater != null;
  const resumed = usable?.cursor ? decodeHistoryCursor(usable.cursor) : null;
  const since = resumed ? resumed.since : incremental ? (oldestCommitTime(store, repoId) ?? scope.options.since) : scope.options.since;

  let cursor = resumed?.next ?? null;
  const frontier = new Set(resumed?.frontier ?? []);
  let tip = resumed ? (usable?.pendingHighWater ?? null) : null;
  let pages = 0;
  let written = 0;

  for (;;) {
    const page = await fetchPage({ cursor, tip, since });
    pages++;
    if (page === null) {
      // An empty repository has no history yet; nothing to harvest, nothing to remember.
      scope.warn(`${repoId}: the default branch ${scope.defaultBranch} has no commit history yet`);
      scope.progress(HISTORY_RESOURCE, pages, written);
      return written;
    }
    tip ??= page.listed[0]?.sha ?? null;
    // A forge may let an older commit through its `since`; it ends the traversal.
    const commits = since === null ? page.listed : page.listed.filter((commit) => (commit.committedAt ?? since) >= since);

    // One query per page: which of its commits, their parents and the open frontier are stored.
    const known = storedShas(store, repoId, [...commits.flatMap((c) => [c.sha, ...c.parents]), ...frontier]);
    const onPage = new Set(commits.map((commit) => commit.sha));
    const fresh = commits.filter((commit) => !known.has(commit.sha));
    for (const sha of [...frontier]) if (known.has(sha) || onPage.has(sha)) frontier.delete(sha);
    for (const commit of fresh) {
      for (const parent of commit.parents) if (!known.has(parent) && !onPage.has(parent)) frontier.add(parent);
    }

    const reachedEnd = page.next === null || page.listed.length === 0 || commits.length < page.listed.length;
    const done = reachedEnd || (incremental && frontier.size === 0);
    transaction(store, () => {
      upsertCommits(store, fresh);
      saveSyncState(store, {
        source: repoId,
        resource: HISTORY_RESOURCE,
        cursor: done ? null : JSON.stringify({ next: page.next!, since, frontier: [...frontier].sort() } satisfies HistoryCursor),
        highWater: done ? (tip ?? usable?.highWater ?? null) : (usable?.highWater ?? null),
        pendingHighWater: done ? null : tip,
        configHash: scope.configHash,
        updatedAt: scope.options.now.getTime(),
      });
    });
    written += fresh.length;
    scope.progress(HISTORY_RESOURCE, pages, written);
    if (done) return written;
    cursor = page.next;
  }
}

/** A forge's compare of a deployed sha against the stored history. */
export interface DeployedShaSource {
  /** The forge's name in data notes. */
  forge: 'GitHub' | 'GitLab';
  /**
   * The commits of `sha` that `base` does not reach, page `page` (1-based), with the number of
   * pages there are; null when the forge cannot find the sha or compare it.
   */
  compare: (base: string, sha: string, page: number) => Promise<{ commits: Commit[]; pages: number } | null>;
}

/**
 * Fills in the commit graph for deployed shas it does not hold (SPEC §5.2: the commits
 * between deployments come from the forge's compare), and returns the number of new commits.
 * One SQL query finds the shas, newest deployment first; each costs one compare from the
 * stored default-branch tip (or a page of it per 100 commits where the forge pages it),
 * whatever the number of deployments of it, and a branch's latest deployment usually covers
 * its earlier ones, which then cost nothing. A sha the forge cannot find is a data note, and
 * is remembered so that the next sync does not ask again (`--full` does).
 */
export async function fillDeployedShas(scope: GraphScope, source: DeployedShaSource): Promise<number> {
  const { store, repoId } = scope;
  const candidates = missingDeployedShas(store, repoId);
  if (candidates.length === 0) return 0;
  const remembered = usableSyncState(scope, UNRESOLVED_SHAS_RESOURCE);
  const unresolved = new Set(remembered?.cursor ? decodeShaList(remembered.cursor) : []);
  // The tip the history traversal reached: every commit it reaches is stored, so what the
  // compare leaves out is already in the graph. Before any history harvest, the branch.
  const base = getSyncState(store, repoId, HISTORY_RESOURCE)?.highWater || scope.defaultBranch;
  const resource = 'deployed commits';
  let pages = 0;
  let written = 0;

  for (const sha of candidates) {
    if (unresolved.has(sha)) {
      scope.warn(unknownShaNote(repoId, sha, source.forge, 'on an earlier sync'));
      continue;
    }
    if (!/^[0-9a-f]{4,40}$/.test(sha)) {
      scope.warn(`${repoId}: a deployment names "${sha}", which is not a commit sha; it reaches no commit`);
      continue;
    }
    // A compare for a later deployment of the same branch may have brought it in already.
    if (hasCommitWithPrefix(store, repoId, sha)) continue;
    for (let page = 1, last = 1; page <= last; page++) {
      const comparison = await source.compare(base, sha, page);
      if (comparison === null) {
        unresolved.add(sha);
        saveUnresolved(scope, unresolved, candidates);
        scope.warn(unknownShaNote(repoId, sha, source.forge, 'now'));
        break;
      }
      last = Math.max(1, comparison.pages);
      const known = storedShas(store, repoId, comparison.commits.map((commit) => commit.sha));
      const fresh = new Set(comparison.commits.filter((commit) => !known.has(commit.sha)).map((commit) => commit.sha)).size;
      transaction(store, () => upsertCommits(store, comparison.commits));
      pages++;
      written += fresh;
      scope.progress(resource, pages, written);
    }
  }
  return written;
}

function unknownShaNote(repoId: string, sha: string, forge: string, when: 'now' | 'on an earlier sync'): string {
  const asked = `${forge} could not find it or compare it with the default branch${when === 'now' ? '' : ` ${when}`}`;
  return `${repoId}: deployed sha ${sha.slice(0, 12)} is not in the commit graph and ${asked}; its deployments reach only that sha`;
}

function saveUnresolved(scope: GraphScope, unresolved: Set<string>, stillMissing: readonly string[]): void {
  // Only shas still missing are kept: one that a later harvest found drops out.
  const missing = new Set(stillMissing);
  const list = [...unresolved].filter((sha) => missing.has(sha)).sort();
  transaction(scope.store, () => {
    saveSyncState(scope.store, {
      source: scope.repoId,
      resource: UNRESOLVED_SHAS_RESOURCE,
      cursor: JSON.stringify(list),
      highWater: null,
      pendingHighWater: null,
      configHash: scope.configHash,
      updatedAt: scope.options.now.getTime(),
    });
  });
}

/**
 * A stored history cursor. Cursors written before the forges shared this traversal kept
 * GitHub's GraphQL cursor as `after` and GitLab's page number as `page`; both still resume.
 */
function decodeHistoryCursor(text: string): HistoryCursor | null {
  try {
    const value = JSON.parse(text) as { next?: unknown; after?: unknown; page?: unknown; since?: unknown; frontier?: unknown };
    const next =
      typeof value.next === 'string' ? value.next
      : typeof value.after === 'string' ? value.after
      : typeof value.page === 'number' && Number.isInteger(value.page) && value.page >= 1 ? String(value.page)
      : null;
    if (next === null) return null;
    return {
      next,
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
