import { writeFileSync } from 'node:fs';
import path from 'node:path';
import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { GITHUB_API, SENTINEL_TOKEN, useNock } from '../helpers/github.js';
import { runCli } from '../helpers/run-cli.js';
import { tempDir } from '../helpers/store.js';

useNock();

function setup() {
  const cwd = tempDir();
  writeFileSync(
    path.join(cwd, 'dorametrics.config.json'),
    JSON.stringify({ sources: [{ type: 'github', repo: 'acme/shop' }, { type: 'gitlab', project: 'acme/payments' }] }),
  );
  return cwd;
}

const rateLimit = {
  resources: {
    core: { limit: 5000, used: 12, remaining: 4988, reset: 1796040000 },
    graphql: { limit: 5000, used: 0, remaining: 5000, reset: 1796040000 },
  },
  rate: { limit: 5000, used: 12, remaining: 4988, reset: 1796040000 },
};

describe('dorametrics doctor', () => {
  it('checks token, identity, rate limit, reachability and store, never printing the token', async () => {
    const cwd = setup();
    nock(GITHUB_API).get('/rate_limit').reply(200, rateLimit);
    nock(GITHUB_API).get('/user').reply(200, { login: 'octocat', id: 1, type: 'User' });
    nock(GITHUB_API).get('/repos/acme/shop').reply(200, { full_name: 'acme/shop', default_branch: 'main', html_url: 'https://github.com/acme/shop' });
    const result = await runCli(['doctor'], { cwd, env: { GITHUB_TOKEN: SENTINEL_TOKEN, GITLAB_TOKEN: 'glpat-sentinel' } });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('✓ github:acme/shop: GITHUB_TOKEN is set');
    expect(result.stdout).toContain('rate limit 4988/5000 REST, 5000/5000 GraphQL');
    expect(result.stdout).toContain('token belongs to octocat');
    expect(result.stdout).toContain('reachable, default branch main');
    expect(result.stdout).toContain('store: none yet');
    expect(result.stdout + result.stderr).not.toContain(SENTINEL_TOKEN);
    expect(result.stdout + result.stderr).not.toContain('glpat-sentinel');
  });

  it('a missing token or a refused one fails the check with exit 3', async () => {
    const cwd = setup();
    const missing = await runCli(['doctor'], { cwd, env: {} });
    expect(missing.code).toBe(3);
    expect(missing.stdout).toContain('✗ github:acme/shop: GITHUB_TOKEN is not set');

    nock(GITHUB_API).get('/rate_limit').reply(401, { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest' });
    const refused = await runCli(['doctor'], { cwd, env: { GITHUB_TOKEN: SENTINEL_TOKEN } });
    expect(refused.code).toBe(3);
    expect(refused.stdout).toContain('✗ GET https://api.github.com/rate_limit answered 401: Bad credentials');
    expect(refused.stdout + refused.stderr).not.toContain(SENTINEL_TOKEN);
  });
});
