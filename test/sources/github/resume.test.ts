import { describe, expect, it } from 'vitest';
import { createFakeGitHub, type FakeRepository } from '../../../scripts/fake-github.js';
import { configSchema } from '../../../src/config/schema.js';
import { createGitHubHarvester } from '../../../src/sources/github/index.js';
import type { HarvestOptions } from '../../../src/sources/types.js';
import { closeStore, openStore } from '../../../src/store/index.js';
import { SENTINEL_TOKEN } from '../../helpers/github.js';
import { dyingFetch, storeDump } from '../../helpers/resume.js';
import { tempStorePath } from '../../helpers/store.js';

const sha = (n: number) => n.toString(16).padStart(40, 'c');
const iso = (minutes: number) => new Date(Date.parse('2026-11-01T00:00:00Z') + minutes * 60_000).toISOString().replace('.000', '');

/** A repository with three pages of history and PRs, two of deployments, two of incidents. */
function repository(): FakeRepository {
  const commits = Array.from({ length: 230 }, (_, i) => ({ oid: sha(i + 1), parents: i === 0 ? [] : [sha(i)], authoredDate: iso(i * 10), committedDate: iso(i * 10) }));
  return {
    head: sha(230),
    commits,
    pullRequests: Array.from({ length: 210 }, (_, i) => ({
      number: i + 1, author: `dev${i % 7}`, createdAt: iso(i * 10), updatedAt: iso(i * 10 + 5), mergedAt: iso(i * 10 + 5),
      mergeCommit: sha(i + 2), commits: [{ oid: sha(10_000 + i), authoredDate: iso(i * 10 - 30) }],
    })),
    deployments: Array.from({ length: 120 }, (_, i) => ({
      databaseId: i + 1, sha: sha(i + 2), environment: 'production', createdAt: iso(i * 19),
      statuses: [{ state: 'success', createdAt: iso(i * 19 + 1) }],
    })),
    issues: Array.from({ length: 130 }, (_, i) => ({
      number: 1000 + i, title: `Incident ${i}`, labels: ['incident'], createdAt: iso(i * 17), updatedAt: iso(i * 17 + 3),
      closedAt: i % 3 === 0 ? null : iso(i * 17 + 3),
    })),
  };
}

const config = configSchema.parse({
  sources: [{ type: 'github', repo: 'acme/shop', incidents: { from: 'issues', labels: ['incident'] } }],
}).sources[0] as Extract<ReturnType<typeof configSchema.parse>['sources'][number], { type: 'github' }>;

const options: HarvestOptions = { full: false, since: null, now: new Date('2026-11-29T12:00:00Z'), progress: () => {} };

async function sync(path: string, fetchImpl: typeof fetch): Promise<number> {
  const store = openStore(path);
  try {
    const report = await createGitHubHarvester(config, { token: SENTINEL_TOKEN, fetch: fetchImpl, retryUnitMs: 1 }).harvest(store, options);
    return report.requests;
  } finally {
    closeStore(store);
  }
}

describe('SPEC §7: a sync stopped at any request, then run again, ends exactly like one uninterrupted sync', () => {
  it('for every request of the first sync', async () => {
    const reference = tempStorePath();
    const fake = createFakeGitHub({ 'acme/shop': repository() });
    const requests = await sync(reference, fake.fetch);
    // repository 1, history ⌈230/100⌉ = 3, PRs ⌈210/100⌉ = 3, deployments ⌈120/100⌉ = 2, incidents ⌈130/100⌉ = 2.
    expect(requests).toBe(11);
    const expected = storeDump(reference);

    for (let failAt = 1; failAt <= requests; failAt++) {
      const path = tempStorePath();
      const interrupted = createFakeGitHub({ 'acme/shop': repository() });
      await expect(sync(path, dyingFetch(interrupted, failAt, 'Bad credentials'))).rejects.toThrow(/answered 401/);
      await sync(path, interrupted.fetch);
      expect(storeDump(path), `stopped at request ${failAt}`).toEqual(expected);
    }
  });
});

