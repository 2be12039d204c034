import { describe, expect, it } from 'vitest';
import { createGitLabClient } from '../../../src/sources/gitlab/client.js';
import { ForgeError } from '../../../src/util/errors.js';

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

describe('GitLab client (our request handler under gitbeaker)', () => {
  it('pages by Link when a proxy stripped x-next-page', async () => {
    const fetch = async () =>
      json(200, [{ iid: 1 }], { link: '<https://gitlab.example.com/api/v4/projects/42/issues?page=2&per_page=100>; rel="next"' });
    const client = createGitLabClient({ host: 'https://gitlab.example.com', token: 'glpat-test', fetch: fetch as typeof globalThis.fetch, retryUnitMs: 1 });
    const page = (await client.api.Issues.all({ projectId: 42, perPage: 100, page: 1, maxPages: 1, showExpanded: true } as never)) as unknown as {
      paginationInfo: { next: number | null };
    };
    expect(page.paginationInfo.next).toBe(2);
  });

  it('waits Retry-After on a 429, counts both attempts, and names the endpoint when retries run out', async () => {
    const started: number[] = [];
    const fetch = async () => {
      started.push(Date.now());
      return json(429, { message: '429 Too Many Requests' }, { 'retry-after': '40' });
    };
    const client = createGitLabClient({ host: 'https://gitlab.example.com', token: 'glpat-SECRET', fetch: fetch as typeof globalThis.fetch, retryUnitMs: 1, maxRetries: 1 });
    const error = await client.api.Projects.show('acme/payments').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ForgeError);
    expect((error as Error).message).toBe('GET /api/v4/projects/acme%2Fpayments answered 429: 429 Too Many Requests');
    expect((error as Error).message).not.toContain('glpat-SECRET');
    expect(client.requests).toBe(2);
    // 40 s of Retry-After at 1 ms a second.
    expect(started[1]! - started[0]!).toBeGreaterThanOrEqual(39);
  });

  it('without Retry-After, waits until RateLimit-Reset on a 429, then goes on', async () => {
    const started: number[] = [];
    const reset = Math.ceil(Date.now() / 1000) + 30;
    const answers = [
      json(429, { message: '429 Too Many Requests' }, { 'ratelimit-limit': '2000', 'ratelimit-remaining': '0', 'ratelimit-reset': String(reset) }),
      json(200, { id: 42, path_with_namespace: 'acme/payments', default_branch: 'main', web_url: 'https://gitlab.example.com/acme/payments' }),
    ];
    const fetch = async () => {
      started.push(Date.now());
      return answers.shift()!;
    };
    const client = createGitLabClient({ host: 'https://gitlab.example.com', token: 'glpat-test', fetch: fetch as typeof globalThis.fetch, retryUnitMs: 1 });
    const project = (await client.api.Projects.show('acme/payments')) as { id: number };
    expect(project.id).toBe(42);
    expect(client.requests).toBe(2);
    // About 30 s until the reset, plus one, at 1 ms a second.
    expect(started[1]! - started[0]!).toBeGreaterThanOrEqual(25);
  });
});
