import nock from 'nock';
import { describe, expect, it } from 'vitest';
import type { Deployment } from '../../../src/domain/types.js';
import { successfulAt } from '../../../src/metrics/deployments.js';
import { harvestDeployments } from '../../../src/sources/gitlab/deployments.js';
import { getSyncState, loadFacts, type Store } from '../../../src/store/index.js';
import { ForgeError } from '../../../src/util/errors.js';
import { GITLAB_API_PATH, GITLAB_HOST, GITLAB_SENTINEL_TOKEN, gitlabFixture, gitlabHarness, gitlabPageHeaders, useNock } from '../../helpers/gitlab.js';
import { tempStorePath } from '../../helpers/store.js';

useNock();

const LIST = '/projects/42/deployments';
const ENVIRONMENTS = '/projects/42/environments';
const REPO = 'gitlab:acme/payments';
const BEGINNING = '1970-01-01T00:00:00.000Z';

/** One page of the deployments list: always `updated_after` with `order_by=updated_at`, as GitLab requires. */
function deploymentList(page: number, updatedAfter = BEGINNING) {
  return nock(GITLAB_HOST)
    .get(`${GITLAB_API_PATH}${LIST}`)
    .query({ order_by: 'updated_at', sort: 'desc', updated_after: updatedAfter, per_page: '100', page: String(page) });
}

function listHeaders(page: number, totalPages: number, total: number, updatedAfter = BEGINNING) {
  return gitlabPageHeaders(LIST, { order_by: 'updated_at', sort: 'desc', updated_after: updatedAfter }, { page, totalPages, total });
}

function environments(scenario: string) {
  return nock(GITLAB_HOST)
    .get(`${GITLAB_API_PATH}${ENVIRONMENTS}`)
    .query({ per_page: '100', page: '1' })
    .reply(200, gitlabFixture(scenario, 'environments.json'), gitlabPageHeaders(ENVIRONMENTS, {}, { page: 1, totalPages: 1, total: 4 }));
}

/** The first sync of deployments-two-pages: the environments once, two pages of deployments. */
function serveTwoPages(): void {
  deploymentList(1).reply(200, gitlabFixture('deployments-two-pages', 'page-1.json'), listHeaders(1, 2, 9));
  environments('deployments-two-pages');
  deploymentList(2).reply(200, gitlabFixture('deployments-two-pages', 'page-2.json'), listHeaders(2, 2, 9));
}

const deployments = (store: Store) => loadFacts(store).deployments;
const deployment = (store: Store, id: number): Deployment => deployments(store).find((d) => d.id === `${REPO}:deployment:${id}`)!;
const at = (iso: string) => Date.parse(iso);

interface DeploymentFixture {
  id: number;
  sha: string;
}
const shaOf = (scenario: string, file: string, id: number) =>
  (gitlabFixture(scenario, file) as unknown as DeploymentFixture[]).find((d) => d.id === id)!.sha;

describe('harvestDeployments', () => {
  it('keeps production by name or by tier, with GitLab’s status and the job’s finish time: 2 pages + 1 environments request', async () => {
    const h = gitlabHarness();
    serveTwoPages();
    const written = await harvestDeployments(h.ctx);

    // staging (103) and the review app (99) are left out.
    expect(written).toBe(7);
    expect(h.client.requests).toBe(2 + 1);
    expect(h.progress).toEqual([
      ['deployments', 1, 4],
      ['deployments', 2, 7],
    ]);
    expect(deployments(h.store).map((d) => [d.id.split(':').at(-1), d.environment, d.status])).toEqual([
      ['100', 'production', 'success'],
      ['101', 'production', 'success'],
      ['102', 'production', 'failed'],
      ['104', 'live-eu', 'success'],
      ['105', 'production', 'running'],
      ['106', 'production', 'success'],
      ['98', 'production', 'canceled'],
    ]);

    expect(deployment(h.store, 101)).toEqual({
      id: `${REPO}:deployment:101`,
      repoId: REPO,
      environment: 'production',
      tier: 'production',
      sha: shaOf('deployments-two-pages', 'page-2.json', 101),
      source: 'deployments',
      status: 'success',
      createdAt: at('2026-03-10T09:09:00Z'),
      // The job's finished_at, not the deployment's updated_at (SPEC §5.1).
      finishedAt: at('2026-03-10T09:10:10Z'),
      statuses: [],
      url: expect.stringMatching(/^https:\/\/gitlab\.example\.com\/acme\/payments\/-\/jobs\/\d+$/),
    });
    expect(successfulAt(deployment(h.store, 101))).toBe(at('2026-03-10T09:10:10Z'));
    // Another name, production tier: kept, with its tier for SPEC §5.1's environment match.
    expect(deployment(h.store, 104)).toMatchObject({ environment: 'live-eu', tier: 'production', finishedAt: at('2026-03-12T09:00:12Z') });
    // Created through the API: no job, so it finished when it was last updated.
    expect(deployment(h.store, 100)).toMatchObject({ status: 'success', finishedAt: at('2026-03-09T18:00:00Z'), url: null });
    // The rollback to deployment 100's sha is a deployment like any other.
    expect(deployment(h.store, 106).sha).toBe(deployment(h.store, 100).sha);
    // Failed, canceled and still running ones are stored, and none is successful.
    expect(successfulAt(deployment(h.store, 102))).toBeNull();
    expect(successfulAt(deployment(h.store, 98))).toBeNull();
    expect(deployment(h.store, 105)).toMatchObject({ status: 'running', finishedAt: at('2026-03-12T10:05:00Z') });
    expect(successfulAt(deployment(h.store, 105))).toBeNull();
    const ref = h.store.db.prepare('SELECT ref FROM deployments WHERE id = ?').pluck().get(`${REPO}:deployment:106`);
    expect(ref).toBe('main');

    expect(getSyncState(h.store, REPO, 'deployments')).toMatchObject({ cursor: null, highWater: '2026-03-12T11:00:40.000Z', pendingHighWater: null });
    h.close();
  });

  it('keeps the configured environment names, case-insensitively, besides the production tier', async () => {
    const h = gitlabHarness({ config: { deployments: { from: 'deployments', environments: ['Staging'] } } });
    serveTwoPages();
    await harvestDeployments(h.ctx);
    const kept = deployments(h.store).map((d) => d.environment);
    expect(new Set(kept)).toEqual(new Set(['production', 'live-eu', 'staging']));
    expect(deployment(h.store, 103)).toMatchObject({ environment: 'staging', tier: 'staging' });
    h.close();
  });

  it('re-syncs from the mark minus a minute: a finished deployment and a new one in 1 request; nothing new costs 1', async () => {
    const h = gitlabHarness();
    serveTwoPages();
    await harvestDeployments(h.ctx);
    const before = h.client.requests;

    // The mark was 11:00:40; GitLab is asked from 10:59:40.
    deploymentList(1, '2026-03-12T10:59:40.000Z').reply(200, gitlabFixture('deployments-incremental', 'page-1.json'), listHeaders(1, 1, 3, '2026-03-12T10:59:40.000Z'));
    expect(await harvestDeployments(h.ctx)).toBe(3);
    // All three go to `production`, which the config names: no tier to look up.
    expect(h.client.requests - before).toBe(1);
    // Running at the last sync, successful since.
    expect(deployment(h.store, 105)).toMatchObject({ status: 'success', finishedAt: at('2026-03-12T11:20:01Z') });
    expect(deployment(h.store, 107)).toMatchObject({ status: 'success', sha: shaOf('deployments-incremental', 'page-1.json', 107) });
    expect(deployments(h.store)).toHaveLength(8);
    expect(getSyncState(h.store, REPO, 'deployments')!.highWater).toBe('2026-03-13T09:00:20.000Z');

    const second = h.client.requests;
    deploymentList(1, '2026-03-13T08:59:20.000Z').reply(200, [], listHeaders(1, 1, 0, '2026-03-13T08:59:20.000Z'));
    expect(await harvestDeployments(h.ctx)).toBe(0);
    // The environments are only read when there is a deployment to decide about.
    expect(h.client.requests - second).toBe(1);
    h.close();
  });

  it('resumes an interrupted traversal at the stored page and ends like an uninterrupted one', async () => {
    const reference = gitlabHarness();
    serveTwoPages();
    await harvestDeployments(reference.ctx);
    const expected = deployments(reference.store);
    reference.close();

    const storePath = tempStorePath();
    const first = gitlabHarness({ storePath });
    deploymentList(1).reply(200, gitlabFixture('deployments-two-pages', 'page-1.json'), listHeaders(1, 2, 9));
    environments('deployments-two-pages');
    deploymentList(2).reply(401, { message: '401 Unauthorized' });
    const error = await harvestDeployments(first.ctx).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ForgeError);
    expect((error as ForgeError).message).toBe('GET /api/v4/projects/42/deployments answered 401: 401 Unauthorized');
    expect(`${(error as ForgeError).message} ${(error as ForgeError).hint}`).not.toContain(GITLAB_SENTINEL_TOKEN);
    expect(getSyncState(first.store, REPO, 'deployments')).toMatchObject({ cursor: '2', highWater: null, pendingHighWater: '2026-03-12T11:00:40.000Z' });
    first.close();

    // The resumed run reads page 2 and, having deployments to decide about, the environments.
    const second = gitlabHarness({ storePath });
    deploymentList(2).reply(200, gitlabFixture('deployments-two-pages', 'page-2.json'), listHeaders(2, 2, 9));
    environments('deployments-two-pages');
    await harvestDeployments(second.ctx);
    expect(second.client.requests).toBe(2);
    expect(deployments(second.store)).toEqual(expected);
    expect(getSyncState(second.store, REPO, 'deployments')).toMatchObject({ cursor: null, highWater: '2026-03-12T11:00:40.000Z', pendingHighWater: null });
    second.close();
  });

  it('retries a 502 from the environments list and counts both attempts', async () => {
    const h = gitlabHarness();
    deploymentList(1).reply(200, gitlabFixture('deployments-two-pages', 'page-2.json'), listHeaders(1, 1, 4));
    nock(GITLAB_HOST).get(`${GITLAB_API_PATH}${ENVIRONMENTS}`).query({ per_page: '100', page: '1' }).reply(502, { message: '502 Bad Gateway' });
    environments('deployments-two-pages');
    expect(await harvestDeployments(h.ctx)).toBe(3);
    expect(h.client.requests).toBe(1 + 2);
    h.close();
  });

  it('fails on a malformed payload with the endpoint and the field path, writing nothing', async () => {
    const h = gitlabHarness();
    const page = gitlabFixture('deployments-two-pages', 'page-1.json') as unknown as Array<Record<string, unknown>>;
    const broken = page.map((item, index) => (index === 2 ? { ...item, environment: null } : item));
    deploymentList(1).reply(200, broken, listHeaders(1, 1, 5));
    const error = await harvestDeployments(h.ctx).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ForgeError);
    expect((error as ForgeError).exitCode).toBe(3);
    expect((error as ForgeError).message).toMatch(/^GET \/api\/v4\/projects\/42\/deployments: unexpected payload at \[2\]\.environment: /);
    expect(deployments(h.store)).toEqual([]);
    expect(getSyncState(h.store, REPO, 'deployments')).toBeNull();
    h.close();
  });
});
