import { readFileSync } from 'node:fs';
import nock from 'nock';
import { describe, expect, it } from 'vitest';
import type { PullRequest } from '../../../src/domain/types.js';
import { harvestPullRequests } from '../../../src/sources/github/pull-requests.js';
import { getSyncState, loadFacts, type Store } from '../../../src/store/index.js';
import { ForgeError } from '../../../src/util/errors.js';
import { GITHUB_API, SENTINEL_TOKEN, githubHarness, useNock } from '../../helpers/github.js';
import { tempStorePath } from '../../helpers/store.js';

useNock();

const REPO = 'github:acme/shop';

function fixture(scenario: string, file: string): nock.Body {
  return JSON.parse(readFileSync(new URL(`../../../fixtures/github/${scenario}/${file}`, import.meta.url), 'utf8'));
}

interface GraphqlBody {
  query: string;
  variables: Record<string, unknown>;
}

/** Answers one GraphQL request for `operation` whose variables include `variables`. */
function graphql(operation: string, variables: Record<string, unknown>) {
  return nock(GITHUB_API).post('/graphql', (body: GraphqlBody) => {
    if (!body.query.includes(`query ${operation}(`)) return false;
    return Object.entries(variables).every(([key, value]) => body.variables[key] === value);
  });
}

/** A harvest context for acme/shop on a store at `storePath` (a temporary one unless given). */
function harness(storePath?: string) {
  return githubHarness({ storePath, options: { now: new Date('2026-03-14T00:00:00Z') } });
}

const pullRequests = (store: Store) => loadFacts(store).pullRequests;
const pr = (store: Store, number: number): PullRequest => pullRequests(store).find((p) => p.number === number)!;
const at = (iso: string) => Date.parse(iso);

const PAGE_1_END = 'Y3Vyc29yOnYyOpK5MjAyNi0wMy0wOVQxMDowMDowMFrOAAAABg==';

function serveTwoPages(): void {
  graphql('PullRequests', { owner: 'acme', name: 'shop', after: null }).reply(200, fixture('pull-requests-two-pages', 'page-1.json'));
  graphql('PullRequests', { after: PAGE_1_END }).reply(200, fixture('pull-requests-two-pages', 'page-2.json'));
}

/** Everything in the message, hint and stack of an error, for the token check. */
function everything(error: unknown): string {
  const e = error as ForgeError;
  return `${e.message}\n${e.hint ?? ''}\n${e.stack ?? ''}`;
}

describe('harvestPullRequests', () => {
  it('reads two pages in two requests, every state, with commits, labels and the first review by another user', async () => {
    const h = harness();
    serveTwoPages();
    const written = await harvestPullRequests(h.ctx);

    expect(written).toBe(6);
    expect(h.client.requests).toBe(2);
    expect(h.progress).toEqual([
      ['pull_requests', 1, 3],
      ['pull_requests', 2, 6],
    ]);
    expect(pullRequests(h.store).map((p) => [p.number, p.state])).toEqual([
      [3, 'merged'],
      [4, 'closed'],
      [5, 'merged'],
      [6, 'merged'],
      [7, 'merged'],
      [8, 'open'],
    ]);

    // Rebase merge: the merged commit is the last rebased commit GitHub records.
    const rebased = pr(h.store, 7);
    expect(rebased.mergeCommitSha).toBe('41ea934c9f7978c646281b3ac9fd3afe11e52742');
    expect(rebased.firstCommitAt).toBe(at('2026-03-05T10:00:00Z'));
    expect(rebased.commits).toHaveLength(3);
    // The author's own comment-review does not count; the first review by monalisa does.
    expect(rebased.firstReviewAt).toBe(at('2026-03-08T11:00:00Z'));
    expect(rebased.mergedAt).toBe(at('2026-03-09T15:00:00Z'));

    // Squash merge: the squash commit, with the PR's own commits kept in pull_request_commits.
    const squashed = pr(h.store, 3);
    expect(squashed.mergeCommitSha).toBe('32fc7b9c70aa666b32256ba0dd720820009ba0f3');
    expect(squashed.commits.map((c) => c.authoredAt)).toEqual([at('2026-02-24T15:00:00Z'), at('2026-02-25T08:00:00Z')]);
    expect(squashed.labels).toEqual(['hotfix', 'billing']);
    expect(squashed.firstReviewAt).toBe(at('2026-02-25T10:00:00Z'));

    // A GitHub App: GraphQL's Bot actor gets REST's `[bot]` suffix back.
    expect(pr(h.store, 6)).toMatchObject({ author: 'dependabot[bot]', isBot: true, labels: ['dependencies'] });
    expect(pr(h.store, 7)).toMatchObject({ author: 'hubot', isBot: false });

    // Merged into a release branch, not the default one.
    expect(pr(h.store, 5)).toMatchObject({ baseBranch: 'release/1.x', state: 'merged' });
    expect(pr(h.store, 5).mergeCommitSha).toMatch(/^[0-9a-f]{40}$/);

    // Closed without merging: no merged commit; the open draft's pending review is not a review.
    expect(pr(h.store, 4)).toMatchObject({ mergedAt: null, mergeCommitSha: null, state: 'closed' });
    expect(pr(h.store, 8)).toMatchObject({ isDraft: true, firstReviewAt: null, mergedAt: null });

    const state = getSyncState(h.store, REPO, 'pull_requests')!;
    expect(state).toMatchObject({ cursor: null, highWater: '2026-03-12T10:00:00.000Z', pendingHighWater: null });
    expect(h.warnings).toEqual([]);
    h.close();
  });

  it('reads the commits of a PR with 120 commits in one more request; the earliest authored commit wins', async () => {
    const h = harness();
    graphql('PullRequests', { after: null }).reply(200, fixture('pull-request-120-commits', 'page-1.json'));
    graphql('PullRequestCommits', { owner: 'acme', name: 'shop', number: 42, after: 'MTAw' }).reply(
      200,
      fixture('pull-request-120-commits', 'commits-page-2.json'),
    );
    await harvestPullRequests(h.ctx);

    expect(h.client.requests).toBe(2);
    const big = pr(h.store, 42);
    expect(big.commits).toHaveLength(120);
    // The 120th commit (listed last) was authored first.
    expect(big.firstCommitAt).toBe(at('2026-01-20T07:00:00Z'));
    expect(h.warnings).toEqual([]);
    h.close();
  });

  it('re-syncs in one request, picking up the one PR updated since and stopping at the stored mark', async () => {
    const h = harness();
    serveTwoPages();
    await harvestPullRequests(h.ctx);
    const before = h.client.requests;

    graphql('PullRequests', { after: null }).reply(200, fixture('pull-requests-incremental', 'page-1.json'));
    const written = await harvestPullRequests(h.ctx);

    expect(h.client.requests - before).toBe(1);
    // The page holds #8, updated since, and the PR at the old mark, read again unchanged.
    expect(written).toBe(1);
    expect(pr(h.store, 8)).toMatchObject({
      state: 'merged',
      isDraft: false,
      title: 'Checkout redesign',
      mergedAt: at('2026-03-13T12:00:00Z'),
      firstReviewAt: at('2026-03-13T09:00:00Z'),
    });
    expect(pullRequests(h.store)).toHaveLength(6);
    expect(getSyncState(h.store, REPO, 'pull_requests')!.highWater).toBe('2026-03-13T12:00:05.000Z');
    h.close();
  });

  it('resumes an interrupted traversal from the stored cursor and ends with the rows of an uninterrupted one', async () => {
    // The reference: one uninterrupted sync.
    const reference = harness();
    serveTwoPages();
    await harvestPullRequests(reference.ctx);
    const expected = pullRequests(reference.store);
    const expectedState = getSyncState(reference.store, REPO, 'pull_requests');
    reference.close();

    // Page 2 is refused: exit 3, page 1 stays committed with the cursor of page 2.
    const storePath = tempStorePath();
    const first = harness(storePath);
    graphql('PullRequests', { after: null }).reply(200, fixture('pull-requests-two-pages', 'page-1.json'));
    graphql('PullRequests', { after: PAGE_1_END }).reply(401, {
      message: 'Bad credentials',
      documentation_url: 'https://docs.github.com/graphql',
    });
    const error = await harvestPullRequests(first.ctx).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ForgeError);
    expect((error as ForgeError).exitCode).toBe(3);
    expect((error as ForgeError).message).toBe('GitHub GraphQL PullRequests answered 401: Bad credentials');
    expect(everything(error)).not.toContain(SENTINEL_TOKEN);
    expect(first.client.requests).toBe(2);
    expect(pullRequests(first.store).map((p) => p.number)).toEqual([6, 7, 8]);
    expect(getSyncState(first.store, REPO, 'pull_requests')).toMatchObject({
      cursor: PAGE_1_END,
      highWater: null,
      pendingHighWater: '2026-03-12T10:00:00.000Z',
    });
    first.close();

    // The next run asks only for page 2.
    const second = harness(storePath);
    graphql('PullRequests', { after: PAGE_1_END }).reply(200, fixture('pull-requests-two-pages', 'page-2.json'));
    await harvestPullRequests(second.ctx);
    expect(second.client.requests).toBe(1);
    expect(pullRequests(second.store)).toEqual(expected);
    expect(getSyncState(second.store, REPO, 'pull_requests')).toMatchObject({
      cursor: expectedState!.cursor,
      highWater: expectedState!.highWater,
      pendingHighWater: expectedState!.pendingHighWater,
    });
    second.close();
  });

  it('retries a 502 and counts both attempts', async () => {
    const h = harness();
    let attempts = 0;
    graphql('PullRequests', { after: null }).reply(() => {
      attempts++;
      return [502, { message: 'Server Error' }];
    });
    graphql('PullRequests', { after: null }).reply(() => {
      attempts++;
      return [200, fixture('pull-requests-two-pages', 'page-2.json')];
    });
    const written = await harvestPullRequests(h.ctx);
    expect(written).toBe(3);
    expect(attempts).toBe(2);
    expect(h.client.requests, 'client.requests counts retries').toBe(2);
    h.close();
  });

  it('fails on a body that is not JSON at all with a ForgeError, not a TypeError', async () => {
    const h = harness();
    graphql('PullRequests', { after: null }).reply(200, '{"data": {"repository": {"pullRequests": {"nodes": [', {
      'content-type': 'application/json; charset=utf-8',
    });
    const error = await harvestPullRequests(h.ctx).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ForgeError);
    expect((error as ForgeError).message).toMatch(/^GitHub GraphQL PullRequests: unexpected payload at data/);
    expect(getSyncState(h.store, REPO, 'pull_requests')).toBeNull();
    h.close();
  });

  it('fails on a malformed payload with the query and the field path, writing nothing', async () => {
    const h = harness();
    graphql('PullRequests', { after: null }).reply(200, fixture('pull-requests-malformed', 'page-1.json'));
    const error = await harvestPullRequests(h.ctx).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ForgeError);
    expect((error as ForgeError).exitCode).toBe(3);
    expect((error as ForgeError).message).toMatch(
      /^GitHub GraphQL PullRequests: unexpected payload at data\.repository\.pullRequests\.nodes\[1\]\.mergedAt: /,
    );
    expect(everything(error)).not.toContain(SENTINEL_TOKEN);
    expect(pullRequests(h.store)).toEqual([]);
    expect(getSyncState(h.store, REPO, 'pull_requests')).toBeNull();
    h.close();
  });
});
