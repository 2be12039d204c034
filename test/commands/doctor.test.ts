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
    nock('https://gitlab.com').get('/api/v4/user').reply(200, { id: 7, username: 'jdoe' });
    nock('https://gitlab.com').get('/api/v4/projects/acme%2Fpayments').reply(200, { id: 42, default_branch: 'main' });
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

  it('names the new name of a repository GitHub answers through a redirect', async () => {
    const cwd = tempDir();
    writeFileSync(path.join(cwd, 'dorametrics.config.json'), JSON.stringify({ sources: [{ type: 'github', repo: 'acme/shop' }] }));
    nock(GITHUB_API).get('/rate_limit').reply(200, rateLimit);
    nock(GITHUB_API).get('/user').reply(200, { login: 'octocat', id: 1, type: 'User' });
    nock(GITHUB_API).get('/repos/acme/shop').reply(200, { id: 1296269, full_name: 'acme/store', default_branch: 'main', html_url: 'https://github.com/acme/store' });
    const result = await runCli(['doctor'], { cwd, env: { GITHUB_TOKEN: SENTINEL_TOKEN } });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('✓ github:acme/shop: reachable as acme/store (renamed or transferred: set "repo" to it), default branch main');
  });

  it('checks the config\'s thresholds as report will read them', async () => {
    const cwd = tempDir();
    writeFileSync(path.join(cwd, 'dorametrics.config.json'), JSON.stringify({ thresholds: ['leadTime.p50>2d', 'leadTime.p99>2d'] }));
    const result = await runCli(['doctor'], { cwd, env: {} });
    expect(result.code).toBe(3);
    expect(result.stdout).toContain('✓ config: 0 sources, timezone UTC\n✗ config: config thresholds[1] "leadTime.p99>2d": ');
  });

  it('a missing token or a refused one fails the check with exit 3', async () => {
    const cwd = setup();
    const missing = await runCli(['doctor'], { cwd, env: {} });
    expect(missing.stdout).toContain('✗ gitlab:acme/payments: GITLAB_TOKEN is not set');
    expect(missing.code).toBe(3);
    expect(missing.stdout).toContain('✗ github:acme/shop: GITHUB_TOKEN is not set');

    nock(GITHUB_API).get('/rate_limit').reply(401, { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest' });
    nock('https://gitlab.com').get('/api/v4/user').reply(401, { message: '401 Unauthorized' });
    const refused = await runCli(['doctor'], { cwd, env: { GITHUB_TOKEN: SENTINEL_TOKEN, GITLAB_TOKEN: 'glpat-sentinel' } });
    expect(refused.stdout).toContain('✗ GET /api/v4/user answered 401: 401 Unauthorized');
    expect(refused.code).toBe(3);
    expect(refused.stdout).toContain('✗ GET https://api.github.com/rate_limit answered 401: Bad credentials');
    expect(refused.stdout + refused.stderr).not.toContain(SENTINEL_TOKEN);
  });
});

describe('dorametrics doctor for GitLab', () => {
  it('checks the token owner and the project, never printing the token', async () => {
    const cwd = tempDir();
    writeFileSync(path.join(cwd, 'dorametrics.config.json'), JSON.stringify({ sources: [{ type: 'gitlab', project: 'acme/payments' }] }));
    nock('https://gitlab.com').get('/api/v4/user').reply(200, { id: 7, username: 'jdoe', name: 'J. Doe' });
    nock('https://gitlab.com')
      .get('/api/v4/projects/acme%2Fpayments')
      .reply(200, { id: 42, path_with_namespace: 'acme/payments', default_branch: 'main', web_url: 'https://gitlab.com/acme/payments' }, { 'ratelimit-remaining': '1999' });
    const result = await runCli(['doctor'], { cwd, env: { GITLAB_TOKEN: 'glpat-SENTINELtoken0123456789' } });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('✓ gitlab:acme/payments: GITLAB_TOKEN is set');
    expect(result.stdout).toContain('token belongs to jdoe');
    expect(result.stdout).toContain('reachable, default branch main, 1999 requests left in the rate limit');
    expect(result.stdout + result.stderr).not.toContain('glpat-SENTINELtoken0123456789');
  });

  it('falls back to CI_JOB_TOKEN and reports a refused project with exit 3', async () => {
    const cwd = tempDir();
    writeFileSync(path.join(cwd, 'dorametrics.config.json'), JSON.stringify({ sources: [{ type: 'gitlab', project: 'acme/payments' }] }));
    nock('https://gitlab.com', { reqheaders: { 'job-token': 'job-SENTINEL' } }).get('/api/v4/projects/acme%2Fpayments').reply(403, { message: '403 Forbidden' });
    const result = await runCli(['doctor'], { cwd, env: { CI_JOB_TOKEN: 'job-SENTINEL' } });
    expect(result.code).toBe(3);
    expect(result.stdout).toContain('✓ gitlab:acme/payments: CI_JOB_TOKEN is set');
    expect(result.stdout).toContain('✗ GET /api/v4/projects/acme%2Fpayments answered 403: 403 Forbidden');
    expect(result.stdout + result.stderr).not.toContain('job-SENTINEL');
  });

  it('for a project named by its numeric id, asks GitLab by id and says which path it reports under', async () => {
    const cwd = tempDir();
    writeFileSync(path.join(cwd, 'dorametrics.config.json'), JSON.stringify({ sources: [{ type: 'gitlab', project: 42 }] }));
    nock('https://gitlab.com').get('/api/v4/user').reply(200, { id: 7, username: 'jdoe' });
    nock('https://gitlab.com')
      .get('/api/v4/projects/42')
      .reply(200, { id: 42, path_with_namespace: 'acme/ledger', default_branch: 'main', web_url: 'https://gitlab.com/acme/ledger' });
    const result = await runCli(['doctor'], { cwd, env: { GITLAB_TOKEN: 'glpat-SENTINELtoken0123456789' } });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('✓ gitlab:42: GITLAB_TOKEN is set');
    expect(result.stdout).toContain('✓ gitlab:42: reachable as gitlab:acme/ledger, default branch main');
    expect(result.stdout).not.toContain('SENTINEL');
  });
});
