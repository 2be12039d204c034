import { readFileSync } from 'node:fs';
import nock from 'nock';
import { describe, expect, it } from 'vitest';
import type { Incident } from '../../../src/domain/types.js';
import { harvestIncidentIssues, nextLink } from '../../../src/sources/github/incidents.js';
import { getSyncState, listSyncStates, loadFacts, type Store } from '../../../src/store/index.js';
import { ForgeError } from '../../../src/util/errors.js';
import { GITHUB_API, SENTINEL_TOKEN, githubHarness, useNock } from '../../helpers/github.js';
import { tempStorePath } from '../../helpers/store.js';

useNock();

const REPO = 'github:acme/shop';
const ETAG_INCIDENT = 'W/"7a3c5e0f1b2d4c6e8a9b0c1d2e3f4a5b"';
const ETAG_OUTAGE = 'W/"0f9e8d7c6b5a49382716f5e4d3c2b1a0"';
const ETAG_INCIDENT_CLOSED = 'W/"5d41402abc4b2a76b9719d911017c592"';
const PAGE_2 =
  'https://api.github.com/repositories/1296269/issues?state=all&labels=incident&sort=updated&direction=desc&per_page=100&page=2';

function fixture(scenario: string, file: string): nock.Body {
  return JSON.parse(readFileSync(new URL(`../../../fixtures/github/${scenario}/${file}`, import.meta.url), 'utf8'));
}

/** The issues list of one label, as the harvester asks for it (`since` on a re-sync). */
function issuesList(label: string, options: { since?: string; ifNoneMatch?: string } = {}) {
  const scope = options.ifNoneMatch
    ? nock(GITHUB_API).matchHeader('if-none-match', options.ifNoneMatch)
    : nock(GITHUB_API, { badheaders: ['if-none-match'] });
  return scope.get('/repos/acme/shop/issues').query({
    state: 'all',
    labels: label,
    sort: 'updated',
    direction: 'desc',
    per_page: '100',
    ...(options.since ? { since: options.since } : {}),
  });
}

/** The first sync of the two-labels scenario: three requests. */
function serveTwoLabels(): void {
  issuesList('incident').reply(200, fixture('incident-issues-two-labels', 'incident-page-1.json'), {
    etag: ETAG_INCIDENT,
    link: `<${PAGE_2}>; rel="next", <${PAGE_2}>; rel="last"`,
  });
  nock(GITHUB_API, { badheaders: ['if-none-match'] })
    .get('/repositories/1296269/issues')
    .query({ state: 'all', labels: 'incident', sort: 'updated', direction: 'desc', per_page: '100', page: '2' })
    .reply(200, fixture('incident-issues-two-labels', 'incident-page-2.json'), {
      etag: 'W/"page-2"',
      link: '<https://api.github.com/repositories/1296269/issues?state=all&labels=incident&sort=updated&direction=desc&per_page=100&page=1>; rel="prev", <https://api.github.com/repositories/1296269/issues?state=all&labels=incident&sort=updated&direction=desc&per_page=100&page=1>; rel="first"',
    });
  issuesList('outage').reply(200, fixture('incident-issues-two-labels', 'outage-page-1.json'), { etag: ETAG_OUTAGE });
}

/** A harvest context for acme/shop with incident labels `incident` and `outage` (on a temporary store unless given). */
function harness(storePath?: string) {
  return githubHarness({
    storePath,
    config: { incidents: { from: 'issues', labels: ['incident', 'outage'] } },
    options: { now: new Date('2026-03-14T00:00:00Z') },
  });
}

const incidents = (store: Store) => loadFacts(store).incidents;
const incident = (store: Store, number: number): Incident => incidents(store).find((i) => i.id === `${REPO}:incident:issue:${number}`)!;
const at = (iso: string) => Date.parse(iso);

describe('harvestIncidentIssues', () => {
  it('lists each label separately, drops pull requests and writes an issue with both labels once', async () => {
    const h = harness();
    serveTwoLabels();
    const written = await harvestIncidentIssues(h.ctx);

    expect(h.client.requests).toBe(3);
    expect(written).toBe(4);
    expect(h.progress).toEqual([
      ['incidents', 1, 2],
      ['incidents', 2, 3],
      ['incidents', 3, 4],
    ]);
    expect(incidents(h.store).map((i) => i.id).sort()).toEqual([
      `${REPO}:incident:issue:11`,
      `${REPO}:incident:issue:15`,
      `${REPO}:incident:issue:18`,
      `${REPO}:incident:issue:21`,
    ]);
    expect(incident(h.store, 21)).toEqual({
      id: `${REPO}:incident:issue:21`,
      repoId: REPO,
      title: 'Checkout answers 500 for EU customers',
      body: 'Root cause: 3f2c9a1 (VAT rounding).',
      source: 'issues',
      createdAt: at('2026-03-12T07:40:00Z'),
      resolvedAt: null,
      severity: 'high',
      url: 'https://github.com/acme/shop/issues/21',
    });
    expect(incident(h.store, 15)).toMatchObject({ resolvedAt: at('2026-03-09T19:30:00Z'), severity: null });
    // A null body is an empty one; `SEV2` is a severity label.
    expect(incident(h.store, 11)).toMatchObject({ body: '', severity: 'SEV2', resolvedAt: at('2026-02-20T15:00:00Z') });

    expect(getSyncState(h.store, REPO, 'incidents:incident')).toMatchObject({
      cursor: null,
      highWater: '2026-03-12T08:00:00.000Z',
      pendingHighWater: null,
      etag: ETAG_INCIDENT,
    });
    expect(getSyncState(h.store, REPO, 'incidents:outage')).toMatchObject({
      cursor: null,
      highWater: '2026-03-09T19:30:00.000Z',
      etag: ETAG_OUTAGE,
    });
    h.close();
  });

  it('re-syncs with If-None-Match and since: a 304 for each label changes nothing', async () => {
    const h = harness();
    serveTwoLabels();
    await harvestIncidentIssues(h.ctx);
    const facts = incidents(h.store);
    const states = listSyncStates(h.store);
    const before = h.client.requests;

    const incidentList = issuesList('incident', { since: '2026-03-12T08:00:00Z', ifNoneMatch: ETAG_INCIDENT }).reply(304);
    const outageList = issuesList('outage', { since: '2026-03-09T19:30:00Z', ifNoneMatch: ETAG_OUTAGE }).reply(304);
    const written = await harvestIncidentIssues(h.ctx);

    expect(incidentList.isDone() && outageList.isDone()).toBe(true);
    expect(h.client.requests - before).toBe(2);
    expect(written).toBe(0);
    expect(incidents(h.store)).toEqual(facts);
    expect(listSyncStates(h.store)).toEqual(states);
    h.close();
  });

  it('picks up an incident closed since the last sync', async () => {
    const h = harness();
    serveTwoLabels();
    await harvestIncidentIssues(h.ctx);
    const before = h.client.requests;

    issuesList('incident', { since: '2026-03-12T08:00:00Z', ifNoneMatch: ETAG_INCIDENT }).reply(
      200,
      fixture('incident-issues-closed-on-resync', 'incident-page-1.json'),
      { etag: ETAG_INCIDENT_CLOSED },
    );
    issuesList('outage', { since: '2026-03-09T19:30:00Z', ifNoneMatch: ETAG_OUTAGE }).reply(304);
    const written = await harvestIncidentIssues(h.ctx);

    expect(h.client.requests - before).toBe(2);
    expect(written).toBe(1);
    expect(incident(h.store, 21)).toMatchObject({ resolvedAt: at('2026-03-13T06:10:00Z'), severity: 'high' });
    expect(incidents(h.store)).toHaveLength(4);
    expect(getSyncState(h.store, REPO, 'incidents:incident')).toMatchObject({
      highWater: '2026-03-13T06:10:00.000Z',
      etag: ETAG_INCIDENT_CLOSED,
    });
    h.close();
  });

  it('resumes an interrupted list at the stored next-page URL and ends as an uninterrupted sync', async () => {
    const reference = harness();
    serveTwoLabels();
    await harvestIncidentIssues(reference.ctx);
    const expected = incidents(reference.store);
    const expectedStates = listSyncStates(reference.store).map(({ updatedAt: _, ...state }) => state);
    reference.close();

    const storePath = tempStorePath();
    const first = harness(storePath);
    issuesList('incident').reply(200, fixture('incident-issues-two-labels', 'incident-page-1.json'), {
      etag: ETAG_INCIDENT,
      link: `<${PAGE_2}>; rel="next", <${PAGE_2}>; rel="last"`,
    });
    nock(GITHUB_API).get('/repositories/1296269/issues').query(true).reply(502, { message: 'Server Error' }).persist();
    const error = await harvestIncidentIssues(first.ctx).catch((e: unknown) => e);
    nock.cleanAll();
    expect(error).toBeInstanceOf(ForgeError);
    expect((error as ForgeError).message).toBe('GET /repos/acme/shop/issues?labels=incident answered 502: Server Error');
    expect(getSyncState(first.store, REPO, 'incidents:incident')).toMatchObject({
      cursor: PAGE_2,
      highWater: null,
      pendingHighWater: '2026-03-12T08:00:00.000Z',
      etag: ETAG_INCIDENT,
    });
    first.close();

    const second = harness(storePath);
    nock(GITHUB_API, { badheaders: ['if-none-match'] })
      .get('/repositories/1296269/issues')
      .query({ state: 'all', labels: 'incident', sort: 'updated', direction: 'desc', per_page: '100', page: '2' })
      .reply(200, fixture('incident-issues-two-labels', 'incident-page-2.json'));
    issuesList('outage').reply(200, fixture('incident-issues-two-labels', 'outage-page-1.json'), { etag: ETAG_OUTAGE });
    await harvestIncidentIssues(second.ctx);
    expect(second.client.requests).toBe(2);
    expect(incidents(second.store)).toEqual(expected);
    expect(listSyncStates(second.store).map(({ updatedAt: _, ...state }) => state)).toEqual(expectedStates);
    second.close();
  });

  it('with --full sends neither If-None-Match nor since', async () => {
    const h = harness();
    serveTwoLabels();
    await harvestIncidentIssues(h.ctx);
    serveTwoLabels();
    const written = await harvestIncidentIssues({ ...h.ctx, options: { ...h.ctx.options, full: true } });
    // Everything is read again; the four incidents are as the first read stored them: none is news.
    expect(written).toBe(0);
    expect(h.client.requests).toBe(6);
    h.close();
  });

  it('refuses to follow a next-page link to another host (the token goes only to the configured one)', async () => {
    const h = harness();
    issuesList('incident').reply(200, fixture('incident-issues-two-labels', 'incident-page-1.json'), {
      etag: ETAG_INCIDENT,
      link: '<https://attacker.example/repositories/1296269/issues?page=2>; rel="next"',
    });
    const error = await harvestIncidentIssues(h.ctx).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ForgeError);
    expect((error as ForgeError).message).toContain('the next page is on another host (attacker.example)');
    expect(h.client.requests).toBe(1);
    h.close();
  });

  it('waits out a secondary rate limit (403 with retry-after) and counts the retry', async () => {
    const h = harness();
    let attempts = 0;
    issuesList('incident').reply(() => {
      attempts++;
      return [
        403,
        {
          message:
            'You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID 8F2A:3B1C:1E7D4A2:1F0B6C3:66A1B2C3.',
          documentation_url: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits',
        },
        { 'retry-after': '60', 'x-ratelimit-remaining': '4990' },
      ];
    });
    issuesList('incident').reply(() => {
      attempts++;
      return [200, fixture('incident-issues-closed-on-resync', 'incident-page-1.json'), { etag: ETAG_INCIDENT_CLOSED }];
    });
    issuesList('outage').reply(() => {
      attempts++;
      return [200, [], { etag: ETAG_OUTAGE }];
    });
    const written = await harvestIncidentIssues(h.ctx);

    expect(written).toBe(1);
    expect(attempts).toBe(3);
    expect(h.client.requests, 'client.requests counts retries').toBe(3);
    h.close();
  });

  it('fails on a malformed payload naming the endpoint and the field, writing nothing', async () => {
    const h = harness();
    issuesList('incident').reply(200, fixture('incident-issues-malformed', 'incident-page-1.json'), { etag: ETAG_INCIDENT });
    const error = await harvestIncidentIssues(h.ctx).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ForgeError);
    expect((error as ForgeError).exitCode).toBe(3);
    expect((error as ForgeError).message).toMatch(/^GET \/repos\/acme\/shop\/issues\?labels=incident: unexpected payload at \[1\]\.created_at: /);
    expect(`${(error as Error).message}${(error as ForgeError).hint}${(error as Error).stack}`).not.toContain(SENTINEL_TOKEN);
    expect(incidents(h.store)).toEqual([]);
    expect(listSyncStates(h.store)).toEqual([]);
    h.close();
  });

  it('names the endpoint and status of a refused request, never the token', async () => {
    const h = harness();
    issuesList('incident').reply(401, { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest' });
    const error = await harvestIncidentIssues(h.ctx).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ForgeError);
    expect((error as ForgeError).message).toBe('GET /repos/acme/shop/issues?labels=incident answered 401: Bad credentials');
    expect(`${(error as Error).message}${(error as ForgeError).hint}${(error as Error).stack}`).not.toContain(SENTINEL_TOKEN);
    h.close();
  });
});

describe('nextLink', () => {
  it('finds rel="next" among the Link relations, or null on the last page', () => {
    expect(nextLink(`<${PAGE_2}>; rel="next", <${PAGE_2}>; rel="last"`)).toBe(PAGE_2);
    expect(nextLink('<https://api.github.com/x?page=1>; rel="prev", <https://api.github.com/x?page=1>; rel="first"')).toBeNull();
    expect(nextLink(undefined)).toBeNull();
  });
});
