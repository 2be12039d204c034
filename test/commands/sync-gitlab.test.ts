import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFakeGitHub, type FakeRepository } from '../../scripts/fake-github.js';
import {
  createFakeGitLab,
  type FakeGitLab,
  type FakeGitLabCommit,
  type FakeGitLabDeployment,
  type FakeGitLabProject,
  type FakeGitLabRequest,
  type FakeGitLabUser,
} from '../../scripts/fake-gitlab.js';
import { SENTINEL_TOKEN as GITHUB_SENTINEL, serveFake } from '../helpers/github.js';
import { GITLAB_SENTINEL_TOKEN } from '../helpers/gitlab.js';
import { withStore } from '../../src/store/index.js';
import { runCli } from '../helpers/run-cli.js';
import { tempDir } from '../helpers/store.js';

/**
 * The end-to-end test of GitLab harvesting (issue 4's "Done when"): `dorametrics sync` against
 * a fake GitLab (scripts/fake-gitlab.js, reached through nock at https://gitlab.com), then
 * `dorametrics report --format json`, whose every number below is worked out by hand from
 * SPEC §5 in the comments.
 */

const GITLAB = 'https://gitlab.com';
const JOB_SENTINEL = 'glcbt-64_SENTINELjobTokenMustNeverLeak99';
const WINDOW = ['--from', '2026-11-01', '--to', '2026-11-29'];
const HOUR = 3600;
const DAY = 86400;

const sha = (label: string) => Buffer.from(label).toString('hex').padEnd(40, '0').slice(0, 40);
const at = (time: string) => `2026-${time}:00.000Z`;
const commit = (label: string, parents: string[], authored: string, committed = authored): FakeGitLabCommit => ({
  id: sha(label),
  parent_ids: parents.map(sha),
  authored_date: at(authored),
  committed_date: at(committed),
  title: label,
});

const users = {
  alice: { id: 11, username: 'alice', name: 'Alice Liddell' },
  bob: { id: 12, username: 'bob', name: 'Bob Builder' },
  carol: { id: 13, username: 'carol' },
  dave: { id: 14, username: 'dave' },
  erin: { id: 15, username: 'erin' },
  frank: { id: 16, username: 'frank' },
  gina: { id: 17, username: 'gina' },
  hana: { id: 18, username: 'hana' },
  // A project access token's user: a bot by GitLab's naming rule (SPEC §5 Bots).
  bot: { id: 99, username: 'project_42_bot_5f2c9e1a', name: 'Dependency updates' },
} satisfies Record<string, FakeGitLabUser>;

// !4's 120 commits: c001 (the earliest, authored 11-05 08:00) … c120 (09:59), one a minute.
const LONG = Array.from({ length: 120 }, (_, i) => `c${String(i + 1).padStart(3, '0')}`);
const minute = (i: number) => `11-05T${String(8 + Math.floor(i / 60)).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}`;

function deployment(
  id: number,
  environment: string,
  label: string,
  status: FakeGitLabDeployment['status'],
  created: string,
  finished: string,
  ref = 'main',
): FakeGitLabDeployment {
  // The job finished at `finished`; GitLab touches the deployment half a minute later, so a
  // harvester that took `updated_at` for the finish time would be 30 s off everywhere.
  const updated = new Date(Date.parse(at(finished)) + 30_000).toISOString();
  return { id, environment, sha: sha(label), ref, status, created_at: at(created), updated_at: updated, finished_at: at(finished) };
}

/**
 * acme/payments (project 42), as of the first sync. main: m0 → !1's merge commit mc1 → !2's
 * squash commit sq2 → !3's fast-forwarded f1 → !4's merge commit mc4 (120 branch commits) →
 * the bot's mc5 → !8's mc8. A release branch holds the hotfix !6 (hm6), deployed from outside
 * main's history.
 *
 * | MR | author | merged (commit)        | first commit | created | first review              | deployed by          |
 * |----|--------|------------------------|--------------|---------|---------------------------|----------------------|
 * | !1 | alice  | 11-02 11:00 merge mc1   | 11-02 08:00  | 09:30   | bob 10:30 (not alice 09:40, not bob's system note 09:50) | D2 11-02 12:00 |
 * | !2 | bob    | 11-03 10:00 squash sq2  | 11-03 07:00  | 08:30   | carol 09:00               | D3 11-03 12:00 (prod-eu, tier production) |
 * | !3 | carol  | 11-04 10:00 ff f1       | 11-04 09:00  | 09:30   | none                      | D5 11-04 11:00 (D4 failed 10:30) |
 * | !4 | dave   | 11-05 12:00 merge mc4   | 11-05 08:00 (c001, 2nd commits page) | 10:00 | erin's approval 10:45 | D6 11-05 14:00 |
 * | !5 | bot    | 11-06 09:00 merge mc5   | 11-06 08:00  | 08:00   | none                      | D7 11-06 10:00, rolled back by D8 12:00 |
 * | !6 | erin   | 11-07 09:00 hm6 (release/2026.11, hotfix) | 11-07 08:00 | 08:30 | none        | D9 11-07 10:00       |
 * | !7 | frank  | open                    |              |         |                           |                      |
 * | !8 | gina   | 11-18 10:00 merge mc8   | 11-18 08:00  | 09:00   | bob 09:30                 | only staging (D10)   |
 */
function payments(): FakeGitLabProject {
  return {
    id: 42,
    branches: { main: sha('mc8'), 'release/2026.11': sha('hm6'), 'feature-7': sha('o1') },
    commits: [
      commit('m0', [], '10-01T00:00'),
      commit('a1', ['m0'], '11-02T08:00'),
      commit('a2', ['a1'], '11-02T09:00'),
      commit('mc1', ['m0', 'a2'], '11-02T11:00'),
      commit('b1', ['mc1'], '11-03T07:00'),
      commit('b2', ['b1'], '11-03T08:00'),
      commit('sq2', ['mc1'], '11-03T10:00'),
      commit('f1', ['sq2'], '11-04T09:00', '11-04T09:55'),
      ...LONG.map((label, i) => commit(label, [i === 0 ? 'f1' : LONG[i - 1]!], minute(i))),
      commit('mc4', ['f1', 'c120'], '11-05T12:00'),
      commit('bt1', ['mc4'], '11-06T08:00'),
      commit('mc5', ['mc4', 'bt1'], '11-06T09:00'),
      commit('h1', ['mc4'], '11-07T08:00'),
      commit('hm6', ['mc4', 'h1'], '11-07T09:00'),
      commit('o1', ['mc5'], '11-10T09:00'),
      commit('g1', ['mc5'], '11-18T08:00'),
      commit('mc8', ['mc5', 'g1'], '11-18T10:00'),
    ],
    mergeRequests: [
      {
        iid: 1, title: 'Ledger export', state: 'merged', author: users.alice,
        created_at: at('11-02T09:30'), updated_at: at('11-02T11:00'), merged_at: at('11-02T11:00'),
        sha: sha('a2'), merge_commit_sha: sha('mc1'), squash_commit_sha: null, commits: ['a1', 'a2'].map(sha),
        notes: [
          { id: 101, body: 'Ready for review', author: users.alice, created_at: at('11-02T09:40') },
          { id: 102, body: 'changed the description', system: true, author: users.bob, created_at: at('11-02T09:50') },
          { id: 103, body: 'Looks good, one nit', author: users.bob, created_at: at('11-02T10:30') },
        ],
      },
      {
        iid: 2, title: 'Round refunds half-even', state: 'merged', author: users.bob,
        created_at: at('11-03T08:30'), updated_at: at('11-03T10:00'), merged_at: at('11-03T10:00'),
        sha: sha('b2'), merge_commit_sha: null, squash_commit_sha: sha('sq2'), commits: ['b1', 'b2'].map(sha),
        notes: [{ id: 201, body: 'LGTM', author: users.carol, created_at: at('11-03T09:00') }],
      },
      {
        iid: 3, title: 'Fix currency label', state: 'merged', author: users.carol,
        created_at: at('11-04T09:30'), updated_at: at('11-04T10:00'), merged_at: at('11-04T10:00'),
        sha: sha('f1'), merge_commit_sha: null, squash_commit_sha: null, commits: [sha('f1')],
      },
      {
        iid: 4, title: 'Ledger rewrite', state: 'merged', author: users.dave,
        created_at: at('11-05T10:00'), updated_at: at('11-05T12:00'), merged_at: at('11-05T12:00'),
        sha: sha('c120'), merge_commit_sha: sha('mc4'), squash_commit_sha: null, commits: LONG.map(sha),
        notes: [{ id: 401, body: 'approved this merge request', system: true, author: users.erin, created_at: at('11-05T10:45') }],
      },
      {
        iid: 5, title: 'chore(deps): update ledger-client', state: 'merged', author: users.bot,
        created_at: at('11-06T08:00'), updated_at: at('11-06T09:00'), merged_at: at('11-06T09:00'),
        sha: sha('bt1'), merge_commit_sha: sha('mc5'), commits: [sha('bt1')],
      },
      {
        iid: 6, title: 'Hotfix: refund rounding', state: 'merged', author: users.erin, labels: ['hotfix'], target_branch: 'release/2026.11',
        created_at: at('11-07T08:30'), updated_at: at('11-07T09:00'), merged_at: at('11-07T09:00'),
        sha: sha('h1'), merge_commit_sha: sha('hm6'), commits: [sha('h1')],
      },
      {
        iid: 7, title: 'Draft: new checkout', state: 'opened', author: users.frank, draft: true,
        created_at: at('11-10T09:30'), updated_at: at('11-12T09:00'), sha: sha('o1'), commits: [sha('o1')],
      },
      {
        iid: 8, title: 'Faster reconciliation', state: 'merged', author: users.gina,
        created_at: at('11-18T09:00'), updated_at: at('11-18T10:00'), merged_at: at('11-18T10:00'),
        sha: sha('g1'), merge_commit_sha: sha('mc8'), commits: [sha('g1')],
        notes: [{ id: 801, body: 'Nice', author: users.bob, created_at: at('11-18T09:30') }],
      },
    ],
    environments: [
      { id: 1, name: 'production', tier: 'production' },
      { id: 2, name: 'prod-eu', tier: 'production' },
      { id: 3, name: 'staging', tier: 'staging' },
    ],
    deployments: [
      // The baseline, created through the API (no job): it finished when it was last updated.
      { id: 1, environment: 'production', sha: sha('m0'), ref: 'main', status: 'success', created_at: at('10-01T00:30'), updated_at: at('10-01T01:00'), deployable: false },
      deployment(2, 'production', 'mc1', 'success', '11-02T11:30', '11-02T12:00'),
      deployment(3, 'prod-eu', 'sq2', 'success', '11-03T11:30', '11-03T12:00'),
      deployment(4, 'production', 'f1', 'failed', '11-04T10:15', '11-04T10:30'),
      deployment(5, 'production', 'f1', 'success', '11-04T10:45', '11-04T11:00'),
      deployment(6, 'production', 'mc4', 'success', '11-05T13:30', '11-05T14:00'),
      deployment(7, 'production', 'mc5', 'success', '11-06T09:30', '11-06T10:00'),
      deployment(8, 'production', 'mc4', 'success', '11-06T11:30', '11-06T12:00'),
      deployment(9, 'production', 'hm6', 'success', '11-07T09:30', '11-07T10:00', 'release/2026.11'),
      deployment(10, 'staging', 'mc8', 'success', '11-18T10:30', '11-18T11:00'),
    ],
    issues: [
      {
        // Opened an hour after D5: the window rule alone would blame D5; the reference names !2 (D3).
        iid: 20, issue_type: 'incident', title: 'Ledger totals wrong', severity: 'HIGH',
        description: 'Totals were off after Tuesday\'s deploy.\n\nroot cause: !2',
        created_at: at('11-04T12:00'), updated_at: at('11-04T14:00'), closed_at: at('11-04T14:00'),
      },
      { iid: 21, issue_type: 'incident', title: 'Payments API latency', created_at: at('11-20T09:00'), updated_at: at('11-20T09:00') },
      { iid: 22, issue_type: 'issue', title: 'Flaky ledger test', labels: ['bug'], created_at: at('11-08T09:00'), updated_at: at('11-08T09:00') },
    ],
  };
}

/** acme/shop on GitHub: one PR (#1, first commit 11-10 09:00), deployed 11-10 11:00 after its baseline. */
function shop(): FakeRepository {
  const oid = (label: string) => sha(`gh-${label}`);
  return {
    head: oid('p1'),
    commits: [
      { oid: oid('m0'), parents: [], authoredDate: '2026-10-15T00:00:00Z', committedDate: '2026-10-15T00:00:00Z' },
      { oid: oid('p1'), parents: [oid('m0')], authoredDate: '2026-11-10T10:00:00Z', committedDate: '2026-11-10T10:00:00Z' },
    ],
    pullRequests: [
      {
        number: 1, author: 'ivan', createdAt: '2026-11-10T09:30:00Z', updatedAt: '2026-11-10T10:00:00Z', mergedAt: '2026-11-10T10:00:00Z',
        mergeCommit: oid('p1'), commits: [{ oid: oid('q'), authoredDate: '2026-11-10T09:00:00Z' }],
      },
    ],
    deployments: [
      { databaseId: 200, sha: oid('m0'), environment: 'production', createdAt: '2026-10-15T01:00:00Z', statuses: [{ state: 'success', createdAt: '2026-10-15T01:00:00Z' }] },
      { databaseId: 201, sha: oid('p1'), environment: 'production', createdAt: '2026-11-10T11:00:00Z', statuses: [{ state: 'success', createdAt: '2026-11-10T11:00:00Z' }] },
    ],
    issues: [],
  };
}

const PAYMENTS_SOURCE = {
  type: 'gitlab',
  project: 'acme/payments',
  deployments: { from: 'deployments', environments: ['production'] },
  incidents: { from: 'incidents' },
};

let cwd: string;

function writeConfig(sources: unknown[]): void {
  writeFileSync(path.join(cwd, 'dorametrics.config.json'), JSON.stringify({ sources }));
}

beforeEach(() => {
  nock.disableNetConnect();
  cwd = tempDir();
  writeConfig([PAYMENTS_SOURCE]);
});

afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

const env = { GITLAB_TOKEN: GITLAB_SENTINEL_TOKEN };

async function report(extra: string[] = [], environment: Record<string, string> = env): Promise<any> {
  const result = await runCli(['report', ...WINDOW, '--format', 'json', ...extra], { cwd, env: environment });
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout);
}

function serveGitLab(fake: FakeGitLab): void {
  serveFake(fake, GITLAB);
}

/** A request as the lists below name it: the path under /api/v4, and the page when not the first. */
function short(request: FakeGitLabRequest): string {
  const url = new URL(request.path, GITLAB);
  const page = url.searchParams.get('page');
  return url.pathname.replace(/^\/api\/v4/, '') + (page !== null && page !== '1' ? ` page ${page}` : '');
}

/** The query of the (only, or `index`-th) request to `pathname` under /api/v4. */
function queryOf(fake: FakeGitLab, pathname: string, index = 0): Record<string, string> {
  const matching = fake.requests.filter((request) => new URL(request.path, GITLAB).pathname === `/api/v4${pathname}`);
  expect(matching.length, pathname).toBeGreaterThan(index);
  return Object.fromEntries(new URL(matching[index]!.path, GITLAB).searchParams);
}

describe('the fake GitLab', () => {
  it('answers a list page with GitLab\'s offset-pagination headers, filters, and 404 for anything else', async () => {
    const fake = createFakeGitLab({ 'acme/payments': payments() });
    const headers = { 'PRIVATE-TOKEN': 'any' };
    const page2 = await fake.fetch(`${GITLAB}/api/v4/projects/42/merge_requests/4/commits?per_page=100&page=2`, { headers });
    expect(page2.status).toBe(200);
    expect(Object.fromEntries([...page2.headers].filter(([name]) => name.startsWith('x-')))).toEqual({
      'x-page': '2', 'x-per-page': '100', 'x-next-page': '', 'x-prev-page': '1', 'x-total': '120', 'x-total-pages': '2',
    });
    expect(page2.headers.get('link')).toBe(
      `<${GITLAB}/api/v4/projects/42/merge_requests/4/commits?per_page=100&page=1>; rel="prev", ` +
        `<${GITLAB}/api/v4/projects/42/merge_requests/4/commits?per_page=100&page=1>; rel="first", ` +
        `<${GITLAB}/api/v4/projects/42/merge_requests/4/commits?per_page=100&page=2>; rel="last"`,
    );
    // Newest first, as GitLab lists an MR's commits: the earliest is the last of page 2.
    expect(((await page2.json()) as Array<{ id: string }>).at(-1)!.id).toBe(sha('c001'));

    const incidents = await fake.fetch(`${GITLAB}/api/v4/projects/acme%2Fpayments/issues?issue_type=incident&order_by=updated_at&sort=desc`, { headers });
    expect(((await incidents.json()) as Array<{ iid: number }>).map((issue) => issue.iid)).toEqual([21, 20]);

    // GitLab's DeploymentsFinder: the updated_at filter needs the updated_at order.
    expect((await fake.fetch(`${GITLAB}/api/v4/projects/42/deployments?updated_after=2026-01-01T00:00:00Z`, { headers })).status).toBe(400);
    expect((await fake.fetch(`${GITLAB}/api/v4/projects/42/releases`, { headers })).status).toBe(404);
    expect((await fake.fetch(`${GITLAB}/api/v4/projects/acme%2Fother`, { headers })).status).toBe(404);
    expect((await fake.fetch(`${GITLAB}/api/v4/projects/42/repository/compare?from=main&to=${sha('zz')}`, { headers })).status).toBe(404);
    expect((await fake.fetch(`${GITLAB}/api/v4/projects/42`)).status).toBe(401);
    expect(fake.requests.map((request) => request.status)).toEqual([200, 200, 400, 404, 404, 404, 401]);
  });
});

describe('dorametrics sync (GitLab) then report', () => {
  it('gives exactly the numbers SPEC §5 defines, an incremental re-sync updates them, and a no-change re-sync costs a request per resource', async () => {
    const fake = createFakeGitLab({ 'acme/payments': payments() }, { privateTokens: [GITLAB_SENTINEL_TOKEN] });
    serveGitLab(fake);

    const first = await runCli(['sync'], { cwd, env });
    expect(first.stderr).not.toContain('dorametrics:');
    expect(first.code).toBe(0);
    // The lower bound: the project; main's 131 commits in two pages of 100; one page of 8 MRs,
    // and for each its commits (two pages for !4's 120) and its notes (one page: a review, or
    // none); one page of deployments and the environments' tiers; one compare for the hotfix
    // sha outside main; one page of incidents.
    expect(fake.requests.map(short)).toEqual([
      '/projects/acme%2Fpayments',
      '/projects/42/repository/commits',
      '/projects/42/repository/commits page 2',
      '/projects/42/merge_requests',
      ...[8, 7, 6, 5].flatMap((iid) => [`/projects/42/merge_requests/${iid}/commits`, `/projects/42/merge_requests/${iid}/notes`]),
      '/projects/42/merge_requests/4/commits', '/projects/42/merge_requests/4/commits page 2', '/projects/42/merge_requests/4/notes',
      ...[3, 2, 1].flatMap((iid) => [`/projects/42/merge_requests/${iid}/commits`, `/projects/42/merge_requests/${iid}/notes`]),
      '/projects/42/deployments',
      '/projects/42/environments',
      '/projects/42/repository/compare',
      '/projects/42/issues',
    ]);
    expect(fake.requests.every((request) => request.auth === 'PRIVATE-TOKEN' && request.status === 200)).toBe(true);
    // The second history page is read from the tip the traversal started at, not the branch.
    expect(queryOf(fake, '/projects/42/repository/commits', 0)).toMatchObject({ ref_name: 'main', per_page: '100', page: '1' });
    expect(queryOf(fake, '/projects/42/repository/commits', 1)).toMatchObject({ ref_name: sha('mc8'), page: '2' });
    expect(queryOf(fake, '/projects/42/merge_requests')).toEqual({ state: 'all', order_by: 'updated_at', sort: 'desc', per_page: '100', page: '1' });
    expect(queryOf(fake, '/projects/42/merge_requests/1/notes')).toMatchObject({ order_by: 'created_at', sort: 'asc' });
    expect(queryOf(fake, '/projects/42/deployments')).toMatchObject({ order_by: 'updated_at', sort: 'desc', updated_after: '1970-01-01T00:00:00.000Z' });
    expect(queryOf(fake, '/projects/42/repository/compare')).toEqual({ from: sha('mc8'), to: sha('hm6') });
    expect(queryOf(fake, '/projects/42/issues')).toMatchObject({ issue_type: 'incident', order_by: 'updated_at', sort: 'desc' });

    const doc = await report();
    expect(doc.scope).toEqual({ repos: ['gitlab:acme/payments'], environment: 'production' });
    // Deployments in the window (successful, to production or a production-tier environment):
    // D2 11-02, D3 11-03 (prod-eu), D5 11-04 (D4 failed), D6 11-05, D7 and D8 11-06, D9 11-07:
    // 7 on 6 days; D1 is before the window, D10 went to staging. Weeks back from 11-29: 0, 0, 0
    // and 6 deploy days: median 0; perWeek 7 / 28 × 7 = 1.75 ≥ 0.25: medium.
    expect(doc.metrics.deploymentFrequency).toEqual({
      deployments: 7, deployDays: 6, perDay: 0.25, perWeek: 1.75, medianDeployDaysPerWeek: 0, level: 'medium',
    });
    // Lead time (deployment finished − earliest authored commit), bot !5 left out:
    // !1 12:00 − 08:00 = 4 h (the merge commit mc1 reached by D2); !2 12:00 − 07:00 = 5 h (the
    // squash commit, by D3 on prod-eu); !3 11:00 − 09:00 = 2 h (the head f1, fast-forward, by D5);
    // !4 14:00 − 08:00 = 6 h (c001 is on the second commits page; the first ends at c021, 08:20);
    // !6 10:00 − 08:00 = 2 h (hm6, known only through the compare).
    // Sorted 7200, 7200, 14400, 18000, 21600: p50 14400, p75 18000, p90 18000 + 0.6 × 3600.
    expect(doc.metrics.leadTime).toEqual({ changes: 5, p50: 14400, p75: 18000, p90: 20160, mean: 68400 / 5, level: 'elite' });
    // Lag (deployment − merge): !1 1 h, !2 2 h, !3 1 h, !4 2 h, !6 1 h.
    expect(doc.metrics.cycleTimeLag).toMatchObject({ count: 5, p50: 3600, mean: 25200 / 5 });
    // Coding (created − first commit): 5400, 5400, 1800, 7200, 1800.
    expect(doc.metrics.cycleTimeLag.phases.coding).toMatchObject({ count: 5, p50: 5400, mean: 21600 / 5 });
    // Pickup (first review − created): !1 bob's note 10:30 − 09:30 = 1 h (alice's own note at
    // 09:40 and bob's system note at 09:50 are no review); !2 30 m; !4 erin's approval 45 m.
    expect(doc.metrics.cycleTimeLag.phases.pickup).toMatchObject({ count: 3, p50: 2700, mean: 8100 / 3 });
    // Review (merged − first review): !1 30 m, !2 1 h, !4 1 h 15 m.
    expect(doc.metrics.cycleTimeLag.phases.review).toMatchObject({ count: 3, p50: 3600, mean: 9900 / 3 });
    // !8 merged into main 11-18 10:00, deployed only to staging: 10 d 14 h before `to`. (!6 was
    // merged into a release branch, !7 is open.)
    expect(doc.metrics.cycleTimeLag.undeployed).toEqual({ count: 1, oldestAgeSeconds: 10 * DAY + 14 * HOUR });
    // Failed: D3 (incident !20: "root cause: !2", which D3 shipped) and D7 (rolled back: D8
    // deployed mc4, a strict ancestor of mc5). 2 of 7.
    expect(doc.metrics.changeFailureRate).toEqual({ deployments: 7, failedDeployments: 2, rate: 2 / 7, level: 'low' });
    // Rework: D8 (the rollback) and D9 (ships the hotfix-labelled !6). 2 of 7.
    expect(doc.metrics.reworkRate).toEqual({ deployments: 7, reworkDeployments: 2, rate: 2 / 7 });
    // Incidents created in the window: #20 (2 h) and #21 (open); #22 is an issue, not an incident.
    expect(doc.metrics.timeToRestore).toMatchObject({ incidents: 2, resolved: 1, open: 1, p50: 2 * HOUR, mean: 2 * HOUR, level: 'high' });
    // Recovery: D3 until #20 closed, 11-03 12:00 → 11-04 14:00 = 26 h; D7 until D8, 2 h.
    expect(doc.metrics.failedDeploymentRecoveryTime).toMatchObject({ failures: 2, recovered: 2, p50: 50400, mean: 50400, level: 'high' });
    expect(doc.byRepo).toEqual({ 'gitlab:acme/payments': doc.metrics });

    // New activity: #21 is closed on 11-22 09:00; !9 (first commit 11-23 08:00, created 08:30,
    // alice reviews 09:00) is merged at 10:00 as mc9 and D11 deploys it to production at 11:00,
    // shipping the waiting !8 with it.
    const project = fake.projects['acme/payments']!;
    project.commits.push(commit('n1', ['mc8'], '11-23T08:00'), commit('mc9', ['mc8', 'n1'], '11-23T10:00'));
    project.branches.main = sha('mc9');
    project.mergeRequests.push({
      iid: 9, title: 'Settlement report', state: 'merged', author: users.hana,
      created_at: at('11-23T08:30'), updated_at: at('11-23T10:00'), merged_at: at('11-23T10:00'),
      sha: sha('n1'), merge_commit_sha: sha('mc9'), commits: [sha('n1')],
      notes: [{ id: 901, body: 'Ship it', author: users.alice, created_at: at('11-23T09:00') }],
    });
    project.deployments.push(deployment(11, 'production', 'mc9', 'success', '11-23T10:30', '11-23T11:00'));
    const incident = project.issues.find((issue) => issue.iid === 21)!;
    incident.closed_at = at('11-22T09:00');
    incident.updated_at = at('11-22T09:00');

    fake.requests.length = 0;
    const second = await runCli(['sync'], { cwd, env });
    expect(second.code).toBe(0);
    // Each list from its stored mark minus a minute; !8 is listed again in that minute but is
    // unchanged, so only the new !9 costs its commits and notes. D11 goes to `production`,
    // which the config names, so no tier is looked up; mc9 is in main's history, so no compare.
    expect(fake.requests.map(short)).toEqual([
      '/projects/acme%2Fpayments',
      '/projects/42/repository/commits',
      '/projects/42/merge_requests',
      '/projects/42/merge_requests/9/commits',
      '/projects/42/merge_requests/9/notes',
      '/projects/42/deployments',
      '/projects/42/issues',
    ]);
    expect(queryOf(fake, '/projects/42/merge_requests')).toMatchObject({ updated_after: '2026-11-18T09:59:00.000Z' });
    expect(queryOf(fake, '/projects/42/deployments')).toMatchObject({ order_by: 'updated_at', updated_after: '2026-11-18T10:59:30.000Z' });
    expect(queryOf(fake, '/projects/42/issues')).toMatchObject({ issue_type: 'incident', updated_after: '2026-11-20T08:59:00.000Z' });

    const after = await report();
    // + D11 on 11-23: 8 deployments on 7 days; weeks 1, 0, 0, 6 deploy days: median 0.5.
    expect(after.metrics.deploymentFrequency).toEqual({
      deployments: 8, deployDays: 7, perDay: 8 / 28, perWeek: 2, medianDeployDaysPerWeek: 0.5, level: 'medium',
    });
    // + !8: 11-23 11:00 − 11-18 08:00 = 5 d 3 h = 442800; + !9: 11:00 − 08:00 = 3 h.
    // Sorted 7200, 7200, 10800, 14400, 18000, 21600, 442800: p50 14400.
    expect(after.metrics.leadTime).toMatchObject({ changes: 7, p50: 14400, level: 'elite' });
    expect(after.metrics.leadTime.mean).toBeCloseTo((68400 + 442800 + 10800) / 7, 6);
    // + lag !8 5 d 1 h = 435600, !9 1 h: 3600 ×4, 7200 ×2, 435600.
    expect(after.metrics.cycleTimeLag).toMatchObject({ count: 7, p50: 3600 });
    expect(after.metrics.cycleTimeLag.mean).toBeCloseTo((25200 + 435600 + 3600) / 7, 6);
    // + coding !8 1 h, !9 30 m: 1800 ×3, 3600, 5400 ×2, 7200.
    expect(after.metrics.cycleTimeLag.phases.coding).toMatchObject({ count: 7, p50: 3600 });
    // + pickup !8 30 m, !9 30 m: 1800 ×3, 2700, 3600.
    expect(after.metrics.cycleTimeLag.phases.pickup).toMatchObject({ count: 5, p50: 1800, mean: 11700 / 5 });
    // + review !8 30 m, !9 1 h: 1800 ×2, 3600 ×2, 4500.
    expect(after.metrics.cycleTimeLag.phases.review).toMatchObject({ count: 5, p50: 3600, mean: 15300 / 5 });
    expect(after.metrics.cycleTimeLag.undeployed).toEqual({ count: 0, oldestAgeSeconds: null });
    // Still D3 and D7 failed; D8 and D9 rework: 2 of 8 each.
    expect(after.metrics.changeFailureRate).toEqual({ deployments: 8, failedDeployments: 2, rate: 0.25, level: 'low' });
    expect(after.metrics.reworkRate).toEqual({ deployments: 8, reworkDeployments: 2, rate: 0.25 });
    // #21: 11-20 09:00 → 11-22 09:00 = 48 h; with #20's 2 h: p50 (7200 + 172800) / 2 = 25 h.
    expect(after.metrics.timeToRestore).toMatchObject({ incidents: 2, resolved: 2, open: 0, p50: 90000, mean: 90000, level: 'medium' });
    expect(after.metrics.failedDeploymentRecoveryTime).toMatchObject({ failures: 2, recovered: 2, p50: 50400 });

    // Nothing new: one request per resource; no per-MR request, and no environments request
    // (D11, re-listed within the minute of slack, was decided by the sync before).
    fake.requests.length = 0;
    const unchanged = await runCli(['sync'], { cwd, env });
    expect(unchanged.code).toBe(0);
    // D11 and #21, re-read in the minute of slack, are as stored: no news.
    expect(unchanged.stderr).toBe('gitlab:acme/payments: 0 commits, 0 merge requests, 0 deployments, 0 incidents (5 requests)\n');
    expect(fake.requests.map(short)).toEqual([
      '/projects/acme%2Fpayments',
      '/projects/42/repository/commits',
      '/projects/42/merge_requests',
      '/projects/42/deployments',
      '/projects/42/issues',
    ]);
    expect(await report()).toEqual({ ...after, generatedAt: after.generatedAt });
  });

  it('covers a GitHub and a GitLab source together, and --repo narrows to one', async () => {
    writeConfig([{ type: 'github', repo: 'acme/shop' }, PAYMENTS_SOURCE]);
    const github = createFakeGitHub({ 'acme/shop': shop() });
    const gitlab = createFakeGitLab({ 'acme/payments': payments() });
    serveFake(github);
    serveGitLab(gitlab);
    const both = { GITHUB_TOKEN: GITHUB_SENTINEL, GITLAB_TOKEN: GITLAB_SENTINEL_TOKEN };

    const sync = await runCli(['sync'], { cwd, env: both });
    expect(sync.code).toBe(0);
    expect(github.requests.length).toBeGreaterThan(0);
    expect(gitlab.requests.length).toBeGreaterThan(0);

    const doc = await report([], both);
    expect(doc.scope.repos).toEqual(['github:acme/shop', 'gitlab:acme/payments']);
    expect(Object.keys(doc.byRepo)).toEqual(['github:acme/shop', 'gitlab:acme/payments']);
    // acme/shop: #1, 11-10 11:00 − 09:00 = 2 h, one deployment (201; 200 is its baseline).
    expect(doc.byRepo['github:acme/shop'].leadTime).toMatchObject({ changes: 1, p50: 7200 });
    expect(doc.byRepo['github:acme/shop'].deploymentFrequency).toMatchObject({ deployments: 1, deployDays: 1 });
    // Pooled: lead times 7200 ×3, 14400, 18000, 21600: p50 (7200 + 14400) / 2. 8 deployments on
    // 7 days (11-10 is new). Failed: still D3 and D7, 2 of 8.
    expect(doc.metrics.leadTime).toMatchObject({ changes: 6, p50: 10800 });
    expect(doc.metrics.deploymentFrequency).toMatchObject({ deployments: 8, deployDays: 7 });
    expect(doc.metrics.changeFailureRate).toMatchObject({ deployments: 8, failedDeployments: 2, rate: 0.25 });
    expect(doc.metrics.timeToRestore).toMatchObject({ incidents: 2, resolved: 1, open: 1 });

    const narrowed = await report(['--repo', 'gitlab:acme/payments'], both);
    expect(narrowed.scope.repos).toEqual(['gitlab:acme/payments']);
    expect(Object.keys(narrowed.byRepo)).toEqual(['gitlab:acme/payments']);
    expect(narrowed.metrics).toEqual(doc.byRepo['gitlab:acme/payments']);
    expect(narrowed.metrics.leadTime).toMatchObject({ changes: 5, p50: 14400 });
    expect(narrowed.metrics.deploymentFrequency).toMatchObject({ deployments: 7, deployDays: 6 });
  });

  it('with CI_JOB_TOKEN sends JOB-TOKEN; a refused token exits 3 with one clear error and is written nowhere', async () => {
    const jobEnv = { CI_JOB_TOKEN: JOB_SENTINEL };
    const fake = createFakeGitLab({ 'acme/payments': payments() }, { jobTokens: [JOB_SENTINEL] });
    serveGitLab(fake);
    const ok = await runCli(['sync'], { cwd, env: jobEnv });
    expect(ok.code).toBe(0);
    expect(fake.requests.length).toBe(25);
    expect(new Set(fake.requests.map((request) => request.auth))).toEqual(new Set(['JOB-TOKEN']));
    expect((await report([], jobEnv)).metrics.leadTime.changes).toBe(5);

    // The job token is refused (its job has finished): 401 on the first request.
    nock.cleanAll();
    const refusing = createFakeGitLab({ 'acme/payments': payments() }, { jobTokens: ['another-job-token'] });
    serveGitLab(refusing);
    const refused = await runCli(['sync'], { cwd, env: jobEnv });
    expect(refused.code).toBe(3);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toBe(
      'dorametrics: GET /api/v4/projects/acme%2Fpayments answered 401: 401 Unauthorized\n' +
        '  hint: the token was refused: check the environment variable the source names (GITLAB_TOKEN by default, or CI_JOB_TOKEN)\n',
    );
    expect(refusing.requests).toEqual([{ method: 'GET', path: '/api/v4/projects/acme%2Fpayments', auth: 'JOB-TOKEN', status: 401 }]);

    const outputs = ok.stdout + ok.stderr + refused.stdout + refused.stderr;
    expect(outputs).not.toContain(JOB_SENTINEL);
    const store = path.join(cwd, '.dorametrics');
    for (const file of readdirSync(store)) {
      expect(readFileSync(path.join(store, file)).includes(JOB_SENTINEL), file).toBe(false);
    }
  });

  it('names a project by its numeric id: stored under its path with the same numbers; --repo by id or path; a move carries its history over', async () => {
    // `staging` is named as a production environment, so D10 counts: a report that did not find
    // the source's environments through its stored path would count 7 deployments, not 8.
    const byId = { ...PAYMENTS_SOURCE, project: 42, deployments: { from: 'deployments', environments: ['production', 'staging'] } };
    writeConfig([byId]);
    const fake = createFakeGitLab({ 'acme/payments': payments() }, { privateTokens: [GITLAB_SENTINEL_TOKEN] });
    serveGitLab(fake);

    // Before any sync: the store exists (made by an earlier command), the project has no path yet.
    withStore(path.join(cwd, '.dorametrics', 'dorametrics.db'), () => {});
    const before = await runCli(['report', ...WINDOW, '--format', 'json'], { cwd, env });
    expect(before.code).toBe(0);
    expect(JSON.parse(before.stdout).warnings).toContain('gitlab:42: configured but never synced (run "dorametrics sync")');
    const notYet = await runCli(['report', ...WINDOW, '--repo', 'gitlab:42'], { cwd, env });
    expect(notYet.code).toBe(2);
    expect(notYet.stderr).toContain('--repo "gitlab:42": the project was never synced into this store');

    const first = await runCli(['sync', '--repo', 'gitlab:42'], { cwd, env });
    expect(first.code).toBe(0);
    expect(first.stderr).toMatch(/^gitlab:acme\/payments: 133 commits, 8 merge requests, 10 deployments, 2 incidents \(25 requests\)\n$/);
    // The same requests as by path, the first one naming the project by its id.
    expect(fake.requests.map(short).slice(0, 2)).toEqual(['/projects/42', '/projects/42/repository/commits']);

    const doc = await report();
    expect(doc.scope.repos).toEqual(['gitlab:acme/payments']);
    // As in the first test, plus D10 (11-18, staging): 8 deployments on 7 days; weeks back
    // from 11-29 hold 0, 1, 0 and 6 deploy days: median 0.5; 8 / 28 × 7 = 2 a week.
    expect(doc.metrics.deploymentFrequency).toEqual({
      deployments: 8, deployDays: 7, perDay: 8 / 28, perWeek: 2, medianDeployDaysPerWeek: 0.5, level: 'medium',
    });
    // + !8, deployed by D10 11-18 11:00: 11:00 − 08:00 = 3 h. Sorted 7200, 7200, 10800, 14400,
    // 18000, 21600: p50 (10800 + 14400) / 2.
    expect(doc.metrics.leadTime).toMatchObject({ changes: 6, p50: 12600, mean: (68400 + 10800) / 6 });
    expect(doc.metrics.cycleTimeLag.undeployed).toEqual({ count: 0, oldestAgeSeconds: null });
    expect((await report(['--repo', 'gitlab:42'])).metrics).toEqual(doc.metrics);
    expect((await report(['--repo', 'gitlab:acme/payments'])).metrics).toEqual(doc.metrics);

    // The project moves to acme/ledger; GitLab still knows it as 42.
    fake.projects['acme/ledger'] = fake.projects['acme/payments']!;
    delete fake.projects['acme/payments'];
    fake.requests.length = 0;
    const moved = await runCli(['sync', '--repo', 'gitlab:acme/payments'], { cwd, env });
    expect(moved.code).toBe(0);
    // The lists re-read only their minute of slack: D10 and #21, whose web URLs now name
    // acme/ledger, so both are rewritten and counted.
    expect(moved.stderr).toBe(
      'gitlab:acme/ledger: 0 commits, 0 merge requests, 1 deployment, 1 incident (5 requests)\n' +
        '  note: gitlab:acme/ledger: project 42 was stored as gitlab:acme/payments before (renamed or moved); its history moved ' +
        'to gitlab:acme/ledger (133 commits, 8 merge requests, 10 deployments, 2 incidents); "teams" and "services" entries ' +
        'that name gitlab:acme/payments should name gitlab:acme/ledger now\n',
    );
    // The cursors moved with the facts: an incremental sync, one request per resource.
    expect(fake.requests.map(short)).toEqual([
      '/projects/42',
      '/projects/42/repository/commits',
      '/projects/42/merge_requests',
      '/projects/42/deployments',
      '/projects/42/issues',
    ]);
    const afterMove = await report();
    expect(afterMove.scope.repos).toEqual(['gitlab:acme/ledger']);
    expect(afterMove.metrics).toEqual(doc.metrics);
    expect(afterMove.warnings).toEqual(doc.warnings);
    const stale = await runCli(['report', ...WINDOW, '--repo', 'gitlab:acme/payments'], { cwd, env });
    expect(stale.code).toBe(2);
    expect(stale.stderr).toContain('known repositories: gitlab:acme/ledger');

    // Named by the old path, GitLab answers through its redirect: the harvest works and says so.
    writeConfig([{ ...byId, project: 'acme/payments' }]);
    fake.redirects = { 'acme/payments': 'acme/ledger' };
    const byOldPath = await runCli(['sync'], { cwd, env });
    expect(byOldPath.code).toBe(0);
    expect(byOldPath.stderr).toContain(
      'note: gitlab:acme/payments: GitLab now names this project acme/ledger (renamed or moved); set "project" to "acme/ledger" or to its id 42, which survives moves',
    );
  });

  it('refuses two sources for one project (by id and by path, once the store knows they are one), before any request', async () => {
    writeConfig([{ ...PAYMENTS_SOURCE, project: 42 }]);
    const fake = createFakeGitLab({ 'acme/payments': payments() });
    serveGitLab(fake);
    expect((await runCli(['sync'], { cwd, env })).code).toBe(0);

    writeConfig([{ ...PAYMENTS_SOURCE, project: 42 }, PAYMENTS_SOURCE]);
    fake.requests.length = 0;
    const both = await runCli(['sync'], { cwd, env });
    expect(both.code).toBe(2);
    expect(both.stderr).toBe(
      'dorametrics: sources[0] (gitlab:42) and sources[1] (gitlab:acme/payments) name the same repository\n' +
        '  hint: keep one of them in the config\n',
    );
    expect(fake.requests).toEqual([]);

    // Without a store, the config alone tells two spellings of one path apart from two projects.
    writeConfig([{ type: 'github', repo: 'acme/shop' }, { type: 'github', repo: 'Acme/Shop' }, PAYMENTS_SOURCE]);
    const twice = await runCli(['sync', '--db', path.join(cwd, 'elsewhere.db')], { cwd, env: { ...env, GITHUB_TOKEN: GITHUB_SENTINEL } });
    expect(twice.code).toBe(2);
    expect(twice.stderr).toContain('sources[0] (github:acme/shop) and sources[1] (github:Acme/Shop) name the same repository');
  });
});
