import nock from 'nock';
import { describe, expect, it } from 'vitest';
import type { Incident } from '../../../src/domain/types.js';
import { harvestIncidents } from '../../../src/sources/gitlab/incidents.js';
import { getSyncState, loadFacts, type Store } from '../../../src/store/index.js';
import { ForgeError } from '../../../src/util/errors.js';
import { GITLAB_API_PATH, GITLAB_HOST, GITLAB_SENTINEL_TOKEN, gitlabFixture, gitlabHarness, gitlabPageHeaders, useNock } from '../../helpers/gitlab.js';

useNock();

const LIST = '/projects/42/issues';
const LIST_QUERY = { issue_type: 'incident', order_by: 'updated_at', sort: 'desc' };
const REPO = 'gitlab:acme/payments';
const WITH_INCIDENTS = { incidents: { from: 'incidents' } };

/** One page of the incidents list, as the harvester asks for it (with `updated_after` on a re-sync). */
function incidentList(page: number, updatedAfter?: string) {
  return nock(GITLAB_HOST)
    .get(`${GITLAB_API_PATH}${LIST}`)
    .query({ ...LIST_QUERY, per_page: '100', page: String(page), ...(updatedAfter ? { updated_after: updatedAfter } : {}) });
}

function listHeaders(page: number, totalPages: number, total: number) {
  return gitlabPageHeaders(LIST, LIST_QUERY, { page, totalPages, total });
}

function serveTwoPages(): void {
  incidentList(1).reply(200, gitlabFixture('incidents-two-pages', 'page-1.json'), listHeaders(1, 2, 4));
  incidentList(2).reply(200, gitlabFixture('incidents-two-pages', 'page-2.json'), listHeaders(2, 2, 4));
}

const incidents = (store: Store) => loadFacts(store).incidents;
const incident = (store: Store, iid: number): Incident => incidents(store).find((i) => i.id === `${REPO}:incident:issue:${iid}`)!;
const at = (iso: string) => Date.parse(iso);

describe('harvestIncidents', () => {
  it('reads issues of type incident, open and closed, in 2 requests, with severity from the field or a severity:: label', async () => {
    const h = gitlabHarness({ config: WITH_INCIDENTS });
    serveTwoPages();
    const written = await harvestIncidents(h.ctx);

    expect(written).toBe(4);
    expect(h.client.requests).toBe(2);
    expect(h.progress).toEqual([
      ['incidents', 1, 2],
      ['incidents', 2, 4],
    ]);
    expect(incident(h.store, 31)).toEqual({
      id: `${REPO}:incident:issue:31`,
      repoId: REPO,
      title: 'Card payments answer 502',
      body: 'Card payments fail since the 10:00 deploy.\n\nCaused by: !7',
      source: 'incidents',
      createdAt: at('2026-03-12T07:40:00Z'),
      resolvedAt: null,
      severity: 'high',
      url: 'https://gitlab.example.com/acme/payments/-/issues/incident/31',
    });
    // Closed; GitLab's default severity UNKNOWN gives way to the scoped label; no description.
    expect(incident(h.store, 30)).toMatchObject({ resolvedAt: at('2026-03-11T15:30:00Z'), severity: '2', body: '' });
    expect(incident(h.store, 28)).toMatchObject({ resolvedAt: at('2026-03-09T20:00:00Z'), severity: 'critical', body: 'Root cause: 1d8f0c3' });
    expect(incident(h.store, 27)).toMatchObject({ resolvedAt: at('2026-03-08T12:15:00Z'), severity: null });
    expect(getSyncState(h.store, REPO, 'incidents')).toMatchObject({ cursor: null, highWater: '2026-03-12T08:00:00.000Z', pendingHighWater: null });
    h.close();
  });

  it('re-syncs from the mark minus a minute in one request: the incident closed since and a new one', async () => {
    const h = gitlabHarness({ config: WITH_INCIDENTS });
    serveTwoPages();
    await harvestIncidents(h.ctx);
    const before = h.client.requests;

    incidentList(1, '2026-03-12T07:59:00.000Z').reply(200, gitlabFixture('incidents-incremental', 'page-1.json'), listHeaders(1, 1, 2));
    expect(await harvestIncidents(h.ctx)).toBe(2);
    expect(h.client.requests - before).toBe(1);
    expect(incident(h.store, 31)).toMatchObject({ resolvedAt: at('2026-03-13T09:00:00Z'), severity: 'high' });
    expect(incident(h.store, 32)).toMatchObject({ resolvedAt: null, severity: 'medium', createdAt: at('2026-03-13T10:00:00Z') });
    expect(incidents(h.store)).toHaveLength(5);
    expect(getSyncState(h.store, REPO, 'incidents')!.highWater).toBe('2026-03-13T10:05:00.000Z');
    h.close();
  });

  it('reads nothing when the source has no incident source', async () => {
    const h = gitlabHarness();
    expect(await harvestIncidents(h.ctx)).toBe(0);
    expect(h.client.requests).toBe(0);
    h.close();
  });

  it('fails on a 401 with exit 3 and the endpoint, never the token', async () => {
    const h = gitlabHarness({ config: WITH_INCIDENTS });
    incidentList(1).reply(401, { message: '401 Unauthorized' });
    const error = await harvestIncidents(h.ctx).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ForgeError);
    expect((error as ForgeError).exitCode).toBe(3);
    expect((error as ForgeError).message).toBe('GET /api/v4/projects/42/issues answered 401: 401 Unauthorized');
    expect(`${(error as ForgeError).message} ${(error as ForgeError).hint} ${(error as ForgeError).stack}`).not.toContain(GITLAB_SENTINEL_TOKEN);
    expect(incidents(h.store)).toEqual([]);
    h.close();
  });

  it('fails on a malformed payload with the endpoint and the field path, writing nothing', async () => {
    const h = gitlabHarness({ config: WITH_INCIDENTS });
    incidentList(1).reply(200, gitlabFixture('incidents-malformed', 'page-1.json'), listHeaders(1, 1, 2));
    const error = await harvestIncidents(h.ctx).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ForgeError);
    expect((error as ForgeError).message).toMatch(/^GET \/api\/v4\/projects\/42\/issues: unexpected payload at \[1\]\.state: /);
    expect(incidents(h.store)).toEqual([]);
    expect(getSyncState(h.store, REPO, 'incidents')).toBeNull();
    h.close();
  });
});
