import { describe, expect, it } from 'vitest';
import { createFakeGitLab, type FakeGitLabProject } from '../../../scripts/fake-gitlab.js';
import { sourceSchema } from '../../../src/config/schema.js';
import type { GitLabSourceConfig } from '../../../src/sources/gitlab/context.js';
import { createGitLabHarvester } from '../../../src/sources/gitlab/index.js';
import type { HarvestOptions } from '../../../src/sources/types.js';
import { closeStore, openStore } from '../../../src/store/index.js';
import { GITLAB_SENTINEL_TOKEN } from '../../helpers/gitlab.js';
import { dyingFetch, storeDump } from '../../helpers/resume.js';
import { tempStorePath } from '../../helpers/store.js';

const sha = (n: number) => n.toString(16).padStart(40, 'c');
const iso = (minutes: number) => new Date(Date.parse('2026-11-01T00:00:00Z') + minutes * 60_000).toISOString();
const dev = (i: number) => ({ id: 100 + (i % 7), username: `dev${i % 7}` });

/**
 * A project with three pages of history, one page of five MRs (each costing its commits and
 * notes), two pages of deployments and two of incidents. It is named by its numeric id, so
 * the harvest also resolves its path each time.
 */
function project(): FakeGitLabProject {
  const commits = Array.from({ length: 230 }, (_, i) => ({ id: sha(i + 1), parent_ids: i === 0 ? [] : [sha(i)], authored_date: iso(i * 10) }));
  return {
    id: 42,
    branches: { main: sha(230) },
    commits,
    mergeRequests: Array.from({ length: 5 }, (_, i) => ({
      iid: i + 1, state: 'merged' as const, author: dev(i), created_at: iso(i * 400), updated_at: iso(i * 400 + 5), merged_at: iso(i * 400 + 5),
      sha: sha(i * 40 + 2), merge_commit_sha: sha(i * 40 + 3), commits: [sha(i * 40 + 2)],
      notes: [{ id: 500 + i, body: 'LGTM', author: dev(i + 1), created_at: iso(i * 400 + 2) }],
    })),
    environments: [{ id: 1, name: 'production', tier: 'production' }],
    deployments: Array.from({ length: 120 }, (_, i) => ({
      id: i + 1, environment: 'production', sha: sha(i + 2), ref: 'main', status: 'success' as const,
      created_at: iso(i * 19), updated_at: iso(i * 19 + 1), finished_at: iso(i * 19 + 1),
    })),
    issues: Array.from({ length: 130 }, (_, i) => ({
      iid: 1000 + i, title: `Incident ${i}`, issue_type: 'incident' as const, created_at: iso(i * 17), updated_at: iso(i * 17 + 3),
      closed_at: i % 3 === 0 ? null : iso(i * 17 + 3),
    })),
  };
}

const config = sourceSchema.parse({
  type: 'gitlab',
  project: 42,
  deployments: { from: 'deployments', environments: ['production'] },
  incidents: { from: 'incidents' },
}) as GitLabSourceConfig;

const options: HarvestOptions = { full: false, since: null, now: new Date('2026-12-05T12:00:00Z'), progress: () => {} };

async function sync(path: string, fetchImpl: typeof fetch): Promise<number> {
  const store = openStore(path);
  try {
    const harvester = createGitLabHarvester(config, { token: GITLAB_SENTINEL_TOKEN, fetch: fetchImpl, retryUnitMs: 1 });
    return (await harvester.harvest(store, options)).requests;
  } finally {
    closeStore(store);
  }
}

describe('SPEC §7 on GitLab: a sync stopped at any request, then run again, ends exactly like one uninterrupted sync', () => {
  it('for every request of the first sync', async () => {
    const reference = tempStorePath();
    const requests = await sync(reference, createFakeGitLab({ 'acme/payments': project() }).fetch);
    // project 1, history ⌈230/100⌉ = 3, MRs 1 + 5 × (commits + notes) = 11, deployments
    // ⌈120/100⌉ = 2 (the configured environment: no tier lookup), incidents ⌈130/100⌉ = 2.
    expect(requests).toBe(19);
    const expected = storeDump(reference);

    for (let failAt = 1; failAt <= requests; failAt++) {
      const path = tempStorePath();
      const fake = createFakeGitLab({ 'acme/payments': project() });
      await expect(sync(path, dyingFetch(fake, failAt, '401 Unauthorized'))).rejects.toThrow(/answered 401/);
      await sync(path, fake.fetch);
      expect(storeDump(path), `stopped at request ${failAt}`).toEqual(expected);
    }
  });
});
