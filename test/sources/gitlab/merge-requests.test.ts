import nock from 'nock';
import { describe, expect, it } from 'vitest';
import type { PullRequest } from '../../../src/domain/types.js';
import { mergedCommitOf } from '../../../src/metrics/pull-requests.js';
import { harvestMergeRequests } from '../../../src/sources/gitlab/merge-requests.js';
import { getSyncState, loadFacts, type Store } from '../../../src/store/index.js';
import { ForgeError } from '../../../src/util/errors.js';
import {
  GITLAB_API_PATH,
  GITLAB_HOST,
  GITLAB_SENTINEL_TOKEN,
  gitlabFixture,
  gitlabHarness,
  gitlabPageHeaders,
  useNock,
} from '../../helpers/gitlab.js';
import { tempStorePath } from '../../helpers/store.js';

useNock();

const LIST = '/projects/42/merge_requests';
const LIST_QUERY = { state: 'all', order_by: 'updated_at', sort: 'desc' };

interface MergeRequestFixture {
  iid: number;
  sha: string;
  merge_commit_sha: string | null;
  squash_commit_sha: string | null;
}

const fixtureList = (scenario: string, file: string) => gitlabFixture(scenario, file) as unknown as MergeRequestFixture[];

/** One page of the MR list, as the harvester asks for it (with `updated_after` on a re-sync). */
function mergeRequestList(page: number, updatedAfter?: string) {
  return nock(GITLAB_HOST)
    .get(`${GITLAB_API_PATH}${LIST}`)
    .query({ ...LIST_QUERY, per_page: '100', page: String(page), ...(updatedAfter ? { updated_after: updatedAfter } : {}) });
}

function listHeaders(page: number, totalPages: number, total: number) {
  return gitlabPageHeaders(LIST, LIST_QUERY, { page, totalPages, total });
}

/** Serves `…/merge_requests/:iid/<what>` page `page` of `pages` from a fixture file. */
function detail(what: 'commits' | 'notes', iid: number, scenario: string, file: string, page = 1, totalPages = 1) {
  const path = `/projects/42/merge_requests/${iid}/${what}`;
  const query: Record<string, string> = what === 'notes' ? { sort: 'asc', order_by: 'created_at' } : {};
  const body = gitlabFixture(scenario, file);
  return nock(GITLAB_HOST)
    .get(`${GITLAB_API_PATH}${path}`)
    .query({ ...query, per_page: '100', page: String(page) })
    .reply(200, body, gitlabPageHeaders(path, query, { page, totalPages, total: (body as unknown[]).length + (totalPages - 1) * 100 }));
}

/** The per-MR commits and notes of mr-two-pages for the given MRs: two requests each. */
function serveDetails(iids: number[], scenario = 'mr-two-pages'): void {
  for (const iid of iids) {
    detail('commits', iid, scenario, `commits-${iid}.json`);
    detail('notes', iid, scenario, `notes-${iid}.json`);
  }
}

/** The first sync of mr-two-pages: 2 list pages of 3 MRs, then 2 detail requests per MR. */
function serveTwoPages(): void {
  mergeRequestList(1).reply(200, gitlabFixture('mr-two-pages', 'page-1.json'), listHeaders(1, 2, 6));
  mergeRequestList(2).reply(200, gitlabFixture('mr-two-pages', 'page-2.json'), listHeaders(2, 2, 6));
  serveDetails([8, 7, 6, 5, 4, 3]);
}

const pullRequests = (store: Store) => loadFacts(store).pullRequests;
const pr = (store: Store, number: number): PullRequest => pullRequests(store).find((p) => p.number === number)!;
const at = (iso: string) => Date.parse(iso);

/** Everything in the message, hint and stack of an error, for the token check. */
function everything(error: unknown): string {
  const e = error as ForgeError;
  return `${e.message}\n${e.hint ?? ''}\n${e.stack ?? ''}`;
}

/** The merge-request facts and cursors in the store, in a stable order (sync_state without its write time). */
function dump(store: Store): unknown {
  const all = (sql: string) => store.db.prepare(sql).all();
  return {
    pullRequests: all('SELECT * FROM pull_requests ORDER BY id'),
    commits: all('SELECT * FROM pull_request_commits ORDER BY pr_id, position'),
    syncState: all('SELECT source, resource, cursor, high_water, pending_high_water, config_hash FROM sync_state ORDER BY resource'),
  };
}

describe('harvestMergeRequests', () => {
  it('reads two pages (x-next-page and Link), then each MR’s commits and first review: 2 + 6 × 2 requests', async () => {
    const h = gitlabHarness();
    serveTwoPages();
    const written = await harvestMergeRequests(h.ctx);

    expect(written).toBe(6);
    // Lower bound: ⌈6/100⌉ list requests (the fixture pages hold 3), plus commits and notes per new MR.
    expect(h.client.requests).toBe(2 + 6 * 2);
    expect(h.progress).toEqual([
      ['merge_requests', 1, 3],
      ['merge_requests', 2, 6],
    ]);
    expect(pullRequests(h.store).map((p) => [p.number, p.state])).toEqual([
      [3, 'closed'],
      [4, 'merged'],
      [5, 'merged'],
      [6, 'merged'],
      [7, 'merged'],
      [8, 'open'],
    ]);
    const [mr8, mr7, mr6] = fixtureList('mr-two-pages', 'page-1.json');
    const [mr5, mr4, mr3] = fixtureList('mr-two-pages', 'page-2.json');

    // A merge commit: the engine takes it.
    const merged = pr(h.store, 7);
    expect(merged).toMatchObject({
      id: 'gitlab:acme/payments:pr:7',
      title: 'Round VAT per line item',
      body: 'Round VAT per line item.',
      author: 'alice',
      isBot: false,
      labels: ['backend'],
      baseBranch: 'main',
      mergeCommitSha: mr7!.merge_commit_sha,
      squashCommitSha: null,
      headSha: mr7!.sha,
      createdAt: at('2026-03-09T08:00:00Z'),
      // GitLab stamped updated_at two seconds before merged_at.
      mergedAt: at('2026-03-12T09:59:42.120Z'),
      url: 'https://gitlab.example.com/acme/payments/-/merge_requests/7',
      isDraft: false,
    });
    expect(mergedCommitOf(merged, 'gitlab')).toBe(mr7!.merge_commit_sha);
    // The commit listed last was authored first.
    expect(merged.commits).toHaveLength(3);
    expect(merged.firstCommitAt).toBe(at('2026-03-08T10:00:00Z'));
    // The author's own comment and the review-request system note do not count; bob's diff note does.
    expect(merged.firstReviewAt).toBe(at('2026-03-09T11:00:00Z'));

    // Fast-forward with squash: no merge commit, the squash commit is on the target branch.
    const squashed = pr(h.store, 5);
    expect(squashed).toMatchObject({ mergeCommitSha: null, squashCommitSha: mr5!.squash_commit_sha, labels: ['hotfix'] });
    expect(mergedCommitOf(squashed, 'gitlab')).toBe(mr5!.squash_commit_sha);
    expect(squashed.commits.map((c) => c.sha)).not.toContain(mr5!.squash_commit_sha);
    // An approval (a system note) before any comment is the first review.
    expect(squashed.firstReviewAt).toBe(at('2026-03-06T09:00:00Z'));

    // Fast-forward without squash: the head itself is the merged commit.
    const fastForward = pr(h.store, 4);
    expect(fastForward).toMatchObject({ mergeCommitSha: null, squashCommitSha: null, headSha: mr4!.sha, body: '' });
    expect(mergedCommitOf(fastForward, 'gitlab')).toBe(mr4!.sha);
    // GitLab before 13.x wrote "Approved this merge request".
    expect(fastForward.firstReviewAt).toBe(at('2026-03-04T11:00:00Z'));

    // A project access token's bot user.
    expect(pr(h.store, 6)).toMatchObject({ author: 'project_42_bot_3c9e1f0d2b7a4c6e', isBot: true, firstReviewAt: at('2026-03-11T06:30:00Z') });
    expect(mergedCommitOf(pr(h.store, 6), 'gitlab')).toBe(mr6!.merge_commit_sha);

    // The open draft: its author's note, a system note and a bot's comment are no review; an
    // authored time with an offset is read as the instant it names.
    const draft = pr(h.store, 8);
    expect(draft).toMatchObject({ isDraft: true, firstReviewAt: null, mergedAt: null, mergeCommitSha: null, headSha: mr8!.sha });
    expect(draft.firstCommitAt).toBe(at('2026-03-09T15:00:00Z'));
    expect(mergedCommitOf(draft, 'gitlab')).toBeNull();

    // Closed without merging.
    expect(pr(h.store, 3)).toMatchObject({ state: 'closed', mergedAt: null, mergeCommitSha: null, squashCommitSha: null, firstReviewAt: null, headSha: mr3!.sha });

    expect(getSyncState(h.store, 'gitlab:acme/payments', 'merge_requests')).toMatchObject({
      cursor: null,
      highWater: '2026-03-12T10:00:00.000Z',
      pendingHighWater: null,
    });
    expect(h.warnings).toEqual([]);
    h.close();
  });

  it('reads an MR with 120 commits in 2 requests and its notes only until the first review: 1 + 2 + 2 requests', async () => {
    const h = gitlabHarness();
    const scenario = 'mr-120-commits-review-on-second-notes-page';
    mergeRequestList(1).reply(200, gitlabFixture(scenario, 'page-1.json'), listHeaders(1, 1, 1));
    detail('commits', 42, scenario, 'commits-page-1.json', 1, 2);
    detail('commits', 42, scenario, 'commits-page-2.json', 2, 2);
    detail('notes', 42, scenario, 'notes-page-1.json', 1, 3);
    // Page 2 names a page 3 (x-next-page and Link), which is never asked for: the review is found.
    detail('notes', 42, scenario, 'notes-page-2.json', 2, 3);
    await harvestMergeRequests(h.ctx);

    expect(h.client.requests).toBe(1 + 2 + 2);
    const big = pr(h.store, 42);
    expect(big.commits).toHaveLength(120);
    // The 120th commit listed (on the second page) was authored first.
    expect(big.firstCommitAt).toBe(at('2026-01-20T07:00:00Z'));
    expect(big.commits.at(-1)!.authoredAt).toBe(at('2026-01-20T07:00:00Z'));
    // The first 139 notes are the author's, system notes and a bot's; the 140th is bob's.
    expect(big.firstReviewAt).toBe(at('2026-02-07T06:00:00Z'));
    h.close();
  });

  it('re-syncs from the mark minus a minute: details only for new or moved MRs, nothing for the unchanged one', async () => {
    const h = gitlabHarness();
    serveTwoPages();
    await harvestMergeRequests(h.ctx);
    const before = h.client.requests;
    const unchanged = pr(h.store, 7);

    // The mark was 10:00:00; GitLab is asked from 09:59:00, so !7 (09:59:40) is listed again.
    mergeRequestList(1, '2026-03-12T09:59:00.000Z').reply(200, gitlabFixture('mr-incremental', 'page-1.json'), listHeaders(1, 1, 4));
    // !8 was pushed to and merged (new head, first review now), !9 is new: their details are read.
    serveDetails([8, 9], 'mr-incremental');
    const written = await harvestMergeRequests(h.ctx);

    // !6 was relabelled (same head, first review known): no detail request; !7 is unchanged.
    expect(h.client.requests - before).toBe(1 + 2 * 2);
    expect(written).toBe(3);
    expect(h.progress.at(-1)).toEqual(['merge_requests', 1, 3]);
    const [mr8] = fixtureList('mr-incremental', 'page-1.json');
    expect(pr(h.store, 8)).toMatchObject({
      state: 'merged',
      isDraft: false,
      title: 'Checkout redesign',
      mergedAt: at('2026-03-13T12:00:03.410Z'),
      mergeCommitSha: mr8!.merge_commit_sha,
      headSha: mr8!.sha,
      firstReviewAt: at('2026-03-13T09:00:00Z'),
      firstCommitAt: at('2026-03-09T15:00:00Z'),
    });
    expect(pr(h.store, 8).commits).toHaveLength(2);
    expect(pr(h.store, 9)).toMatchObject({ state: 'open', isDraft: true, firstReviewAt: null, firstCommitAt: at('2026-03-13T09:30:00Z') });
    expect(pr(h.store, 6)).toMatchObject({ labels: ['dependencies', 'security'], firstReviewAt: at('2026-03-11T06:30:00Z'), isBot: true });
    expect(pr(h.store, 6).commits).toHaveLength(1);
    expect(pr(h.store, 7)).toEqual(unchanged);
    expect(pullRequests(h.store)).toHaveLength(7);
    expect(getSyncState(h.store, 'gitlab:acme/payments', 'merge_requests')!.highWater).toBe('2026-03-13T12:00:00.000Z');

    // Nothing new since: one request, and the MR read again in the slack is not rewritten.
    const second = h.client.requests;
    mergeRequestList(1, '2026-03-13T11:59:00.000Z').reply(200, (gitlabFixture('mr-incremental', 'page-1.json') as unknown[]).slice(0, 1), listHeaders(1, 1, 1));
    expect(await harvestMergeRequests(h.ctx)).toBe(0);
    expect(h.client.requests - second).toBe(1);
    h.close();
  });

  it('with --full reads every MR’s details again', async () => {
    const h = gitlabHarness();
    serveTwoPages();
    await harvestMergeRequests(h.ctx);
    const before = h.client.requests;

    serveTwoPages();
    h.ctx.options = { ...h.ctx.options, full: true };
    // Every detail read again, and every MR found as stored: nothing new or changed.
    expect(await harvestMergeRequests(h.ctx)).toBe(0);
    expect(h.client.requests - before).toBe(2 + 6 * 2);
    h.close();
  });

  it('with --since asks GitLab only for MRs updated since then', async () => {
    const h = gitlabHarness({ options: { since: at('2026-03-06T00:00:00Z') } });
    mergeRequestList(1, '2026-03-06T00:00:00.000Z').reply(200, gitlabFixture('mr-two-pages', 'page-1.json'), listHeaders(1, 2, 4));
    // Of page 2, only !5 was updated since.
    const sinceThen = (gitlabFixture('mr-two-pages', 'page-2.json') as unknown[]).slice(0, 1);
    mergeRequestList(2, '2026-03-06T00:00:00.000Z').reply(200, sinceThen as nock.Body, listHeaders(2, 2, 4));
    serveDetails([8, 7, 6, 5]);
    expect(await harvestMergeRequests(h.ctx)).toBe(4);
    expect(h.client.requests).toBe(2 + 4 * 2);
    expect(pullRequests(h.store).map((p) => p.number)).toEqual([5, 6, 7, 8]);
    h.close();
  });

  it('takes an MR merged before GitLab recorded merge times as merged at its last update, and says so', async () => {
    const h = gitlabHarness();
    const [old] = gitlabFixture('mr-two-pages', 'page-2.json') as unknown as Array<Record<string, unknown>>;
    mergeRequestList(1).reply(200, [{ ...old, merged_at: null }], listHeaders(1, 1, 1));
    serveDetails([5]);
    await harvestMergeRequests(h.ctx);
    expect(pr(h.store, 5)).toMatchObject({ state: 'merged', mergedAt: at('2026-03-06T15:00:01Z') });
    expect(h.warnings).toEqual([
      'gitlab:acme/payments: GitLab reports no merge time for merged MR !5; its last update time stands in for it',
    ]);
    h.close();
  });

  it('resumes an interrupted traversal at the stored page and ends with the store of an uninterrupted one', async () => {
    // The reference: one uninterrupted sync.
    const reference = gitlabHarness();
    serveTwoPages();
    await harvestMergeRequests(reference.ctx);
    const expected = dump(reference.store);
    reference.close();

    // Page 2 is refused: exit 3; page 1, with its MRs' details, stays committed with the cursor of page 2.
    const storePath = tempStorePath();
    const first = gitlabHarness({ storePath });
    mergeRequestList(1).reply(200, gitlabFixture('mr-two-pages', 'page-1.json'), listHeaders(1, 2, 6));
    serveDetails([8, 7, 6]);
    mergeRequestList(2).reply(401, { message: '401 Unauthorized' });
    const error = await harvestMergeRequests(first.ctx).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ForgeError);
    expect((error as ForgeError).exitCode).toBe(3);
    expect((error as ForgeError).message).toBe('GET /api/v4/projects/42/merge_requests answered 401: 401 Unauthorized');
    expect(everything(error)).not.toContain(GITLAB_SENTINEL_TOKEN);
    expect(first.client.requests).toBe(1 + 3 * 2 + 1);
    expect(pullRequests(first.store).map((p) => p.number)).toEqual([6, 7, 8]);
    expect(getSyncState(first.store, 'gitlab:acme/payments', 'merge_requests')).toMatchObject({
      cursor: '2',
      highWater: null,
      pendingHighWater: '2026-03-12T10:00:00.000Z',
    });
    first.close();

    // The next run asks only for page 2 and its MRs' details.
    const second = gitlabHarness({ storePath });
    mergeRequestList(2).reply(200, gitlabFixture('mr-two-pages', 'page-2.json'), listHeaders(2, 2, 6));
    serveDetails([5, 4, 3]);
    await harvestMergeRequests(second.ctx);
    expect(second.client.requests).toBe(1 + 3 * 2);
    expect(dump(second.store)).toEqual(expected);
    second.close();
  });

  it('waits out a 429 for its Retry-After, then goes on; both attempts are counted', async () => {
    const h = gitlabHarness();
    mergeRequestList(1).reply(429, { message: '429 Too Many Requests' }, { 'retry-after': '30', 'ratelimit-remaining': '0' });
    mergeRequestList(1).reply(200, gitlabFixture('mr-two-pages', 'page-2.json'), listHeaders(1, 1, 3));
    serveDetails([5, 4, 3]);
    const started = performance.now();
    expect(await harvestMergeRequests(h.ctx)).toBe(3);
    // retryUnitMs is 1: 30 s of Retry-After is 30 ms here.
    expect(performance.now() - started).toBeGreaterThanOrEqual(29);
    expect(h.client.requests).toBe(2 + 3 * 2);
    h.close();
  });

  it('retries a 502 on a per-MR request and counts both attempts', async () => {
    const h = gitlabHarness();
    mergeRequestList(1).reply(200, gitlabFixture('mr-two-pages', 'page-2.json'), listHeaders(1, 1, 3));
    nock(GITLAB_HOST)
      .get(`${GITLAB_API_PATH}/projects/42/merge_requests/5/commits`)
      .query({ per_page: '100', page: '1' })
      .reply(502, '<html><body><h1>502 Bad Gateway</h1></body></html>', { 'content-type': 'text/html' });
    serveDetails([5, 4, 3]);
    expect(await harvestMergeRequests(h.ctx)).toBe(3);
    expect(h.client.requests).toBe(1 + 3 * 2 + 1);
    expect(pr(h.store, 5).commits).toHaveLength(2);
    h.close();
  });

  it('fails on a 401 with exit 3, the endpoint and a hint, never the token, writing nothing', async () => {
    const h = gitlabHarness();
    mergeRequestList(1).matchHeader('private-token', GITLAB_SENTINEL_TOKEN).reply(401, { message: '401 Unauthorized' });
    const error = await harvestMergeRequests(h.ctx).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ForgeError);
    expect((error as ForgeError).exitCode).toBe(3);
    expect((error as ForgeError).message).toBe('GET /api/v4/projects/42/merge_requests answered 401: 401 Unauthorized');
    expect((error as ForgeError).hint).toMatch(/GITLAB_TOKEN/);
    expect(everything(error)).not.toContain(GITLAB_SENTINEL_TOKEN);
    // A 401 is not retried.
    expect(h.client.requests).toBe(1);
    expect(pullRequests(h.store)).toEqual([]);
    expect(getSyncState(h.store, 'gitlab:acme/payments', 'merge_requests')).toBeNull();
    h.close();
  });

  it('fails on a malformed payload with the endpoint and the field path, before any per-MR request, writing nothing', async () => {
    const h = gitlabHarness();
    mergeRequestList(1).reply(200, gitlabFixture('mr-malformed', 'page-1.json'), listHeaders(1, 1, 2));
    const error = await harvestMergeRequests(h.ctx).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ForgeError);
    expect((error as ForgeError).exitCode).toBe(3);
    expect((error as ForgeError).message).toMatch(/^GET \/api\/v4\/projects\/42\/merge_requests: unexpected payload at \[1\]\.merged_at: /);
    expect(everything(error)).not.toContain(GITLAB_SENTINEL_TOKEN);
    expect(h.client.requests).toBe(1);
    expect(pullRequests(h.store)).toEqual([]);
    expect(getSyncState(h.store, 'gitlab:acme/payments', 'merge_requests')).toBeNull();
    h.close();
  });

  it('fails on a body that is not JSON with a ForgeError, not a SyntaxError', async () => {
    const h = gitlabHarness();
    mergeRequestList(1).reply(200, '[{"iid": 1, "title": ', { 'content-type': 'application/json' });
    const error = await harvestMergeRequests(h.ctx).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ForgeError);
    expect((error as ForgeError).message).toBe('GET /api/v4/projects/42/merge_requests: the answer is not valid JSON');
    expect(getSyncState(h.store, 'gitlab:acme/payments', 'merge_requests')).toBeNull();
    h.close();
  });
});
