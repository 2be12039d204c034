import type { PullRequestCommit } from '../../domain/types.js';
import { pullRequestId } from '../../domain/ids.js';
import { read, statement, upsertPullRequests, type StoredPullRequest } from '../../store/index.js';
import { traverseResource, usableSyncState } from '../newest-first.js';
import type { GitLabHarvestContext } from './context.js';
import { firstReviewIn, mergeRequestCommits, mergeRequestRow, updatedAfter, type MergeRequestDetails } from './convert.js';
import { listPage, mergeRequestCommitItem, mergeRequestItem, noteItem, type MergeRequestItem, updatedPageQuery } from './schemas.js';

const RESOURCE = 'merge_requests';

/**
 * How far below the stored mark an incremental sync asks again: GitLab can stamp an MR's
 * `updated_at` a moment before the change (e.g. `merged_at`) is visible to a reader. An MR
 * read again unchanged costs nothing more: it is recognised and neither re-read nor rewritten.
 */
export const UPDATED_AFTER_SLACK_MS = 60_000;

interface Entry {
  pullRequest: StoredPullRequest;
  /** New or changed since the stored row: written; an unchanged one (read again in the slack) is not. */
  changed: boolean;
}

/**
 * Harvests the project's merge requests in every state (merged ones for lead time, open and
 * closed ones for `undeployed` and revert detection), 100 a request, most recently updated
 * first, down to the stored mark (SPEC §7), each page in one transaction with its cursor
 * (the next page number).
 *
 * GitLab's list lacks two things a row needs, which cost requests per MR, so they are read
 * only for an MR that is new or changed since the last sync (one store read per page tells):
 * - its commits (`…/merge_requests/:iid/commits`, 100 a request), for SPEC §5.4's earliest
 *   authored time; re-read only when the head sha moved, since the commits follow the head;
 * - its first review (`…/notes`, oldest first, read only until one is found): re-read only
 *   while none is stored, as a later note cannot be an earlier review.
 * `--full` re-reads both for every MR. Returns the number of MRs new or changed.
 */
export async function harvestMergeRequests(ctx: GitLabHarvestContext): Promise<number> {
  const endpoint = `GET /api/v4/projects/${ctx.projectId}/merge_requests`;
  const after = updatedAfter(storedMark(ctx, RESOURCE), ctx.options.since, UPDATED_AFTER_SLACK_MS);
  const mergedWithoutTime: number[] = [];

  const written = await traverseResource<Entry>(ctx, RESOURCE, {
    fetchPage: async (cursor) => {
      const page = await listPage(endpoint, mergeRequestItem, () =>
        ctx.client.api.MergeRequests.all({ projectId: ctx.projectId, state: 'all', ...updatedPageQuery(cursor, after) } as never),
      );
      const stored = ctx.options.full ? new Map<string, StoredRow>() : storedRows(ctx, page.items);
      const entries: Entry[] = [];
      for (const item of page.items) {
        const previous = stored.get(pullRequestId(ctx.repoId, item.iid));
        if (previous !== undefined && !hasChanged(previous, item)) {
          entries.push({ pullRequest: mergeRequestRow(ctx.repoId, item, previous), changed: false });
          continue;
        }
        const details: MergeRequestDetails = {
          commits: previous !== undefined && previous.headSha === item.sha && previous.commits.length > 0 ? previous.commits : await allCommits(ctx, item),
          firstReviewAt: previous?.firstReviewAt ?? (await firstReviewAt(ctx, item)),
        };
        if (item.state === 'merged' && item.merged_at == null) mergedWithoutTime.push(item.iid);
        entries.push({ pullRequest: mergeRequestRow(ctx.repoId, item, details), changed: true });
      }
      return { items: entries, nextCursor: page.next === null ? null : String(page.next) };
    },
    markOf: (entry) => entry.pullRequest.updatedAt!,
    write: (entries) => {
      const changed = entries.filter((entry) => entry.changed).map((entry) => entry.pullRequest);
      return upsertPullRequests(ctx.store, changed);
    },
  });

  if (mergedWithoutTime.length > 0) {
    const list = mergedWithoutTime.map((iid) => `!${iid}`).join(', ');
    ctx.warn(`${ctx.repoId}: GitLab reports no merge time for merged MR ${list}; its last update time stands in for it`);
  }
  return written;
}

/** Every commit of an MR, 100 a request: an MR with 120 commits costs 2 requests. */
async function allCommits(ctx: GitLabHarvestContext, item: MergeRequestItem): Promise<PullRequestCommit[]> {
  const endpoint = `GET /api/v4/projects/${ctx.projectId}/merge_requests/${item.iid}/commits`;
  const commits: PullRequestCommit[] = [];
  for (let page: number | null = 1; page !== null; ) {
    const current: number = page;
    const list = await listPage(endpoint, mergeRequestCommitItem, () =>
      ctx.client.api.MergeRequests.allCommits(ctx.projectId, item.iid, { perPage: 100, page: current, maxPages: 1, showExpanded: true } as never),
    );
    commits.push(...mergeRequestCommits(list.items));
    page = list.next;
  }
  return commits;
}

/**
 * The MR's first review (see `firstReviewIn`): its notes oldest first, 100 a request, read
 * only until a page holds one; usually one request.
 */
async function firstReviewAt(ctx: GitLabHarvestContext, item: MergeRequestItem): Promise<number | null> {
  const endpoint = `GET /api/v4/projects/${ctx.projectId}/merge_requests/${item.iid}/notes`;
  for (let page: number | null = 1; page !== null; ) {
    const current: number = page;
    const list = await listPage(endpoint, noteItem, () =>
      ctx.client.api.MergeRequestNotes.all(ctx.projectId, item.iid, {
        sort: 'asc',
        orderBy: 'created_at',
        perPage: 100,
        page: current,
        maxPages: 1,
        showExpanded: true,
      } as never),
    );
    const found = firstReviewIn(item.author, list.items);
    if (found !== null) return found;
    page = list.next;
  }
  return null;
}

/** What the store holds of an MR: enough to tell whether it changed, and its details. */
interface StoredRow extends MergeRequestDetails {
  updatedAt: number | null;
  state: string;
  mergedAt: number | null;
  headSha: string | null;
}

const STORED_ROWS = `
  SELECT id, updated_at, state, merged_at, head_sha, first_review_at,
    (SELECT json_group_array(json_array(sha, authored_at) ORDER BY position)
       FROM pull_request_commits WHERE pr_id = pull_requests.id) AS commits
  FROM pull_requests
  WHERE id IN (SELECT value FROM json_each(?))`;

interface StoredRowRecord {
  id: string;
  updated_at: number | null;
  state: string;
  merged_at: number | null;
  head_sha: string | null;
  first_review_at: number | null;
  commits: string;
}

/** The stored rows of a page's MRs, by id: one query per page. */
function storedRows(ctx: GitLabHarvestContext, items: readonly MergeRequestItem[]): Map<string, StoredRow> {
  const ids = items.map((item) => pullRequestId(ctx.repoId, item.iid));
  const records = read(ctx.store, () => statement(ctx.store, STORED_ROWS).all(JSON.stringify(ids)) as StoredRowRecord[]);
  return new Map(
    records.map((record) => [
      record.id,
      {
        updatedAt: record.updated_at,
        state: record.state,
        mergedAt: record.merged_at,
        headSha: record.head_sha,
        firstReviewAt: record.first_review_at,
        commits: (JSON.parse(record.commits) as Array<[string, number | null]>).map(([sha, authoredAt]) => ({ sha, authoredAt })),
      },
    ]),
  );
}

/**
 * Whether an MR differs from its stored row. `updated_at` moves with every change GitLab
 * records (a push, a note, an approval, a label, the merge); the state, merge time and head
 * are compared too, so a change stamped with an unchanged `updated_at` is not missed.
 */
function hasChanged(stored: StoredRow, item: MergeRequestItem): boolean {
  const { state, mergedAt } = mergeRequestRow('', item, { commits: [], firstReviewAt: null });
  return stored.updatedAt !== item.updated_at || stored.state !== state || stored.mergedAt !== mergedAt || stored.headSha !== item.sha;
}

/** The stored mark of a resource, unless `--full` or a changed config says start over (as `traverseNewestFirst` decides). */
export function storedMark(ctx: GitLabHarvestContext, resource: string): string | null {
  return usableSyncState(ctx, resource)?.highWater ?? null;
}
