import { readFileSync } from 'node:fs';
import nock from 'nock';
import { describe, expect, it } from 'vitest';
import type { Deployment } from '../../../src/domain/types.js';
import { successfulAt } from '../../../src/metrics/deployments.js';
import { DEPLOYMENT_REREAD_MARGIN_MS, harvestDeployments } from '../../../src/sources/github/deployments.js';
import { getSyncState, loadFacts, type Store } from '../../../src/store/index.js';
import { ForgeError } from '../../../src/util/errors.js';
import { GITHUB_API, SENTINEL_TOKEN, githubHarness, useNock } from '../../helpers/github.js';
import { tempStorePath } from '../../helpers/store.js';

useNock();

const REPO = 'github:acme/shop';
const ENVIRONMENTS = ['production', 'prod'];

function fixture(scenario: string, file: string): nock.Body {
  return JSON.parse(readFileSync(new URL(`../../../fixtures/github/${scenario}/${file}`, import.meta.url), 'utf8'));
}

interface GraphqlBody {
  query: string;
  variables: Record<string, unknown>;
}

/** Answers one `Deployments` query for the configured environments after `after`. */
function deploymentsQuery(after: string | null) {
  return nock(GITHUB_API).post(
    '/graphql',
    (body: GraphqlBody) =>
      body.query.includes('query Deployments(') &&
      body.variables.owner === 'acme' &&
      body.variables.name === 'shop' &&
      JSON.stringify(body.variables.environments) === JSON.stringify(ENVIRONMENTS) &&
      body.variables.after === after,
  );
}

/** A harvest context for acme/shop (production and prod) on a store at `storePath` (a temporary one unless given). */
function harness(storePath?: string, extra: { since?: number } = {}) {
  return githubHarness({
    storePath,
    config: { deployments: { from: 'deployments', environments: ENVIRONMENTS } },
    options: { since: extra.since, now: new Date('2026-03-14T00:00:00Z') },
  });
}

const deployments = (store: Store) => loadFacts(store).deployments;
const deployment = (store: Store, databaseId: number): Deployment =>
  deployments(store).find((d) => d.id === `${REPO}:deployment:${databaseId}`)!;
const at = (iso: string) => Date.parse(iso);

describe('harvestDeployments', () => {
  it('stores each deployment with its status history, oldest first, in one request', async () => {
    const h = harness();
    deploymentsQuery(null).reply(200, fixture('deployments-with-statuses', 'page-1.json'));
    const written = await harvestDeployments(h.ctx);

    expect(written).toBe(4);
    expect(h.client.requests).toBe(1);
    expect(h.progress).toEqual([['deployments', 1, 4]]);

    // success, then inactive when superseded: the final status is inactive, and SPEC §5.1
    // still counts it a success at the time of its success status.
    const superseded = deployment(h.store, 1002);
    expect(superseded).toMatchObject({
      environment: 'production',
      source: 'deployments',
      status: 'inactive',
      finishedAt: at('2026-03-11T09:00:00Z'),
      createdAt: at('2026-03-07T13:00:00Z'),
      sha: '0af512db00ba31fbe95ba696279fdf6ebeca4869',
    });
    expect(superseded.statuses).toEqual([
      { state: 'in_progress', at: at('2026-03-07T13:00:30Z') },
      { state: 'success', at: at('2026-03-07T13:05:00Z') },
      { state: 'inactive', at: at('2026-03-11T09:00:00Z') },
    ]);
    expect(successfulAt(superseded)).toBe(at('2026-03-07T13:05:00Z'));

    const failed = deployment(h.store, 1003);
    expect(failed).toMatchObject({ status: 'failure', finishedAt: at('2026-03-09T16:04:00Z') });
    expect(successfulAt(failed)).toBeNull();

    const running = deployment(h.store, 1004);
    expect(running).toMatchObject({ status: 'in_progress', finishedAt: at('2026-03-10T12:01:00Z') });
    expect(successfulAt(running)).toBeNull();

    // The second configured environment name is harvested too.
    expect(deployment(h.store, 1001)).toMatchObject({ environment: 'prod', status: 'success' });

    expect(getSyncState(h.store, REPO, 'deployments')).toMatchObject({
      cursor: null,
      highWater: '2026-03-10T12:00:00.000Z',
      pendingHighWater: null,
    });
    expect(h.warnings).toEqual([]);
    h.close();
  });

  it('re-syncs in one request, re-reading the deployments of the margin before the mark to learn how they ended', async () => {
    const h = harness();
    deploymentsQuery(null).reply(200, fixture('deployments-with-statuses', 'page-1.json'));
    await harvestDeployments(h.ctx);
    const before = h.client.requests;

    // The page goes on (hasNextPage), but 1001 was created more than the margin before the
    // mark: the traversal stops there.
    deploymentsQuery(null).reply(200, fixture('deployments-incremental', 'page-1.json'));
    await harvestDeployments(h.ctx);

    expect(h.client.requests - before).toBe(1);
    expect(deployments(h.store)).toHaveLength(5);
    expect(deployment(h.store, 1005)).toMatchObject({ status: 'success', finishedAt: at('2026-03-13T13:04:00Z') });
    // 1004 was in progress at the first sync and created before its mark: re-read, it succeeded.
    const finished = deployment(h.store, 1004);
    expect(finished.status).toBe('inactive');
    expect(successfulAt(finished)).toBe(at('2026-03-10T12:07:00Z'));
    expect(getSyncState(h.store, REPO, 'deployments')).toMatchObject({ cursor: null, highWater: '2026-03-13T13:00:00.000Z' });
    expect(DEPLOYMENT_REREAD_MARGIN_MS).toBe(7 * 86_400_000);
    h.close();
  });

  it('bounds a first harvest with --since by creation time', async () => {
    const h = harness(tempStorePath(), { since: at('2026-03-08T00:00:00Z') });
    deploymentsQuery(null).reply(200, fixture('deployments-two-pages', 'page-1.json'));
    deploymentsQuery('Y3Vyc29yOnYyOpK0MjAyNi0wMy0wOVQxNjowMDowMFrOAAAD6w==').reply(200, fixture('deployments-two-pages', 'page-2.json'));
    const written = await harvestDeployments(h.ctx);
    expect(h.client.requests).toBe(2);
    expect(written).toBe(2);
    expect(deployments(h.store).map((d) => d.id).sort()).toEqual([`${REPO}:deployment:1003`, `${REPO}:deployment:1004`]);
    h.close();
  });

  it('resumes an interrupted traversal at the stored cursor and ends as an uninterrupted one', async () => {
    const reference = harness();
    deploymentsQuery(null).reply(200, fixture('deployments-two-pages', 'page-1.json'));
    deploymentsQuery('Y3Vyc29yOnYyOpK0MjAyNi0wMy0wOVQxNjowMDowMFrOAAAD6w==').reply(200, fixture('deployments-two-pages', 'page-2.json'));
    await harvestDeployments(reference.ctx);
    const expected = deployments(reference.store);
    const expectedState = getSyncState(reference.store, REPO, 'deployments')!;
    reference.close();

    const storePath = tempStorePath();
    const first = harness(storePath);
    deploymentsQuery(null).reply(200, fixture('deployments-two-pages', 'page-1.json'));
    deploymentsQuery('Y3Vyc29yOnYyOpK0MjAyNi0wMy0wOVQxNjowMDowMFrOAAAD6w==').reply(401, { message: 'Bad credentials' });
    const error = await harvestDeployments(first.ctx).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ForgeError);
    expect((error as ForgeError).exitCode).toBe(3);
    expect((error as ForgeError).message).toBe('GitHub GraphQL Deployments answered 401: Bad credentials');
    expect(`${(error as Error).message}${(error as ForgeError).hint}${(error as Error).stack}`).not.toContain(SENTINEL_TOKEN);
    expect(getSyncState(first.store, REPO, 'deployments')).toMatchObject({
      cursor: 'Y3Vyc29yOnYyOpK0MjAyNi0wMy0wOVQxNjowMDowMFrOAAAD6w==',
      highWater: null,
      pendingHighWater: '2026-03-10T12:00:00.000Z',
    });
    first.close();

    const second = harness(storePath);
    deploymentsQuery('Y3Vyc29yOnYyOpK0MjAyNi0wMy0wOVQxNjowMDowMFrOAAAD6w==').reply(200, fixture('deployments-two-pages', 'page-2.json'));
    await harvestDeployments(second.ctx);
    expect(second.client.requests).toBe(1);
    expect(deployments(second.store)).toEqual(expected);
    expect(getSyncState(second.store, REPO, 'deployments')).toMatchObject({
      cursor: expectedState.cursor,
      highWater: expectedState.highWater,
      pendingHighWater: expectedState.pendingHighWater,
    });
    second.close();
  });

  it('fails on a malformed payload naming the field, writing nothing', async () => {
    const h = harness();
    deploymentsQuery(null).reply(200, fixture('deployments-malformed', 'page-1.json'));
    const error = await harvestDeployments(h.ctx).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ForgeError);
    expect((error as ForgeError).message).toMatch(
      /^GitHub GraphQL Deployments: unexpected payload at data\.repository\.deployments\.nodes\[0\]\.statuses\.nodes\[1\]\.state: /,
    );
    expect(deployments(h.store)).toEqual([]);
    expect(getSyncState(h.store, REPO, 'deployments')).toBeNull();
    h.close();
  });
});
