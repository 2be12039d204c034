import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { ForgeError } from '../../../src/util/errors.js';
import { GITHUB_API, SENTINEL_TOKEN, testClient, useNock } from '../../helpers/github.js';

useNock();

// GitHub's answer when the primary rate limit is spent: 403 (or 429) with no requests left and
// the epoch second the window resets at.
function rateLimited(resetInSeconds: number) {
  const reset = Math.ceil(Date.now() / 1000) + resetInSeconds;
  return [
    403,
    {
      message: 'API rate limit exceeded for user ID 1. If you reach out to GitHub Support for help, please include the request ID 8F2A:3B1C:1E7D4A2:1F0B6C3:66A1B2C3.',
      documentation_url: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-the-primary-rate-limit',
    },
    { 'x-ratelimit-limit': '5000', 'x-ratelimit-remaining': '0', 'x-ratelimit-used': '5000', 'x-ratelimit-reset': String(reset), 'x-ratelimit-resource': 'core' },
  ] as const;
}

describe('GitHub client: the primary rate limit', () => {
  it('waits until x-ratelimit-reset, then retries, counting both attempts', async () => {
    nock(GITHUB_API).get('/repos/acme/shop').reply(...rateLimited(30));
    nock(GITHUB_API).get('/repos/acme/shop').reply(200, { id: 1296269, full_name: 'acme/shop', default_branch: 'main', html_url: 'https://github.com/acme/shop' });
    const client = testClient();
    const started = Date.now();
    const { data } = await client.octokit.request('GET /repos/{owner}/{repo}', { owner: 'acme', repo: 'shop' });
    expect(data.full_name).toBe('acme/shop');
    expect(client.requests).toBe(2);
    // About 30 s until the reset, at the tests' 1 ms a second.
    expect(Date.now() - started).toBeGreaterThanOrEqual(25);
  });

  it('gives up with exit 3 naming the endpoint when the limit outlasts the retry budget, never showing the token', async () => {
    nock(GITHUB_API).get('/repos/acme/shop').times(4).reply(...rateLimited(30));
    const client = testClient();
    const error = await client.octokit.request('GET /repos/{owner}/{repo}', { owner: 'acme', repo: 'shop' }).catch((e: unknown) => e);
    expect(client.requests).toBe(4); // the first attempt and three retries
    const { forgeError } = await import('../../../src/sources/github/client.js');
    const failure = forgeError('GET /repos/acme/shop', error);
    expect(failure).toBeInstanceOf(ForgeError);
    expect(failure.exitCode).toBe(3);
    expect(failure.message).toMatch(/^GET \/repos\/acme\/shop answered 403: API rate limit exceeded/);
    expect(failure.hint).toMatch(/^GitHub's rate limit for this token is spent until \d{4}-\d\d-\d\dT[\d:.]+Z; run sync again then, it resumes where it stopped$/);
    expect(failure.message + (failure.hint ?? '')).not.toContain(SENTINEL_TOKEN);
  });

  it('a network failure that outlasts the retries is exit 3 with the endpoint and a network hint', async () => {
    nock(GITHUB_API).get('/repos/acme/shop').times(4).replyWithError({ code: 'ECONNRESET', message: 'socket hang up' });
    const client = testClient();
    const error = await client.octokit.request('GET /repos/{owner}/{repo}', { owner: 'acme', repo: 'shop' }).catch((e: unknown) => e);
    const { forgeError } = await import('../../../src/sources/github/client.js');
    const failure = forgeError('GET /repos/acme/shop', error);
    expect(failure.exitCode).toBe(3);
    expect(failure.message).toBe('GET /repos/acme/shop: ECONNRESET');
    expect(failure.hint).toBe("check the network and the source's baseUrl");
  });
});
