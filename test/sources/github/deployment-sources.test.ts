import { readFileSync } from 'node:fs';
import nock from 'nock';
import { describe, expect, it, onTestFinished } from 'vitest';
import { deploymentId } from '../../../src/domain/ids.js';
import type { Deployment } from '../../../src/domain/types.js';
import { TAG_REFS_QUERY } from '../../../src/sources/github/commit-queries.js';
import {
  deploymentsFromMerges,
  harvestReleases,
  harvestTags,
  harvestWorkflowRuns,
} from '../../../src/sources/github/deployment-sources.js';
import { getSyncState, loadFacts, upsertPullRequests, type Store } from '../../../src/store/index.js';
import { ForgeError } from '../../../src/util/errors.js';
import { REPO, at, pullRequest } from '../../helpers/builders.js';
import { GITHUB_API, githubHarness, githubSchemaErrors, useNock } from '../../helpers/github.js';

useNock();

/** The fixtures name commits by a two-hex-digit id repeated: `sha('a3')` is `a3a3…a3`. */
const sha = (id: string): string => id.repeat(40 / id.length);

/** A recorded payload, as nock replies with it (decoded JSON). */
function fixture(scenario: string, file: string): any {
  return JSON.parse(readFileSync(new URL(`../../../fixtures/github/${scenario}/${file}`, import.meta.url), 'utf8'));
}

interface GraphqlBody {
  query: string;
  variables: Record<string, unknown>;
}

function tagRefsQuery(after: string | null) {
  return nock(GITHUB_API).post(
    '/graphql',
    (body: GraphqlBody) =>
      body.query.includes('query TagRefs(') && body.variables.owner === 'acme' && body.variables.name === 'shop' && body.variables.after === after,
  );
}

function releasesRequest(page = 1) {
  return nock(GITHUB_API).get('/repos/acme/shop/releases').query({ per_page: '100', page: String(page) });
}

interface HarnessOptions {
  store?: Store;
  full?: boolean;
  since?: number | null;
  deployments: Record<string, unknown>;
}

/**
 * A harness for acme/shop with a fresh client (requests count from 0) and its clock in
 * November 2026, when the fixtures happen; a store it opens closes with the test.
 */
function harness({ store, full, since, deployments }: HarnessOptions) {
  const run = githubHarness({ store, config: { deployments }, options: { full, since, now: new Date('2026-11-28T00:00:00Z') } });
  if (!store) onTestFinished(run.close);
  return run;
}

function deploymentsOf(store: Store): Map<string, Deployment> {
  return new Map(loadFacts(store).deployments.map((deployment) => [deployment.id, deployment]));
}

/** What a non-API source writes: a success at one instant, with a one-entry status history. */
function success(key: string, source: string, commit: string, finished: string, extra: Partial<Deployment> = {}): Deployment {
  return {
    id: deploymentId(REPO, key),
    repoId: REPO,
    environment: 'production',
    tier: null,
    sha: commit,
    source,
    status: 'success',
    createdAt: at(finished),
    finishedAt: at(finished),
    statuses: [{ state: 'success', at: at(finished) }],
    url: null,
    ...extra,
  };
}

describe('the GraphQL tag document', () => {
  it('is valid against GitHub\'s published schema', () => {
    expect(githubSchemaErrors(TAG_REFS_QUERY)).toEqual([]);
  });
});

describe('harvestReleases', () => {
  const ETAG = 'W/"8d3ef6b5b3e7b9c1e7f0c2a1d4e5f6a7"';

  it('writes published releases (drafts skipped) at their tag\'s commit, then re-syncs with a 304', async () => {
    releasesRequest().reply(200, fixture('releases-draft-and-etag', 'releases-page-1.json'), { ETag: ETAG });
    tagRefsQuery(null).reply(200, fixture('releases-draft-and-etag', 'tag-refs.json'));
    const { ctx, client, store, progress } = harness({ deployments: { from: 'releases' } });

    expect(await harvestReleases(ctx)).toBe(2);
    // One page of releases, one page of tags for both of their tags.
    expect(client.requests).toBe(2);
    expect(progress).toEqual([['releases', 1, 2]]);
    expect([...deploymentsOf(store).values()]).toEqual([
      success('release:1001', 'releases', sha('a3'), '2026-11-03T13:05:00Z', { url: 'https://github.com/acme/shop/releases/tag/v1.0.0-rc.1' }),
      success('release:1002', 'releases', sha('b2'), '2026-11-05T11:30:00Z', { url: 'https://github.com/acme/shop/releases/tag/v1.1.0' }),
    ]);
    const state = getSyncState(store, REPO, 'releases')!;
    expect(state).toMatchObject({ cursor: null, highWater: '2026-11-06T09:00:00.000Z', etag: ETAG });

    releasesRequest().matchHeader('if-none-match', ETAG).reply(304, '');
    const again = harness({ store, deployments: { from: 'releases' } });
    expect(await harvestReleases(again.ctx)).toBe(0);
    expect(again.client.requests).toBe(1);
    expect(getSyncState(store, REPO, 'releases')).toEqual(state);
    expect(deploymentsOf(store).size).toBe(2);
  });

  it('follows the Link header, and stops an incremental sync at the stored mark', async () => {
    const [draft, v110, rc] = fixture('releases-draft-and-etag', 'releases-page-1.json');
    releasesRequest(1).reply(200, [draft, v110], { Link: '<https://api.github.com/repositories/42/releases?per_page=100&page=2>; rel="next", <https://api.github.com/repositories/42/releases?per_page=100&page=2>; rel="last"' });
    releasesRequest(2).reply(200, [rc], { Link: '<https://api.github.com/repositories/42/releases?per_page=100&page=1>; rel="first"' });
    tagRefsQuery(null).reply(200, fixture('releases-draft-and-etag', 'tag-refs.json'));
    const first = harness({ deployments: { from: 'releases' } });
    expect(await harvestReleases(first.ctx)).toBe(2);
    expect(first.client.requests).toBe(3);

    // A new release on top: its page is read, the tag list once, and nothing below the mark.
    // v1.0.1 was published since, too, for a commit of 11-04: GitHub's created_at is the date
    // of the release's commit, so it sorts below the mark (11-06 09:00); on the page read it is
    // still new, and wanted. v1.1.0, below the mark and stored, is not looked up again.
    const v120 = { ...v110, id: 1004, tag_name: 'v1.2.0', created_at: '2026-11-07T09:00:00Z', published_at: '2026-11-07T09:10:00Z' };
    const v101 = { ...v110, id: 1005, tag_name: 'v1.0.1', created_at: '2026-11-04T10:00:00Z', published_at: '2026-11-07T10:00:00Z' };
    releasesRequest(1).reply(200, [v120, draft, v110, v101], { Link: '<https://api.github.com/repositories/42/releases?per_page=100&page=2>; rel="next"' });
    tagRefsQuery(null).reply(200, {
      data: {
        repository: {
          refs: {
            pageInfo: { hasNextPage: true, endCursor: 'MQ' },
            nodes: [
              { name: 'v1.2.0', target: { __typename: 'Commit', oid: sha('b3'), committedDate: '2026-11-07T08:00:00Z' } },
              { name: 'v1.0.1', target: { __typename: 'Commit', oid: sha('a9'), committedDate: '2026-11-04T10:00:00Z' } },
            ],
          },
        },
      },
    });
    const next = harness({ store: first.store, deployments: { from: 'releases' } });
    expect(await harvestReleases(next.ctx)).toBe(2);
    expect(next.client.requests).toBe(2);
    expect(deploymentsOf(first.store).get(deploymentId(REPO, 'release:1004'))).toMatchObject({ sha: sha('b3'), finishedAt: at('2026-11-07T09:10:00Z') });
    expect(deploymentsOf(first.store).get(deploymentId(REPO, 'release:1005'))).toMatchObject({ sha: sha('a9'), finishedAt: at('2026-11-07T10:00:00Z') });
  });

  it('fails with the endpoint and the field path on an unexpected payload', async () => {
    const [, v110] = fixture('releases-draft-and-etag', 'releases-page-1.json');
    releasesRequest().reply(200, [{ ...v110, published_at: 12 }]);
    const { ctx } = harness({ deployments: { from: 'releases' } });
    const error = await harvestReleases(ctx).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ForgeError);
    expect((error as Error).message).toMatch(/^GET \/repos\/acme\/shop\/releases: unexpected payload at \[0\]\.published_at: /);
  });
});

describe('harvestTags', () => {
  it('writes the tags matching tagPattern at the annotated tag\'s date, else the commit\'s, in the first environment', async () => {
    tagRefsQuery(null).reply(200, fixture('tags-filtered-by-pattern', 'tag-refs.json'));
    const deployments = { from: 'tags', tagPattern: '^v\\d+\\.\\d+\\.\\d+$', environments: ['prod', 'production'] };
    const { ctx, client, store } = harness({ deployments });

    expect(await harvestTags(ctx)).toBe(2);
    expect(client.requests).toBe(1);
    expect([...deploymentsOf(store).values()]).toEqual([
      success('tag:v1.9.0', 'tags', sha('a3'), '2026-11-03T12:00:00Z', { environment: 'prod' }),
      // Tagged at 15:30 in UTC+1.
      success('tag:v2.0.0', 'tags', sha('b2'), '2026-11-05T14:30:00Z', { environment: 'prod' }),
    ]);
    expect(getSyncState(store, REPO, 'tags')).toMatchObject({ cursor: null, highWater: '2026-11-05T10:00:00.000Z' });

    // Re-sync: the first page reaches the mark.
    tagRefsQuery(null).reply(200, fixture('tags-filtered-by-pattern', 'tag-refs.json'));
    const again = harness({ store, deployments });
    await harvestTags(again.ctx);
    expect(again.client.requests).toBe(1);
    expect(deploymentsOf(store).size).toBe(2);
  });
});

describe('harvestWorkflowRuns', () => {
  const DEPLOY = { from: 'workflow_runs', workflow: 'deploy.yml' };
  const NEWEST = at('2026-11-27T23:00:00Z');
  const HOUR = 3_600_000;
  const iso = (instant: number) => new Date(instant).toISOString().replace('.000Z', 'Z');

  /**
   * 1,150 runs of deploy.yml on main, one an hour, newest first: every tenth (from the fourth)
   * failed, the sixth was cancelled, the third is still running.
   */
  function runs(state: 'first' | 'later' = 'first') {
    const template = fixture('workflow-runs-two-slices', 'run.json');
    return Array.from({ length: 1150 }, (_, index) => {
      const created = NEWEST - index * HOUR;
      const running = index === 2 && state === 'first';
      return {
        ...template,
        id: 40_000_000 + index,
        run_number: 2000 - index,
        head_sha: `${(1150 - index).toString(16).padStart(8, '0')}${'0'.repeat(32)}`,
        status: running ? 'in_progress' : 'completed',
        conclusion: running ? null : index === 5 ? 'cancelled' : index % 10 === 3 ? 'failure' : 'success',
        created_at: iso(created),
        run_started_at: iso(created + 5_000),
        updated_at: iso(created + (running && state === 'first' ? 60_000 : 9 * 60_000)),
        html_url: `https://github.com/acme/shop/actions/runs/${40_000_000 + index}`,
      };
    });
  }

  function runsRequest(query: Record<string, string>) {
    return nock(GITHUB_API)
      .get('/repos/acme/shop/actions/workflows/deploy.yml/runs')
      .query({ branch: 'main', per_page: '100', ...query });
  }

  it('slices past the 1,000-run cap by created date: success and failure, every run read once but a boundary', async () => {
    const all = runs();
    for (let page = 1; page <= 10; page++) {
      runsRequest({ page: String(page) }).reply(200, { total_count: 1150, workflow_runs: all.slice((page - 1) * 100, page * 100) });
    }
    // The second slice: created at or before the oldest run read (run 999), which it lists again.
    const boundary = all[999]!.created_at;
    runsRequest({ page: '1', created: `<=${boundary}` }).reply(200, { total_count: 151, workflow_runs: all.slice(999, 1099) });
    runsRequest({ page: '2', created: `<=${boundary}` }).reply(200, { total_count: 151, workflow_runs: all.slice(1099) });
    const { ctx, client, store, progress } = harness({ deployments: DEPLOY });

    await harvestWorkflowRuns(ctx);

    expect(client.requests).toBe(12);
    expect(progress).toHaveLength(12);
    const deployments = [...deploymentsOf(store).values()];
    // 1,150 runs less the one running and the one cancelled.
    expect(deployments).toHaveLength(1148);
    expect(deployments.filter((d) => d.status === 'failure')).toHaveLength(115);
    expect(deployments.filter((d) => d.status === 'success')).toHaveLength(1033);
    expect(deploymentsOf(store).get(deploymentId(REPO, 'workflow-run:40000003'))).toEqual({
      id: deploymentId(REPO, 'workflow-run:40000003'),
      repoId: REPO,
      environment: 'production',
      tier: null,
      sha: all[3]!.head_sha,
      source: 'workflow_runs',
      status: 'failure',
      createdAt: NEWEST - 3 * HOUR + 5_000,
      finishedAt: NEWEST - 3 * HOUR + 9 * 60_000,
      statuses: [{ state: 'failure', at: NEWEST - 3 * HOUR + 9 * 60_000 }],
      url: 'https://github.com/acme/shop/actions/runs/40000003',
    });
    // The mark is held at the run still going, so the next sync sees it finish.
    expect(getSyncState(store, REPO, 'workflow_runs')).toMatchObject({ cursor: null, highWater: iso(NEWEST - 2 * HOUR).replace('Z', '.000Z') });
  });

  it('re-syncs from three days below the mark, catches the run that finished, then answers 304 when nothing changed', async () => {
    const first = runs();
    const initial = harness({ deployments: DEPLOY, since: NEWEST - 2 * HOUR });
    // --since bounds the first harvest: the query carries it.
    runsRequest({ page: '1', created: `>=${iso(NEWEST - 2 * HOUR)}` }).reply(200, { total_count: 3, workflow_runs: first.slice(0, 3) });
    expect(await harvestWorkflowRuns(initial.ctx)).toBe(2);
    expect(initial.client.requests).toBe(1);
    const { store } = initial;
    expect(deploymentsOf(store).has(deploymentId(REPO, 'workflow-run:40000002'))).toBe(false);

    const later = runs('later');
    const lookback = iso(NEWEST - 2 * HOUR - 72 * HOUR);
    runsRequest({ page: '1', created: `>=${lookback}` }).reply(200, { total_count: 75, workflow_runs: later.slice(0, 75) });
    const second = harness({ store, deployments: DEPLOY });
    await harvestWorkflowRuns(second.ctx);
    expect(second.client.requests).toBe(1);
    expect(deploymentsOf(store).get(deploymentId(REPO, 'workflow-run:40000002'))).toMatchObject({ status: 'success' });
    // Nothing is running now: the mark moves to the newest run.
    expect(getSyncState(store, REPO, 'workflow_runs')).toMatchObject({ highWater: iso(NEWEST).replace('Z', '.000Z'), etag: null });

    const ETAG = 'W/"2f6a0c1d9b8e7f6a5b4c3d2e1f0a9b8c"';
    const settled = iso(NEWEST - 72 * HOUR);
    runsRequest({ page: '1', created: `>=${settled}` }).reply(200, { total_count: 73, workflow_runs: later.slice(0, 73) }, { ETag: ETAG });
    const third = harness({ store, deployments: DEPLOY });
    await harvestWorkflowRuns(third.ctx);
    expect(getSyncState(store, REPO, 'workflow_runs')).toMatchObject({ highWater: iso(NEWEST).replace('Z', '.000Z'), etag: ETAG });

    runsRequest({ page: '1', created: `>=${settled}` }).matchHeader('if-none-match', ETAG).reply(304, '');
    const fourth = harness({ store, deployments: DEPLOY });
    expect(await harvestWorkflowRuns(fourth.ctx)).toBe(0);
    expect(fourth.client.requests).toBe(1);
  });
});

describe('deploymentsFromMerges', () => {
  it('makes every PR merged into the default branch a deployment of its merged commit at merge time, with no request', async () => {
    const { ctx, client, store } = harness({ deployments: { from: 'merges' } });
    upsertPullRequests(store, [
      pullRequest(1, { merged: '2026-11-03T12:00:00Z', mergeCommitSha: sha('a3') }),
      pullRequest(2, { merged: '2026-11-04T12:00:00Z', mergeCommitSha: sha('e2'), baseBranch: 'release/1.x' }),
      pullRequest(3, {}),
    ]);

    expect(await deploymentsFromMerges(ctx)).toBe(1);
    expect(client.requests).toBe(0);
    expect([...deploymentsOf(store).values()]).toEqual([
      success('merge:1', 'merges', sha('a3'), '2026-11-03T12:00:00Z', { url: 'https://github.com/acme/shop/pull/1' }),
    ]);
    // Idempotent.
    await deploymentsFromMerges(ctx);
    expect(deploymentsOf(store).size).toBe(1);
  });
});
