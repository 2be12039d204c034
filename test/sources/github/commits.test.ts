import { readFileSync } from 'node:fs';
import nock from 'nock';
import { describe, expect, it, onTestFinished } from 'vitest';
import { deploymentId } from '../../../src/domain/ids.js';
import { computeMetrics } from '../../../src/metrics/engine.js';
import { buildModel } from '../../../src/metrics/model.js';
import { harvestDefaultBranchHistory, fillDeployedShas } from '../../../src/sources/github/commits.js';
import { DEFAULT_BRANCH_HISTORY_QUERY } from '../../../src/sources/github/commit-queries.js';
import { harvestTags } from '../../../src/sources/github/deployment-sources.js';
import {
  closeStore,
  getSyncState,
  loadFacts,
  openStore,
  upsertDeployments,
  upsertPullRequests,
  upsertRepositories,
  type Store,
} from '../../../src/store/index.js';
import type { Commit } from '../../../src/domain/types.js';
import { ForgeError } from '../../../src/util/errors.js';
import { NOVEMBER, REPO, at, defaultOptions, deployment, pullRequest, repository } from '../../helpers/builders.js';
import { GITHUB_API, githubHarness, githubSchemaErrors, useNock } from '../../helpers/github.js';
import { tempStorePath } from '../../helpers/store.js';

useNock();

/** The fixtures name commits by a two-hex-digit id repeated: `sha('a3')` is `a3a3…a3`. */
const sha = (id: string): string => id.repeat(40 / id.length);
const [C0, C1, C2, A3, F1] = ['c0', 'c1', 'c2', 'a3', 'f1'].map(sha) as [string, string, string, string, string];

/** A recorded payload, as nock replies with it (decoded JSON). */
function fixture(scenario: string, file: string): Record<string, any> {
  return JSON.parse(readFileSync(new URL(`../../../fixtures/github/${scenario}/${file}`, import.meta.url), 'utf8'));
}

interface GraphqlBody {
  query: string;
  variables: Record<string, unknown>;
}

/** Answers one `DefaultBranchHistory` query of main after `after`. */
function historyQuery(after: string | null, variables: (v: Record<string, unknown>) => boolean = () => true) {
  return nock(GITHUB_API).post(
    '/graphql',
    (body: GraphqlBody) =>
      body.query.includes('query DefaultBranchHistory(') &&
      body.variables.owner === 'acme' &&
      body.variables.name === 'shop' &&
      body.variables.qualifiedName === 'refs/heads/main' &&
      body.variables.after === after &&
      variables(body.variables),
  );
}

function compareRequest(base: string, head: string, page = 1) {
  return nock(GITHUB_API).get(`/repos/acme/shop/compare/${base}...${head}`).query({ per_page: '100', page: String(page) });
}

interface HarnessOptions {
  store?: Store;
  full?: boolean;
  since?: number | null;
  deployments?: Record<string, unknown>;
}

/**
 * A harness for acme/shop with a fresh client (requests count from 0), its clock in November
 * 2026 when the fixtures happen, deploying from the Deployments API unless told; a store it
 * opens closes with the test.
 */
function harness({ store, full, since, deployments = { from: 'deployments' } }: HarnessOptions = {}) {
  const run = githubHarness({ store, config: { deployments }, options: { full, since, now: new Date('2026-11-28T00:00:00Z') } });
  if (!store) onTestFinished(run.close);
  return run;
}

function commitsOf(store: Store): Map<string, Commit> {
  return new Map(loadFacts(store).commits.map((commit) => [commit.sha, commit]));
}

/** Harvests the two-page history of fixtures/github/commits-history-two-pages (2 requests). */
async function harvestTwoPages(store?: Store) {
  historyQuery(null).reply(200, fixture('commits-history-two-pages', 'page-1.json'));
  historyQuery(`${A3} 2`).reply(200, fixture('commits-history-two-pages', 'page-2.json'));
  const run = harness({ store });
  await harvestDefaultBranchHistory(run.ctx);
  return run;
}

describe('the GraphQL history document', () => {
  it('is valid against GitHub\'s published schema', () => {
    expect(githubSchemaErrors(DEFAULT_BRANCH_HISTORY_QUERY)).toEqual([]);
  });
});

describe('harvestDefaultBranchHistory', () => {
  it('reads the whole history on a first harvest: two pages, two requests, merge commits with both parents in order', async () => {
    historyQuery(null, (v) => v.since === null).reply(200, fixture('commits-history-two-pages', 'page-1.json'));
    historyQuery(`${A3} 2`).reply(200, fixture('commits-history-two-pages', 'page-2.json'));
    const { ctx, client, store, progress } = harness();

    const written = await harvestDefaultBranchHistory(ctx);

    expect(client.requests).toBe(2);
    expect(written).toBe(5);
    expect(progress).toEqual([['commits', 1, 3], ['commits', 2, 5]]);
    const commits = commitsOf(store);
    expect([...commits.keys()].sort()).toEqual([A3, C0, C1, C2, F1].sort());
    expect(commits.get(A3)).toEqual({
      repoId: REPO,
      sha: A3,
      authoredAt: at('2026-11-03T11:58:00Z'),
      committedAt: at('2026-11-03T12:00:00Z'),
      author: 'octocat',
      parents: [C2, F1],
    });
    expect(commits.get(C0)!.parents).toEqual([]);
    // No GitHub account behind the email: the git author name stands in.
    expect(commits.get(C1)!.author).toBe('Release Robot');
    const state = getSyncState(store, REPO, 'commits')!;
    expect(state).toMatchObject({ cursor: null, highWater: A3, pendingHighWater: null });
  });

  it('stops an incremental harvest at the first page holding a stored commit: one request', async () => {
    const first = await harvestTwoPages();
    historyQuery(null, (v) => v.since === '2026-11-01T09:00:00.000Z').reply(200, fixture('commits-history-incremental', 'page-1.json'));
    const { ctx, client, store } = harness({ store: first.store });

    const written = await harvestDefaultBranchHistory(ctx);

    expect(client.requests).toBe(1);
    expect(written).toBe(2);
    const commits = commitsOf(store);
    expect(commits.get(sha('b1'))!.parents).toEqual([A3]);
    expect(commits.get(sha('b2'))!.parents).toEqual([sha('b1')]);
    expect(getSyncState(store, REPO, 'commits')).toMatchObject({ cursor: null, highWater: sha('b2') });

    // Nothing new: one request, nothing written.
    historyQuery(null).reply(200, fixture('commits-history-incremental', 'no-change.json'));
    const again = harness({ store });
    expect(await harvestDefaultBranchHistory(again.ctx)).toBe(0);
    expect(again.client.requests).toBe(1);
  });

  it('stops after the page of the last new commit when its parent is stored, even without a stored commit on it', async () => {
    const first = await harvestTwoPages();
    const page = fixture('commits-history-incremental', 'page-1.json') as HistoryFixture;
    page.data.repository.ref.target.history.nodes.splice(2);
    historyQuery(null).reply(200, page);
    const { ctx, client } = harness({ store: first.store });

    expect(await harvestDefaultBranchHistory(ctx)).toBe(2);
    expect(client.requests).toBe(1);
  });

  it('follows a merged branch whose commits sort below stored ones until every new parent is found', async () => {
    const first = await harvestTwoPages();
    // Page 1 holds stored commits, but the merge a6's second parent d2 is not among them.
    historyQuery(null).reply(200, fixture('commits-history-merge-frontier', 'page-1.json'));
    historyQuery(`${sha('a6')} 2`).reply(200, fixture('commits-history-merge-frontier', 'page-2.json'));
    const { ctx, client, store } = harness({ store: first.store });

    const written = await harvestDefaultBranchHistory(ctx);

    // Page 2 still has a next page; the traversal stops because nothing is missing any more.
    expect(client.requests).toBe(2);
    expect(written).toBe(3);
    const commits = commitsOf(store);
    expect(commits.get(sha('a6'))!.parents).toEqual([A3, sha('d2')]);
    expect(commits.get(sha('d1'))!.parents).toEqual([C2]);
  });

  it('resumes an interrupted traversal from its stored cursor and ends as an uninterrupted one would', async () => {
    const path = tempStorePath();
    const store = openStore(path);
    onTestFinished(() => closeStore(store));
    historyQuery(null).reply(200, fixture('commits-history-two-pages', 'page-1.json'));
    historyQuery(`${A3} 2`).reply(401, { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest' });
    const interrupted = harness({ store });

    await expect(harvestDefaultBranchHistory(interrupted.ctx)).rejects.toBeInstanceOf(ForgeError);
    expect(interrupted.client.requests).toBe(2);
    // The first page and its cursor were committed together.
    expect(commitsOf(store).size).toBe(3);
    expect(getSyncState(store, REPO, 'commits')).toMatchObject({ highWater: null, pendingHighWater: A3 });
    expect(JSON.parse(getSyncState(store, REPO, 'commits')!.cursor!)).toMatchObject({ next: `${A3} 2` });

    historyQuery(`${A3} 2`).reply(200, fixture('commits-history-two-pages', 'page-2.json'));
    const resumed = harness({ store });
    expect(await harvestDefaultBranchHistory(resumed.ctx)).toBe(2);
    expect(resumed.client.requests).toBe(1);

    const uninterrupted = await harvestTwoPages();
    expect(loadFacts(store).commits).toEqual(loadFacts(uninterrupted.store).commits);
    expect(getSyncState(store, REPO, 'commits')).toMatchObject({ cursor: null, highWater: A3, pendingHighWater: null });
  });

  it('bounds a first harvest by --since on committed dates', async () => {
    // GitHub filters by `since`; a commit older than it that still came back is dropped and ends the traversal.
    historyQuery(null, (v) => v.since === '2026-11-02T00:00:00.000Z').reply(200, {
      data: {
        repository: {
          ref: {
            target: {
              history: {
                pageInfo: { hasNextPage: true, endCursor: `${A3} 4` },
                nodes: [
                  ...(fixture('commits-history-two-pages', 'page-1.json') as HistoryFixture).data.repository.ref.target.history.nodes,
                  (fixture('commits-history-two-pages', 'page-2.json') as HistoryFixture).data.repository.ref.target.history.nodes[0],
                ],
              },
            },
          },
        },
      },
    });
    const { ctx, client, store } = harness({ since: at('2026-11-02T00:00:00Z') });

    expect(await harvestDefaultBranchHistory(ctx)).toBe(3);
    expect(client.requests).toBe(1);
    expect([...commitsOf(store).keys()].sort()).toEqual([A3, C2, F1].sort());
  });

  it('fails with the endpoint and the field path on an unexpected payload', async () => {
    historyQuery(null).reply(200, {
      data: { repository: { ref: { target: { history: { pageInfo: { hasNextPage: false, endCursor: null }, nodes: [{ oid: A3 }] } } } } },
    });
    const { ctx } = harness();
    const error = await harvestDefaultBranchHistory(ctx).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ForgeError);
    expect((error as Error).message).toMatch(/^GitHub GraphQL DefaultBranchHistory: unexpected payload at repository\.ref\.target\.history\.nodes\[0\]\.authoredDate/);
  });
});

interface HistoryFixture {
  data: { repository: { ref: { target: { history: { nodes: unknown[] } } } } };
}

describe('fillDeployedShas', () => {
  const E1 = sha('e1');
  const E2 = sha('e2');

  it('fills a hotfix branch with one compare call from the stored tip, however many deployments name its shas', async () => {
    const { store } = await harvestTwoPages();
    upsertDeployments(store, [
      deployment('1', 'x', '2026-11-03T13:00:00Z', { sha: A3 }),
      deployment('2', 'x', '2026-11-04T08:45:00Z', { sha: E1 }),
      deployment('3', 'x', '2026-11-04T09:00:00Z', { sha: E2 }),
      deployment('4', 'x', '2026-11-04T10:00:00Z', { sha: E2, environment: 'staging' }),
    ]);
    compareRequest(A3, E2).reply(200, fixture('commits-compare-hotfix-branch', 'compare.json'));
    const { ctx, client, warnings } = harness({ store });

    // e2 is deployed last, and its compare lists e1 too: e1 costs nothing.
    expect(await fillDeployedShas(ctx)).toBe(2);
    expect(client.requests).toBe(1);
    expect(warnings).toEqual([]);
    const commits = commitsOf(store);
    expect(commits.get(E1)).toEqual({
      repoId: REPO,
      sha: E1,
      authoredAt: at('2026-11-04T08:00:00Z'),
      committedAt: at('2026-11-04T08:00:00Z'),
      author: 'hubot',
      parents: [C2],
    });
    expect(commits.get(E2)!.parents).toEqual([E1]);
    // No GitHub account: the git author name.
    expect(commits.get(E2)!.author).toBe('Monalisa Octocat');

    const again = harness({ store });
    expect(await fillDeployedShas(again.ctx)).toBe(0);
    expect(again.client.requests).toBe(0);
  });

  it('pages a compare past 250 commits, 100 a page', async () => {
    const { store } = await harvestTwoPages();
    const template = fixture('commits-compare-long-release-branch', 'compare-page.json') as CompareFixture;
    const branch = Array.from({ length: 260 }, (_, index) => `7e${(index + 1).toString(16).padStart(38, '0')}`);
    const head = branch.at(-1)!;
    upsertDeployments(store, [deployment('r', 'x', '2026-11-05T09:00:00Z', { sha: head })]);
    const restCommit = (index: number) => ({
      ...template.commits[0]!,
      sha: branch[index]!,
      parents: [{ ...template.commits[0]!.parents[0]!, sha: index === 0 ? C2 : branch[index - 1]! }],
    });
    for (const page of [1, 2, 3]) {
      const commits = Array.from({ length: Math.min(100, 260 - (page - 1) * 100) }, (_, i) => restCommit((page - 1) * 100 + i));
      compareRequest(A3, head, page).reply(200, { ...template, total_commits: 260, ahead_by: 260, commits });
    }
    const { ctx, client, progress } = harness({ store });

    expect(await fillDeployedShas(ctx)).toBe(260);
    expect(client.requests).toBe(3);
    expect(progress.map(([, pages, items]) => [pages, items])).toEqual([[1, 100], [2, 200], [3, 260]]);
    const commits = commitsOf(store);
    expect(commits.get(branch[0]!)!.parents).toEqual([C2]);
    expect(commits.get(head)!.parents).toEqual([branch[258]]);
  });

  it('warns about a sha GitHub does not know, goes on with the others, and does not ask again', async () => {
    const { store } = await harvestTwoPages();
    const unknown = 'dead'.repeat(10);
    upsertDeployments(store, [
      deployment('1', 'x', '2026-11-04T09:00:00Z', { sha: E2 }),
      deployment('2', 'x', '2026-11-06T09:00:00Z', { sha: unknown }),
    ]);
    compareRequest(A3, unknown).reply(404, fixture('commits-compare-unknown-sha', 'not-found.json'));
    compareRequest(A3, E2).reply(200, fixture('commits-compare-hotfix-branch', 'compare.json'));
    const { ctx, client, warnings } = harness({ store });

    expect(await fillDeployedShas(ctx)).toBe(2);
    expect(client.requests).toBe(2);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(`deployed sha ${unknown.slice(0, 12)} is not in the commit graph`);

    const again = harness({ store });
    expect(await fillDeployedShas(again.ctx)).toBe(0);
    expect(again.client.requests).toBe(0);
    expect(again.warnings).toHaveLength(1);

    // --full asks again.
    compareRequest(A3, unknown).reply(404, fixture('commits-compare-unknown-sha', 'not-found.json'));
    const full = harness({ store, full: true });
    await fillDeployedShas(full.ctx);
    expect(full.client.requests).toBe(1);
  });

  it('fails with the endpoint on any other error', async () => {
    const { store } = await harvestTwoPages();
    upsertDeployments(store, [deployment('1', 'x', '2026-11-04T09:00:00Z', { sha: E2 })]);
    compareRequest(A3, E2).reply(403, { message: 'Resource not accessible by integration' });
    const { ctx } = harness({ store });
    const error = await fillDeployedShas(ctx).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ForgeError);
    expect((error as Error).message).toBe(`GET /repos/acme/shop/compare/${A3}...${E2} answered 403: Resource not accessible by integration`);
  });
});

interface CompareFixture {
  commits: Array<{ sha: string; parents: Array<{ sha: string }> }>;
}

describe('the metric engine over a harvested store', () => {
  it('reaches the squash commit and the last rebased commit from a later tag deployment', async () => {
    const store = openStore(tempStorePath());
    onTestFinished(() => closeStore(store));
    upsertRepositories(store, [repository()]);
    historyQuery(null).reply(200, fixture('commits-squash-and-rebase-merges', 'history.json'));
    nock(GITHUB_API)
      .post('/graphql', (body: GraphqlBody) => body.query.includes('query TagRefs(') && body.variables.after === null)
      .reply(200, fixture('commits-squash-and-rebase-merges', 'tag-refs.json'));
    const history = harness({ store });
    expect(await harvestDefaultBranchHistory(history.ctx)).toBe(5);
    const tags = harness({ store, deployments: { from: 'tags', tagPattern: '^v\\d' } });
    expect(await harvestTags(tags.ctx)).toBe(2);
    expect(history.client.requests + tags.client.requests).toBe(2);

    // The PR harvester's view: the squash PR's own commits and the rebase PR's originals are
    // off the default branch; only the merged commits are in the graph.
    upsertPullRequests(store, [
      pullRequest(10, {
        createdAt: at('2026-11-01T21:00:00Z'),
        merged: '2026-11-02T10:00:00Z',
        mergeCommitSha: sha('51'),
        commits: [{ sha: sha('5a'), authoredAt: at('2026-11-01T20:00:00Z') }],
      }),
      pullRequest(11, {
        createdAt: at('2026-11-02T15:00:00Z'),
        merged: '2026-11-03T10:00:00Z',
        mergeCommitSha: sha('e2'),
        commits: [
          { sha: sha('ea'), authoredAt: at('2026-11-02T12:00:00Z') },
          { sha: sha('eb'), authoredAt: at('2026-11-02T14:00:00Z') },
        ],
      }),
    ]);

    const facts = loadFacts(store);
    const result = computeMetrics(buildModel(facts, [REPO], defaultOptions), NOVEMBER, [REPO]);

    // v1.0.0 (the baseline) and v1.1.0, at their tag times.
    expect(result.metrics.deploymentFrequency.deployments).toBe(2);
    const shipped = new Map(result.changes.map((change) => [change.number, change]));
    const v110 = deploymentId(REPO, 'tag:v1.1.0');
    expect(shipped.get(10)).toMatchObject({ deploymentId: v110, deployedAt: at('2026-11-04T12:00:00Z'), leadTimeSeconds: 64 * 3600 });
    expect(shipped.get(11)).toMatchObject({ deploymentId: v110, leadTimeSeconds: 48 * 3600 });
    expect(result.metrics.leadTime).toMatchObject({ changes: 2, p50: 56 * 3600 });
    expect(result.warnings.filter((w) => w.includes('not in the stored commit graph'))).toEqual([]);
  });
});
