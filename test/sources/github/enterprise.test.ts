import { describe, expect, it } from 'vitest';
import { createFakeGitHub } from '../../../scripts/fake-github.js';
import { configSchema } from '../../../src/config/schema.js';
import { createGitHubHarvester } from '../../../src/sources/github/index.js';
import type { ProgressEvent } from '../../../src/sources/types.js';
import { closeStore, getRepository, openStore } from '../../../src/store/index.js';
import { SENTINEL_TOKEN } from '../../helpers/github.js';
import { tempStorePath } from '../../helpers/store.js';

const oid = (n: number) => String(n).padStart(40, 'a');

describe('GitHub Enterprise Server', () => {
  it('uses REST at https://HOST/api/v3 and GraphQL at https://HOST/api/graphql, and reports progress per page', async () => {
    const baseUrl = 'https://ghe.acme.test/api/v3';
    const fake = createFakeGitHub(
      {
        'platform/shop': {
          head: oid(2),
          commits: [
            { oid: oid(1), parents: [], authoredDate: '2026-11-01T00:00:00Z' },
            { oid: oid(2), parents: [oid(1)], authoredDate: '2026-11-02T00:00:00Z' },
          ],
          pullRequests: [],
          deployments: [{ databaseId: 1, sha: oid(2), environment: 'production', createdAt: '2026-11-02T01:00:00Z', statuses: [{ state: 'success', createdAt: '2026-11-02T01:05:00Z' }] }],
          issues: [],
        },
      },
      { baseUrl },
    );
    const urls: string[] = [];
    const recordingFetch: typeof fetch = async (input, init) => {
      urls.push(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
      return fake.fetch(input as string, init);
    };
    const config = configSchema.parse({ sources: [{ type: 'github', repo: 'platform/shop', baseUrl }] }).sources[0]!;
    const events: ProgressEvent[] = [];
    const store = openStore(tempStorePath());
    try {
      const report = await createGitHubHarvester(config as never, { token: SENTINEL_TOKEN, fetch: recordingFetch, retryUnitMs: 1 }).harvest(store, {
        full: false, since: null, now: new Date('2026-11-29T00:00:00Z'), progress: (event) => events.push(event),
      });
      expect(report.items).toMatchObject({ commits: 2, deployments: 1 });
      expect(getRepository(store, 'github:platform/shop')).toMatchObject({ defaultBranch: 'main' });
    } finally {
      closeStore(store);
    }
    expect(new Set(urls.map((url) => new URL(url).origin + new URL(url).pathname.replace(/\/repos\/.*/, '/repos/…')))).toEqual(
      new Set(['https://ghe.acme.test/api/v3/repos/…', 'https://ghe.acme.test/api/graphql']),
    );
    expect(events.map((e) => [e.resource, e.pages, e.items])).toContainEqual(['deployments', 1, 1]);
    expect(events.every((e) => e.source === 'github:platform/shop' && e.rateLimitRemaining === 4990)).toBe(true);
  });
});
