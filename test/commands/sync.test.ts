import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFakeGitHub, type FakeRepository } from '../../scripts/fake-github.js';
import { SENTINEL_TOKEN, serveFake } from '../helpers/github.js';
import { runCli } from '../helpers/run-cli.js';
import { tempDir } from '../helpers/store.js';

const sha = (label: string) => Buffer.from(label).toString('hex').padEnd(40, '0').slice(0, 40);
const commit = (label: string, parents: string[], date: string) => ({ oid: sha(label), parents: parents.map(sha), authoredDate: date, committedDate: date });

/**
 * acme/shop: a squash merge (#1), a rebase merge (#2), a bot PR whose deployment failed (#3),
 * a hotfix PR merged into a release branch and deployed from outside main (#4), an open PR
 * (#5) and a merged PR waiting for deployment (#6); two incidents.
 */
function shop(): FakeRepository {
  return {
    head: sha('m6'),
    commits: [
      commit('m0', [], '2026-10-01T00:00:00Z'),
      commit('s1', ['m0'], '2026-11-02T10:00:00Z'),
      { ...commit('r1', ['s1'], '2026-11-03T12:00:00Z'), authoredDate: '2026-11-03T08:00:00Z' },
      { ...commit('r2', ['r1'], '2026-11-03T12:00:00Z'), authoredDate: '2026-11-03T09:00:00Z' },
      commit('b1', ['r2'], '2026-11-04T10:00:00Z'),
      commit('m6', ['b1'], '2026-11-20T12:00:00Z'),
      // The hotfix branch: not in main's history, reached only through compare.
      commit('h1', ['s1'], '2026-11-05T09:00:00Z'),
    ],
    pullRequests: [
      {
        number: 1, author: 'alice', createdAt: '2026-11-01T10:00:00Z', updatedAt: '2026-11-02T10:00:00Z', mergedAt: '2026-11-02T10:00:00Z',
        mergeCommit: sha('s1'), commits: [{ oid: sha('p1b'), authoredDate: '2026-11-02T08:00:00Z' }, { oid: sha('p1a'), authoredDate: '2026-11-01T09:00:00Z' }],
        reviews: [{ login: 'alice', submittedAt: '2026-11-01T11:00:00Z', state: 'COMMENTED' }, { login: 'bob', submittedAt: '2026-11-02T09:00:00Z' }],
      },
      {
        number: 2, author: 'carol', createdAt: '2026-11-03T09:30:00Z', updatedAt: '2026-11-03T12:00:00Z', mergedAt: '2026-11-03T12:00:00Z',
        mergeCommit: sha('r2'), commits: [{ oid: sha('o1'), authoredDate: '2026-11-03T08:00:00Z' }, { oid: sha('o2'), authoredDate: '2026-11-03T09:00:00Z' }],
        reviews: [{ login: 'alice', submittedAt: '2026-11-03T11:00:00Z' }],
      },
      {
        number: 3, author: 'renovate', bot: true, createdAt: '2026-11-04T09:00:00Z', updatedAt: '2026-11-04T10:00:00Z', mergedAt: '2026-11-04T10:00:00Z',
        mergeCommit: sha('b1'), commits: [{ oid: sha('x'), authoredDate: '2026-11-04T09:00:00Z' }],
      },
      {
        number: 4, author: 'dave', baseRefName: 'release/1', labels: ['hotfix'], createdAt: '2026-11-05T08:30:00Z', updatedAt: '2026-11-05T09:00:00Z',
        mergedAt: '2026-11-05T09:00:00Z', mergeCommit: sha('h1'), commits: [{ oid: sha('h'), authoredDate: '2026-11-05T08:00:00Z' }],
      },
      { number: 5, author: 'erin', createdAt: '2026-11-06T08:00:00Z', updatedAt: '2026-11-06T08:00:00Z', commits: [{ oid: sha('e'), authoredDate: '2026-11-06T07:00:00Z' }] },
      {
        number: 6, author: 'frank', createdAt: '2026-11-20T11:00:00Z', updatedAt: '2026-11-20T12:00:00Z', mergedAt: '2026-11-20T12:00:00Z',
        mergeCommit: sha('m6'), commits: [{ oid: sha('z'), authoredDate: '2026-11-20T10:00:00Z' }],
      },
    ],
    deployments: [
      { databaseId: 100, sha: sha('m0'), environment: 'production', createdAt: '2026-10-01T01:00:00Z', statuses: [{ state: 'success', createdAt: '2026-10-01T01:05:00Z' }, { state: 'inactive', createdAt: '2026-11-02T11:05:00Z' }] },
      { databaseId: 101, sha: sha('s1'), environment: 'production', createdAt: '2026-11-02T11:00:00Z', statuses: [{ state: 'in_progress', createdAt: '2026-11-02T11:00:00Z' }, { state: 'success', createdAt: '2026-11-02T11:05:00Z' }, { state: 'inactive', createdAt: '2026-11-03T13:05:00Z' }] },
      { databaseId: 102, sha: sha('r2'), environment: 'production', createdAt: '2026-11-03T13:00:00Z', statuses: [{ state: 'success', createdAt: '2026-11-03T13:05:00Z' }] },
      { databaseId: 104, sha: sha('b1'), environment: 'production', createdAt: '2026-11-04T11:00:00Z', statuses: [{ state: 'failure', createdAt: '2026-11-04T11:05:00Z' }] },
      { databaseId: 103, sha: sha('h1'), environment: 'production', createdAt: '2026-11-05T10:00:00Z', statuses: [{ state: 'success', createdAt: '2026-11-05T10:05:00Z' }] },
      { databaseId: 199, sha: sha('m6'), environment: 'staging', createdAt: '2026-11-20T13:00:00Z', statuses: [{ state: 'success', createdAt: '2026-11-20T13:05:00Z' }] },
    ],
    issues: [
      { number: 50, title: 'Checkout 500s', body: 'Customers saw errors.\nroot cause: #2', labels: ['incident'], createdAt: '2026-11-03T14:00:00Z', updatedAt: '2026-11-03T15:30:00Z', closedAt: '2026-11-03T15:30:00Z' },
      { number: 51, title: 'CDN outage', labels: ['incident'], createdAt: '2026-11-20T00:00:00Z', updatedAt: '2026-11-20T00:00:00Z', closedAt: null },
      { number: 52, title: 'Not an incident', labels: ['bug'], createdAt: '2026-11-07T00:00:00Z', updatedAt: '2026-11-07T00:00:00Z' },
      { number: 53, title: 'A PR labelled incident', labels: ['incident'], createdAt: '2026-11-08T00:00:00Z', updatedAt: '2026-11-08T00:00:00Z', pullRequest: true },
    ],
  };
}

/** acme/api: one PR, deployed once after its baseline. */
function api(): FakeRepository {
  return {
    head: sha('a1'),
    commits: [commit('a0', [], '2026-10-15T00:00:00Z'), commit('a1', ['a0'], '2026-11-10T10:00:00Z')],
    pullRequests: [
      {
        number: 7, author: 'gina', createdAt: '2026-11-10T09:30:00Z', updatedAt: '2026-11-10T10:00:00Z', mergedAt: '2026-11-10T10:00:00Z',
        mergeCommit: sha('a1'), commits: [{ oid: sha('q'), authoredDate: '2026-11-10T09:00:00Z' }],
      },
    ],
    deployments: [
      { databaseId: 200, sha: sha('a0'), environment: 'production', createdAt: '2026-10-15T01:00:00Z', statuses: [{ state: 'success', createdAt: '2026-10-15T01:00:00Z' }] },
      { databaseId: 201, sha: sha('a1'), environment: 'production', createdAt: '2026-11-10T11:00:00Z', statuses: [{ state: 'success', createdAt: '2026-11-10T11:00:00Z' }] },
    ],
    issues: [],
  };
}

let cwd: string;
const WINDOW = ['--from', '2026-11-01', '--to', '2026-11-29'];

beforeEach(() => {
  nock.disableNetConnect();
  cwd = tempDir();
  writeFileSync(
    path.join(cwd, 'dorametrics.config.json'),
    JSON.stringify({
      sources: [
        { type: 'github', repo: 'acme/shop', incidents: { from: 'issues', labels: ['incident'] } },
        { type: 'github', repo: 'acme/api' },
      ],
    }),
  );
});

afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

const env = { GITHUB_TOKEN: SENTINEL_TOKEN };

async function report(): Promise<any> {
  const result = await runCli(['report', ...WINDOW, '--format', 'json'], { cwd, env });
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout);
}

describe('dorametrics sync (GitHub) then report', () => {
  it('gives exactly the numbers SPEC §5 defines, and a re-sync after new activity updates them', async () => {
    const fake = createFakeGitHub({ 'acme/shop': shop(), 'acme/api': api() });
    serveFake(fake);

    const first = await runCli(['sync'], { cwd, env });
    expect(first.stderr).not.toContain('dorametrics:');
    expect(first.code).toBe(0);
    // Lower bound per repository: repository, history, PRs, deployments (one page each), plus for
    // acme/shop one incident list and one compare for the hotfix sha outside main.
    expect(fake.requests.map((r) => r.operation ?? r.path.split('?')[0])).toEqual([
      '/repos/acme/shop', 'DefaultBranchHistory', 'PullRequests', 'Deployments', `/repos/acme/shop/compare/${sha('m6')}...${sha('h1')}`, // from the stored tip of main
      '/repos/acme/shop/issues', '/repos/acme/api', 'DefaultBranchHistory', 'PullRequests', 'Deployments',
    ]);

    const doc = await report();
    // Lead times: #7 2 h = 7200, #4 2 h 5 m = 7500, #2 5 h 5 m = 18300, #1 26 h 5 m = 93900 (bot #3 never
    // deployed, #4 reached only through the hotfix deployment). p50 = (7500 + 18300) / 2 = 12900.
    expect(doc.metrics.leadTime).toMatchObject({ changes: 4, p50: 12900, level: 'elite' });
    expect(doc.metrics.leadTime.mean).toBe((7200 + 7500 + 18300 + 93900) / 4);
    // Lag: #1 65 m, #2 65 m, #4 65 m, #7 1 h → p50 3900.
    expect(doc.metrics.cycleTimeLag).toMatchObject({ count: 4, p50: 3900 });
    // Pickup: #1 23 h (bob, not the author's own comment), #2 1 h 30 m, #7 none.
    expect(doc.metrics.cycleTimeLag.phases.pickup).toMatchObject({ count: 2, p50: (82800 + 5400) / 2 });
    // Deployments in the window: 101, 102, 103 (shop), 201 (api); 104 failed, 199 went to staging.
    expect(doc.metrics.deploymentFrequency).toMatchObject({ deployments: 4, deployDays: 4 });
    // 102 failed (#50: root cause #2): 1 of 4. Rework: 103 ships the hotfix-labelled #4: 1 of 4.
    expect(doc.metrics.changeFailureRate).toMatchObject({ deployments: 4, failedDeployments: 1, rate: 0.25 });
    expect(doc.metrics.reworkRate).toEqual({ deployments: 4, reworkDeployments: 1, rate: 0.25 });
    // #50 took 1 h 30 m; #51 is open; #52 is not labelled, #53 is a PR.
    expect(doc.metrics.timeToRestore).toMatchObject({ incidents: 2, resolved: 1, open: 1, p50: 5400 });
    // 102 finished 13:05, #50 resolved 15:30: 2 h 25 m.
    expect(doc.metrics.failedDeploymentRecoveryTime).toMatchObject({ failures: 1, recovered: 1, p50: 8700 });
    // #6 merged 11-20 12:00 and only deployed to staging: 8 d 12 h before `to`.
    expect(doc.metrics.cycleTimeLag.undeployed).toEqual({ count: 1, oldestAgeSeconds: 8 * 86400 + 12 * 3600 });
    expect(doc.byRepo['github:acme/api'].leadTime).toMatchObject({ changes: 1, p50: 7200 });

    // New activity: #6 reaches production and is rolled back a day later to 102's sha, #51 is
    // closed, and a new PR #8 is merged but not deployed.
    const repo = fake.repositories['acme/shop']!;
    repo.commits.push(commit('m8', ['m6'], '2026-11-22T09:00:00Z'));
    repo.head = sha('m8');
    repo.pullRequests.push({
      number: 8, author: 'hana', createdAt: '2026-11-22T08:00:00Z', updatedAt: '2026-11-22T09:00:00Z', mergedAt: '2026-11-22T09:00:00Z',
      mergeCommit: sha('m8'), commits: [{ oid: sha('w'), authoredDate: '2026-11-22T07:00:00Z' }],
    });
    repo.deployments.push(
      { databaseId: 105, sha: sha('m6'), environment: 'production', createdAt: '2026-11-21T10:00:00Z', statuses: [{ state: 'success', createdAt: '2026-11-21T10:05:00Z' }] },
      { databaseId: 106, sha: sha('r2'), environment: 'production', createdAt: '2026-11-22T10:00:00Z', statuses: [{ state: 'success', createdAt: '2026-11-22T10:05:00Z' }] },
    );
    const issue = repo.issues.find((i) => i.number === 51)!;
    issue.closedAt = '2026-11-21T12:00:00Z';
    issue.updatedAt = '2026-11-21T12:00:00Z';
    fake.requests.length = 0;
    const second = await runCli(['sync'], { cwd, env });
    expect(second.code).toBe(0);

    const after = await report();
    // #6: deployed 11-21 10:05, first commit 11-20 10:00: 24 h 5 m. Now five changes.
    expect(after.metrics.leadTime.changes).toBe(5);
    // #8 waits since 11-22 09:00: 6 d 15 h before `to`.
    expect(after.metrics.cycleTimeLag.undeployed).toEqual({ count: 1, oldestAgeSeconds: 6 * 86400 + 15 * 3600 });
    expect(after.metrics.deploymentFrequency.deployments).toBe(6);
    // Failed: 102 (incident) and 105 (rolled back by 106). Rework: 103 (hotfix label) and 106 (rollback).
    expect(after.metrics.changeFailureRate).toMatchObject({ deployments: 6, failedDeployments: 2, rate: 2 / 6 });
    expect(after.metrics.reworkRate).toEqual({ deployments: 6, reworkDeployments: 2, rate: 2 / 6 });
    // 102 recovered in 2 h 25 m = 8700; 105 when 106 finished, a day later: p50 (8700 + 86400) / 2.
    expect(after.metrics.failedDeploymentRecoveryTime).toMatchObject({ failures: 2, recovered: 2, p50: (8700 + 86400) / 2 });
    // #51: 11-20 00:00 to 11-21 12:00 = 36 h; with #50's 1 h 30 m, p50 = (5400 + 129600) / 2.
    expect(after.metrics.timeToRestore).toMatchObject({ incidents: 2, resolved: 2, open: 0, p50: 67500 });

    // Nothing new: about one request per resource per repository.
    fake.requests.length = 0;
    const unchanged = await runCli(['sync'], { cwd, env });
    expect(unchanged.code).toBe(0);
    // What the lists read again (the PR and incident at their marks, a week of deployments) is no news.
    expect(unchanged.stderr).toBe(
      'github:acme/shop: 0 commits, 0 pull requests, 0 deployments, 0 incidents (5 requests)\n' +
        'github:acme/api: 0 commits, 0 pull requests, 0 deployments (4 requests)\n',
    );
    // One request per resource per repository: shop's repository (a 304), history, PRs,
    // deployments and incident list; api's repository, history, PRs and deployments.
    expect(fake.requests.map((r) => r.operation ?? r.path.split('?')[0])).toEqual([
      '/repos/acme/shop', 'DefaultBranchHistory', 'PullRequests', 'Deployments', '/repos/acme/shop/issues',
      '/repos/acme/api', 'DefaultBranchHistory', 'PullRequests', 'Deployments',
    ]);
    expect(await report()).toEqual({ ...after, generatedAt: after.generatedAt });
  });

  it('never writes the token: not in the store, not in the output, not in an error', async () => {
    nock('https://api.github.com').persist().get(/.*/).reply(401, { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest' });
    const result = await runCli(['sync'], { cwd, env });
    expect(result.code).toBe(3);
    expect(result.stderr).toBe(
      'dorametrics: GET /repos/acme/shop answered 401: Bad credentials\n' +
        '  hint: the token was refused: check the environment variable the source names (GITHUB_TOKEN by default)\n',
    );
    expect(result.stdout + result.stderr).not.toContain(SENTINEL_TOKEN);
    const store = path.join(cwd, '.dorametrics');
    for (const file of readdirSync(store)) {
      expect(readFileSync(path.join(store, file)).includes(SENTINEL_TOKEN), file).toBe(false);
    }
  });

  it('shows progress on a terminal\'s stderr, and nothing on stdout; --quiet silences it', async () => {
    serveFake(createFakeGitHub({ 'acme/shop': shop(), 'acme/api': api() }));
    const result = await runCli(['sync', '--repo', 'github:acme/api'], { cwd, env, stderrTty: true });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('\r\u001b[2Kgithub:acme/api deployments: 2 items, 1 pages, 4990 requests left');
    expect(result.stderr).toContain('github:acme/api: 2 commits, 1 pull request, 2 deployments (4 requests)');
    const quiet = await runCli(['--quiet', 'sync', '--repo', 'github:acme/api', '--full'], { cwd, env, stderrTty: true });
    expect(quiet.stderr).toBe('');
  });

  it('in a CI log (no terminal) prints only the summary; --verbose adds a line per page read', async () => {
    serveFake(createFakeGitHub({ 'acme/shop': shop(), 'acme/api': api() }));
    const verbose = await runCli(['--verbose', 'sync', '--repo', 'github:acme/api'], { cwd, env });
    expect(verbose.stderr).toBe(
      'github:acme/api commits: 2 items, 1 pages, 4990 requests left\n' +
        'github:acme/api pull_requests: 1 items, 1 pages, 4990 requests left\n' +
        'github:acme/api deployments: 2 items, 1 pages, 4990 requests left\n' +
        'github:acme/api: 2 commits, 1 pull request, 2 deployments (4 requests)\n',
    );
    // --full reads everything again; all of it is as stored, so nothing is new or changed.
    const plain = await runCli(['sync', '--repo', 'github:acme/api', '--full'], { cwd, env });
    expect(plain.stderr).toBe('github:acme/api: 0 commits, 0 pull requests, 0 deployments (4 requests)\n');
  });

  it('a missing token is a usage error naming the variable, before any request', async () => {
    const result = await runCli(['sync'], { cwd, env: {} });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('github:acme/shop: the environment variable GITHUB_TOKEN is not set');
  });

  it('a renamed repository: the old name works with a note, and the new name in the config takes the stored history along', async () => {
    const config = (repo: string) =>
      writeFileSync(path.join(cwd, 'dorametrics.config.json'), JSON.stringify({ sources: [{ type: 'github', repo, incidents: { from: 'issues', labels: ['incident'] } }] }));
    config('acme/shop');
    // 1296269: the id in GitHub's documented example; it stays with the repository when renamed.
    const fake = createFakeGitHub({ 'acme/shop': { ...shop(), id: 1296269 } });
    serveFake(fake);
    expect((await runCli(['sync'], { cwd, env })).code).toBe(0);
    const before = await report();
    expect(before.scope.repos).toEqual(['github:acme/shop']);

    // Renamed to acme/store: GitHub answers the old name through a redirect.
    fake.repositories['acme/store'] = fake.repositories['acme/shop']!;
    delete fake.repositories['acme/shop'];
    fake.redirects['acme/shop'] = 'acme/store';
    const byOldName = await runCli(['sync'], { cwd, env });
    expect(byOldName.code).toBe(0);
    expect(byOldName.stderr).toContain('note: github:acme/shop: GitHub now names this repository acme/store (renamed or transferred); set "repo" to "acme/store"\n');
    expect((await report()).metrics).toEqual(before.metrics);

    // The user follows the note: the next sync moves the stored history to github:acme/store:
    // main's 6 commits and the hotfix h1, PRs #1–#6, the 5 production deployments (199 went to
    // staging, which is not harvested) and incidents #50 and #51. The changed config re-reads
    // everything, onto the moved facts.
    config('acme/store');
    const byNewName = await runCli(['sync'], { cwd, env });
    expect(byNewName.code).toBe(0);
    expect(byNewName.stderr).toContain(
      'note: github:acme/store: repository 1296269 was stored as github:acme/shop before (renamed or moved); its history moved to ' +
        'github:acme/store (7 commits, 6 pull requests, 5 deployments, 2 incidents); "teams" and "services" entries that name ' +
        'github:acme/shop should name github:acme/store now\n',
    );
    const after = await report();
    expect(after.scope.repos).toEqual(['github:acme/store']);
    expect(after.metrics).toEqual(before.metrics);
  });
});
