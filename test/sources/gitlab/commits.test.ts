import { describe, expect, it, onTestFinished } from 'vitest';
import type { Commit } from '../../../src/domain/types.js';
import { deploymentId } from '../../../src/domain/ids.js';
import { computeMetrics } from '../../../src/metrics/engine.js';
import { buildModel } from '../../../src/metrics/model.js';
import { fillDeployedShas, harvestDefaultBranchHistory } from '../../../src/sources/gitlab/commits.js';
import { harvestTags } from '../../../src/sources/gitlab/deployment-sources.js';
import {
  closeStore,
  getSyncState,
  loadFacts,
  openStore,
  saveSyncState,
  upsertDeployments,
  upsertPullRequests,
  upsertRepositories,
  type Store,
} from '../../../src/store/index.js';
import { ForgeError } from '../../../src/util/errors.js';
import { NOVEMBER, at, defaultOptions, deployment, pullRequest, repository } from '../../helpers/builders.js';
import { useNock } from '../../helpers/github.js';
import { GITLAB_REPO, GITLAB_SENTINEL_TOKEN, gitlabFixture, gitlabGet, gitlabHarness, pageHeaders, sha, type GitLabHarnessOptions } from '../../helpers/gitlab-commits.js';
import { tempStorePath } from '../../helpers/store.js';

useNock();

const REPO = GITLAB_REPO;
const [C0, C1, C2, A3, F1] = ['c0', 'c1', 'c2', 'a3', 'f1'].map(sha) as [string, string, string, string, string];

/** One page of `GET /repository/commits` of `ref` (the branch, then the tip sha the traversal started at). */
function commitsRequest(ref: string, page: number, since?: string) {
  return gitlabGet('/repository/commits', {
    ref_name: ref,
    per_page: '100',
    page: String(page),
    ...(since === undefined ? {} : { since }),
  });
}

function compareRequest(from: string, to: string) {
  return gitlabGet('/repository/compare', { from, to });
}

function commitsOf(store: Store): Map<string, Commit> {
  return new Map(loadFacts(store).commits.map((commit) => [commit.sha, commit]));
}

/** Harvests the two-page history of fixtures/gitlab/commits-history-two-pages (2 requests). */
async function harvestTwoPages(options: GitLabHarnessOptions = {}) {
  commitsRequest('main', 1).reply(200, gitlabFixture('commits-history-two-pages', 'page-1.json'), pageHeaders(1, 2));
  commitsRequest(A3, 2).reply(200, gitlabFixture('commits-history-two-pages', 'page-2.json'), pageHeaders(2, null));
  const run = gitlabHarness(options);
  await harvestDefaultBranchHistory(run.ctx);
  return run;
}

describe('harvestDefaultBranchHistory', () => {
  it('reads the whole history on a first harvest: two pages by x-next-page, two requests, merge commits with both parents in order', async () => {
    commitsRequest('main', 1).reply(200, gitlabFixture('commits-history-two-pages', 'page-1.json'), pageHeaders(1, 2));
    // The second page is read from the tip the traversal started at, so a push in between cannot shift it.
    commitsRequest(A3, 2).reply(200, gitlabFixture('commits-history-two-pages', 'page-2.json'), pageHeaders(2, null));
    const { ctx, client, store, progress } = gitlabHarness();

    const written = await harvestDefaultBranchHistory(ctx);

    expect(client.requests).toBe(2);
    expect(written).toBe(5);
    expect(progress).toEqual([['commits', 1, 3], ['commits', 2, 5]]);
    const commits = commitsOf(store);
    expect([...commits.keys()].sort()).toEqual([A3, C0, C1, C2, F1].sort());
    // Times with an offset are instants; the merge keeps its first parent first.
    expect(commits.get(A3)).toEqual({
      repoId: REPO,
      sha: A3,
      authoredAt: at('2026-11-03T11:58:00Z'),
      committedAt: at('2026-11-03T12:00:00Z'),
      author: 'Jane Doe',
      parents: [C2, F1],
    });
    expect(commits.get(F1)!.parents).toEqual([C1]);
    expect(commits.get(C0)!.parents).toEqual([]);
    expect(commits.get(C1)!.author).toBe('Release Robot');
    expect(getSyncState(store, REPO, 'commits')).toMatchObject({ cursor: null, highWater: A3, pendingHighWater: null });
  });

  it('stops an incremental harvest at the first page holding a stored commit: one request, since the oldest stored commit', async () => {
    const first = await harvestTwoPages();
    commitsRequest('main', 1, '2026-11-01T09:00:00.000Z').reply(200, gitlabFixture('commits-history-incremental', 'page-1.json'), pageHeaders(1, 2));
    const { ctx, client, store } = gitlabHarness({ store: first.store });

    expect(await harvestDefaultBranchHistory(ctx)).toBe(2);
    expect(client.requests).toBe(1);
    const commits = commitsOf(store);
    expect(commits.get(sha('b1'))!.parents).toEqual([A3]);
    expect(commits.get(sha('b2'))!.parents).toEqual([sha('b1')]);
    expect(getSyncState(store, REPO, 'commits')).toMatchObject({ cursor: null, highWater: sha('b2') });

    // Nothing new: one request, nothing written.
    commitsRequest('main', 1, '2026-11-01T09:00:00.000Z').reply(200, gitlabFixture('commits-history-incremental', 'page-1.json'), pageHeaders(1, 2));
    const again = gitlabHarness({ store });
    expect(await harvestDefaultBranchHistory(again.ctx)).toBe(0);
    expect(again.client.requests).toBe(1);
  });

  it('follows a merged branch whose commits sort below stored ones until every new parent is found', async () => {
    const first = await harvestTwoPages();
    // Page 1 holds stored commits, but the merge a6's second parent d2 is not among them.
    commitsRequest('main', 1, '2026-11-01T09:00:00.000Z').reply(200, gitlabFixture('commits-history-merge-frontier', 'page-1.json'), pageHeaders(1, 2));
    commitsRequest(sha('a6'), 2, '2026-11-01T09:00:00.000Z').reply(200, gitlabFixture('commits-history-merge-frontier', 'page-2.json'), pageHeaders(2, 3));
    const { ctx, client, store } = gitlabHarness({ store: first.store });

    // Page 2 still has a next page; the traversal stops because nothing is missing any more.
    expect(await harvestDefaultBranchHistory(ctx)).toBe(3);
    expect(client.requests).toBe(2);
    const commits = commitsOf(store);
    expect(commits.get(sha('a6'))!.parents).toEqual([A3, sha('d2')]);
    expect(commits.get(sha('d1'))!.parents).toEqual([C1]);
  });

  it('resumes an interrupted traversal from its stored page and tip, and ends as an uninterrupted one would', async () => {
    const store = openStore(tempStorePath());
    onTestFinished(() => closeStore(store));
    commitsRequest('main', 1).reply(200, gitlabFixture('commits-history-two-pages', 'page-1.json'), pageHeaders(1, 2));
    commitsRequest(A3, 2).reply(401, { message: '401 Unauthorized' });
    const interrupted = gitlabHarness({ store });

    const error = await harvestDefaultBranchHistory(interrupted.ctx).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ForgeError);
    expect((error as Error).message).not.toContain(GITLAB_SENTINEL_TOKEN);
    expect(interrupted.client.requests).toBe(2);
    // The first page and its cursor were committed together.
    expect(commitsOf(store).size).toBe(3);
    const state = getSyncState(store, REPO, 'commits')!;
    expect(state).toMatchObject({ highWater: null, pendingHighWater: A3 });
    expect(JSON.parse(state.cursor!)).toMatchObject({ next: '2', since: null });

    commitsRequest(A3, 2).reply(200, gitlabFixture('commits-history-two-pages', 'page-2.json'), pageHeaders(2, null));
    // A cursor written before the forges shared the traversal (`page` instead of `next`) resumes too.
    const { next: _next, ...legacy } = JSON.parse(state.cursor!) as Record<string, unknown>;
    saveSyncState(store, { ...state, cursor: JSON.stringify({ ...legacy, page: 2 }) });
    const resumed = gitlabHarness({ store });
    expect(await harvestDefaultBranchHistory(resumed.ctx)).toBe(2);
    expect(resumed.client.requests).toBe(1);

    const uninterrupted = await harvestTwoPages();
    expect(loadFacts(store).commits).toEqual(loadFacts(uninterrupted.store).commits);
    expect(getSyncState(store, REPO, 'commits')).toMatchObject({ cursor: null, highWater: A3, pendingHighWater: null });
  });

  it('bounds a first harvest by --since on committed dates', async () => {
    // GitLab filters by `since` through git, which can let an older commit through: it is dropped and ends the traversal.
    const page = [...gitlabFixture('commits-history-two-pages', 'page-1.json'), gitlabFixture('commits-history-two-pages', 'page-2.json')[0]];
    commitsRequest('main', 1, '2026-11-02T00:00:00.000Z').reply(200, page, pageHeaders(1, 2));
    const { ctx, client, store } = gitlabHarness({ since: at('2026-11-02T00:00:00Z') });

    expect(await harvestDefaultBranchHistory(ctx)).toBe(3);
    expect(client.requests).toBe(1);
    expect([...commitsOf(store).keys()].sort()).toEqual([A3, C2, F1].sort());
  });

  it('waits as long as a 429\'s Retry-After says, backs off on a 502, and counts every attempt', async () => {
    commitsRequest('main', 1).reply(429, { message: '429 Too Many Requests' }, { 'Retry-After': '3' });
    commitsRequest('main', 1).reply(200, gitlabFixture('commits-history-two-pages', 'page-1.json'), pageHeaders(1, 2));
    commitsRequest(A3, 2).reply(502, '<html>502 Bad Gateway</html>', { 'Content-Type': 'text/html' });
    commitsRequest(A3, 2).reply(200, gitlabFixture('commits-history-two-pages', 'page-2.json'), pageHeaders(2, null));
    // 20 ms stand for a second: Retry-After 3 waits 60 ms, the first 5xx backoff 20 ms.
    const { ctx, client, store } = gitlabHarness({ retryUnitMs: 20 });

    const started = performance.now();
    expect(await harvestDefaultBranchHistory(ctx)).toBe(5);
    expect(performance.now() - started).toBeGreaterThanOrEqual(75);
    expect(client.requests).toBe(4);
    expect(commitsOf(store).size).toBe(5);
  });

  it('fails with the endpoint and the field path on an unexpected payload', async () => {
    const page = gitlabFixture('commits-history-two-pages', 'page-1.json');
    delete page[1].parent_ids;
    commitsRequest('main', 1).reply(200, page, pageHeaders(1, 2));
    const { ctx, store } = gitlabHarness();

    const error = await harvestDefaultBranchHistory(ctx).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ForgeError);
    expect((error as Error).message).toMatch(/^GET \/api\/v4\/projects\/42\/repository\/commits: unexpected payload at \[1\]\.parent_ids: /);
    expect(commitsOf(store).size).toBe(0);
  });

  it('warns about an empty repository and remembers nothing', async () => {
    commitsRequest('main', 1).reply(200, [], pageHeaders(1, null));
    const { ctx, client, store, warnings } = gitlabHarness();

    expect(await harvestDefaultBranchHistory(ctx)).toBe(0);
    expect(client.requests).toBe(1);
    expect(warnings).toEqual([`${REPO}: the default branch main has no commit history yet`]);
    expect(getSyncState(store, REPO, 'commits')).toBeNull();
  });
});

describe('fillDeployedShas', () => {
  const E1 = sha('e1');
  const E2 = sha('e2');

  it('fills a hotfix branch with one compare from the stored tip, however many deployments name its shas', async () => {
    const { store } = await harvestTwoPages();
    upsertDeployments(store, [
      deployment('1', 'x', '2026-11-03T13:00:00Z', { repoId: REPO, sha: A3 }),
      deployment('2', 'x', '2026-11-04T08:45:00Z', { repoId: REPO, sha: E1 }),
      deployment('3', 'x', '2026-11-04T09:00:00Z', { repoId: REPO, sha: E2 }),
      deployment('4', 'x', '2026-11-04T10:00:00Z', { repoId: REPO, sha: E2, environment: 'staging' }),
    ]);
    compareRequest(A3, E2).reply(200, gitlabFixture('commits-compare-hotfix-branch', 'compare.json'));
    const { ctx, client, warnings, progress } = gitlabHarness({ store });

    // e2 is deployed last, and its compare lists e1 too: e1 costs nothing.
    expect(await fillDeployedShas(ctx)).toBe(2);
    expect(client.requests).toBe(1);
    expect(warnings).toEqual([]);
    expect(progress).toEqual([['deployed commits', 1, 2]]);
    const commits = commitsOf(store);
    expect(commits.get(E1)).toEqual({
      repoId: REPO,
      sha: E1,
      authoredAt: at('2026-11-04T08:00:00Z'),
      committedAt: at('2026-11-04T08:00:00Z'),
      author: 'Jane Doe',
      parents: [C2],
    });
    expect(commits.get(E2)!.parents).toEqual([E1]);

    const again = gitlabHarness({ store });
    expect(await fillDeployedShas(again.ctx)).toBe(0);
    expect(again.client.requests).toBe(0);
  });

  it('stores a deployed ancestor of the tip that lies below the stored history with one more request', async () => {
    // --since left c1 and c0 out of the graph; a deployment of c1 is then missing.
    commitsRequest('main', 1, '2026-11-02T00:00:00.000Z').reply(200, gitlabFixture('commits-history-two-pages', 'page-1.json'), pageHeaders(1, null));
    const history = gitlabHarness({ since: at('2026-11-02T00:00:00Z') });
    await harvestDefaultBranchHistory(history.ctx);
    upsertDeployments(history.store, [deployment('1', 'x', '2026-11-01T12:00:00Z', { repoId: REPO, sha: C1 })]);
    compareRequest(A3, C1).reply(200, gitlabFixture('commits-compare-ancestor', 'compare.json'));
    gitlabGet(`/repository/commits/${C1}`, { stats: 'false' }).reply(200, gitlabFixture('commits-compare-ancestor', 'commit.json'));
    const { ctx, client, store } = gitlabHarness({ store: history.store });

    expect(await fillDeployedShas(ctx)).toBe(1);
    expect(client.requests).toBe(2);
    expect(commitsOf(store).get(C1)!.parents).toEqual([C0]);
  });

  it('warns about a sha GitLab does not know (404), goes on with the others, and does not ask again', async () => {
    const { store } = await harvestTwoPages();
    const unknown = 'dead'.repeat(10);
    upsertDeployments(store, [
      deployment('1', 'x', '2026-11-04T09:00:00Z', { repoId: REPO, sha: E2 }),
      deployment('2', 'x', '2026-11-06T09:00:00Z', { repoId: REPO, sha: unknown }),
    ]);
    compareRequest(A3, unknown).reply(404, gitlabFixture('commits-compare-unknown-sha', 'not-found.json'));
    compareRequest(A3, E2).reply(200, gitlabFixture('commits-compare-hotfix-branch', 'compare.json'));
    const { ctx, client, warnings } = gitlabHarness({ store });

    expect(await fillDeployedShas(ctx)).toBe(2);
    expect(client.requests).toBe(2);
    expect(warnings).toEqual([
      `${REPO}: deployed sha ${unknown.slice(0, 12)} is not in the commit graph and GitLab could not find it or compare it with the default branch; its deployments reach only that sha`,
    ]);

    const again = gitlabHarness({ store });
    expect(await fillDeployedShas(again.ctx)).toBe(0);
    expect(again.client.requests).toBe(0);
    expect(again.warnings).toHaveLength(1);
    expect(again.warnings[0]).toContain('GitLab could not find it or compare it with the default branch on an earlier sync');

    // --full asks again.
    compareRequest(A3, unknown).reply(404, gitlabFixture('commits-compare-unknown-sha', 'not-found.json'));
    const full = gitlabHarness({ store, full: true });
    await fillDeployedShas(full.ctx);
    expect(full.client.requests).toBe(1);
  });

  it('fails with the endpoint on any other error', async () => {
    const { store } = await harvestTwoPages();
    upsertDeployments(store, [deployment('1', 'x', '2026-11-04T09:00:00Z', { repoId: REPO, sha: E2 })]);
    compareRequest(A3, E2).reply(403, { message: '403 Forbidden' });
    const { ctx } = gitlabHarness({ store });

    const error = await fillDeployedShas(ctx).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ForgeError);
    expect((error as Error).message).toBe('GET /api/v4/projects/42/repository/compare answered 403: 403 Forbidden');
  });
});

describe('the metric engine over a harvested store', () => {
  it('reaches a squash commit, a fast-forwarded head and a merge commit from a later tag deployment', async () => {
    const store = openStore(tempStorePath());
    onTestFinished(() => closeStore(store));
    upsertRepositories(store, [
      repository({ id: REPO, forge: 'gitlab', fullName: 'acme/payments', webUrl: 'https://gitlab.example.com/acme/payments' }),
    ]);
    commitsRequest('main', 1).reply(200, gitlabFixture('commits-squash-and-fast-forward', 'history.json'), pageHeaders(1, null));
    gitlabGet('/repository/tags', { order_by: 'updated', sort: 'desc', per_page: '100', page: '1' }).reply(
      200,
      gitlabFixture('commits-squash-and-fast-forward', 'tags.json'),
      pageHeaders(1, null),
    );
    const history = gitlabHarness({ store });
    expect(await harvestDefaultBranchHistory(history.ctx)).toBe(6);
    const tags = gitlabHarness({ store, deployments: { from: 'tags', tagPattern: '^v\\d' } });
    expect(await harvestTags(tags.ctx)).toBe(2);
    expect(history.client.requests + tags.client.requests).toBe(2);

    // The MR harvester's view: !10 squashed and fast-forwarded (no merge commit), !11
    // fast-forwarded without squash (its head is on main), !12 merged with a merge commit.
    const mr = (iid: number, fields: Parameters<typeof pullRequest>[1]) =>
      pullRequest(iid, { repoId: REPO, url: `https://gitlab.example.com/acme/payments/-/merge_requests/${iid}`, ...fields });
    upsertPullRequests(store, [
      mr(10, {
        createdAt: at('2026-11-01T21:00:00Z'),
        merged: '2026-11-02T10:00:00Z',
        squashCommitSha: sha('51'),
        headSha: sha('5a'),
        commits: [{ sha: sha('5a'), authoredAt: at('2026-11-01T20:00:00Z') }],
      }),
      mr(11, {
        createdAt: at('2026-11-02T15:00:00Z'),
        merged: '2026-11-03T10:00:00Z',
        headSha: sha('eb'),
        commits: [
          { sha: sha('eb'), authoredAt: at('2026-11-02T14:00:00Z') },
          { sha: sha('ea'), authoredAt: at('2026-11-02T12:00:00Z') },
        ],
      }),
      mr(12, {
        createdAt: at('2026-11-03T21:00:00Z'),
        merged: '2026-11-04T10:00:00Z',
        mergeCommitSha: sha('53'),
        headSha: sha('5c'),
        commits: [{ sha: sha('5c'), authoredAt: at('2026-11-03T20:00:00Z') }],
      }),
    ]);

    const result = computeMetrics(buildModel(loadFacts(store), [REPO], defaultOptions), NOVEMBER, [REPO]);

    // v1.0.0 (the baseline, a lightweight tag at its commit's time) and v1.1.0 (annotated).
    expect(result.metrics.deploymentFrequency.deployments).toBe(2);
    const shipped = new Map(result.changes.map((change) => [change.number, change]));
    const v110 = deploymentId(REPO, 'tag:v1.1.0');
    expect(shipped.get(10)).toMatchObject({ deploymentId: v110, deployedAt: at('2026-11-04T12:00:00Z'), leadTimeSeconds: 64 * 3600 });
    expect(shipped.get(11)).toMatchObject({ deploymentId: v110, leadTimeSeconds: 48 * 3600 });
    expect(shipped.get(12)).toMatchObject({ deploymentId: v110, leadTimeSeconds: 16 * 3600 });
    expect(result.metrics.leadTime).toMatchObject({ changes: 3, p50: 48 * 3600 });
    expect(result.warnings.filter((w) => w.includes('not in the stored commit graph'))).toEqual([]);
  });
});
