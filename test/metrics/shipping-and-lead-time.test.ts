import { describe, expect, it } from 'vitest';
import {
  DAY,
  HOUR,
  NOVEMBER,
  at,
  chain,
  commit,
  deployment,
  facts,
  incident,
  metricsFor,
  pullRequest,
  repository,
  sha,
} from '../helpers/builders.js';

const prCommit = (label: string, authored: string) => ({ sha: sha(label), authoredAt: at(authored) });

describe('SPEC §5.2 which deployment shipped a change', () => {
  it('the baseline deployment counts as a deployment, but PRs it reaches are left out of every PR figure', () => {
    // c1 ← c2 ← c3. Baseline D1 deploys c2 (reaching c1, c2); D2 deploys c3.
    const commits = chain(['c1', 'c2', 'c3'], '2026-11-01T00:00:00Z');
    const pullRequests = [
      pullRequest(1, { merged: '2026-11-02T00:00:00Z', mergeCommitSha: sha('c1'), commits: [prCommit('p1', '2026-11-01T00:00:00Z')] }),
      pullRequest(2, { merged: '2026-11-05T00:00:00Z', mergeCommitSha: sha('c3'), commits: [prCommit('p2', '2026-11-04T00:00:00Z')] }),
    ];
    const deployments = [deployment('1', 'c2', '2026-11-03T00:00:00Z'), deployment('2', 'c3', '2026-11-06T00:00:00Z')];
    const { metrics, changes } = metricsFor(facts({ commits, pullRequests, deployments }));
    expect(metrics.deploymentFrequency.deployments).toBe(2);
    // Only PR 2: 11-06 − 11-04 = 2 days.
    expect(metrics.leadTime).toMatchObject({ changes: 1, p50: 2 * DAY });
    expect(changes.map((change) => change.number)).toEqual([2]);
    // PR 1 is deployed (by the baseline), so it is not undeployed either.
    expect(metrics.cycleTimeLag.undeployed.count).toBe(0);
  });

  it('squash merge: the squash commit is on main, the PR commits are not; lead time from the earliest PR commit', () => {
    const commits = [commit('m1', [], '2026-11-01T00:00:00Z'), commit('sq', ['m1'], '2026-11-03T10:00:00Z')];
    const pullRequests = [
      pullRequest(3, {
        merged: '2026-11-03T10:00:00Z',
        mergeCommitSha: sha('sq'),
        commits: [prCommit('x1', '2026-11-02T08:00:00Z'), prCommit('x2', '2026-11-02T12:00:00Z')],
      }),
    ];
    const deployments = [deployment('0', 'm1', '2026-11-01T01:00:00Z'), deployment('1', 'sq', '2026-11-03T12:00:00Z')];
    const { metrics } = metricsFor(facts({ commits, pullRequests, deployments }));
    // 11-03 12:00 − 11-02 08:00 = 28 h; lag 12:00 − 10:00 = 2 h.
    expect(metrics.leadTime).toMatchObject({ changes: 1, p50: 28 * HOUR });
    expect(metrics.cycleTimeLag).toMatchObject({ count: 1, p50: 2 * HOUR });
  });

  it('rebase merge: the last rebased commit is the merged commit', () => {
    const commits = [
      commit('m1', [], '2026-11-01T00:00:00Z'),
      commit('r1', ['m1'], '2026-11-02T09:00:00Z'),
      commit('r2', ['r1'], '2026-11-02T10:00:00Z'),
    ];
    const pullRequests = [
      pullRequest(4, {
        merged: '2026-11-03T09:00:00Z',
        mergeCommitSha: sha('r2'),
        commits: [prCommit('o1', '2026-11-02T09:00:00Z'), prCommit('o2', '2026-11-02T10:00:00Z')],
      }),
    ];
    const deployments = [deployment('0', 'm1', '2026-11-01T01:00:00Z'), deployment('1', 'r2', '2026-11-04T09:00:00Z')];
    // 11-04 09:00 − 11-02 09:00 = 48 h.
    expect(metricsFor(facts({ commits, pullRequests, deployments })).metrics.leadTime.p50).toBe(48 * HOUR);
  });

  it('fast-forward merge on GitLab: no merge or squash commit, the head sha is the merged commit', () => {
    const gitlab = 'gitlab:acme/payments';
    const repositories = [repository({ id: gitlab, forge: 'gitlab', fullName: 'acme/payments', webUrl: null })];
    const commits = [
      commit('m1', [], '2026-11-01T00:00:00Z', { repoId: gitlab }),
      commit('h1', ['m1'], '2026-11-04T11:00:00Z', { repoId: gitlab }),
      commit('h2', ['h1'], '2026-11-04T15:00:00Z', { repoId: gitlab }),
    ];
    const pullRequests = [
      pullRequest(4, {
        repoId: gitlab,
        merged: '2026-11-05T10:00:00Z',
        headSha: sha('h2'),
        commits: [prCommit('h1', '2026-11-04T11:00:00Z'), prCommit('h2', '2026-11-04T15:00:00Z')],
      }),
      // A GitLab squash merge: no merge commit, so the squash commit is the merged commit.
      pullRequest(5, {
        repoId: gitlab,
        merged: '2026-11-05T10:30:00Z',
        squashCommitSha: sha('h2'),
        headSha: sha('zz'),
        commits: [prCommit('q1', '2026-11-05T08:00:00Z')],
      }),
    ];
    const deployments = [
      deployment('0', 'm1', '2026-11-01T01:00:00Z', { repoId: gitlab }),
      deployment('1', 'h2', '2026-11-05T11:00:00Z', { repoId: gitlab }),
    ];
    const { metrics } = metricsFor(facts({ repositories, commits, pullRequests, deployments }));
    // !4: 11-05 11:00 − 11-04 11:00 = 24 h; !5: 11:00 − 08:00 = 3 h → p50 of 3 h, 24 h = 13.5 h.
    expect(metrics.leadTime).toMatchObject({ changes: 2, p50: 13.5 * HOUR });
  });

  it('the earliest deployment reaching the merged commit ships it, whatever the base branch', () => {
    // main: m1 ← m2. A hotfix branch commit f1 (parent m1) is deployed first, then m2 (merge of f1).
    const commits = [
      commit('m1', [], '2026-11-01T00:00:00Z'),
      commit('f1', ['m1'], '2026-11-02T00:00:00Z'),
      commit('m2', ['m1', 'f1'], '2026-11-03T00:00:00Z'),
    ];
    const pullRequests = [
      pullRequest(9, { merged: '2026-11-02T01:00:00Z', baseBranch: 'release/1.2', mergeCommitSha: sha('f1'), commits: [prCommit('f1', '2026-11-02T00:00:00Z')] }),
    ];
    const deployments = [
      deployment('0', 'm1', '2026-11-01T01:00:00Z'),
      deployment('hotfix', 'f1', '2026-11-02T02:00:00Z'),
      deployment('main', 'm2', '2026-11-03T02:00:00Z'),
    ];
    const { changes, metrics } = metricsFor(facts({ commits, pullRequests, deployments }));
    expect(changes).toHaveLength(1);
    expect(changes[0]!.deploymentId).toBe('github:acme/shop:deployment:hotfix');
    expect(metrics.leadTime.p50).toBe(2 * HOUR);
  });

  it('a deployment recorded with an abbreviated sha ships what the full sha reaches', () => {
    const commits = chain(['c1', 'c2'], '2026-11-01T00:00:00Z');
    const pullRequests = [pullRequest(1, { merged: '2026-11-02T00:00:00Z', mergeCommitSha: sha('c2'), commits: [prCommit('c2', '2026-11-01T01:00:00Z')] })];
    const deployments = [
      deployment('0', 'c1', '2026-11-01T02:00:00Z'),
      deployment('1', 'c2', '2026-11-02T01:00:00Z', { sha: sha('c2').slice(0, 8) }),
    ];
    // 11-02 01:00 − 11-01 01:00 = 24 h.
    expect(metricsFor(facts({ commits, pullRequests, deployments })).metrics.leadTime.p50).toBe(24 * HOUR);
  });

  it('the baseline counts for change failure and rework like any other deployment', () => {
    // c1 ← c2. Baseline D1 c1 11-02 reaches #1 (labelled hotfix); D2 c2 11-03 ships nothing.
    const commits = chain(['c1', 'c2'], '2026-11-01T00:00:00Z');
    const pullRequests = [
      pullRequest(1, { labels: ['hotfix'], merged: '2026-11-01T12:00:00Z', mergeCommitSha: sha('c1'), commits: [prCommit('p1', '2026-11-01T00:00:00Z')] }),
    ];
    const deployments = [deployment('1', 'c1', '2026-11-02T00:00:00Z'), deployment('2', 'c2', '2026-11-03T00:00:00Z')];
    // Opened 11-02 06:00: by window, the baseline D1 (6 h before).
    const incidents = [incident('I1', '2026-11-02T06:00:00Z', '2026-11-02T07:00:00Z')];
    const result = metricsFor(facts({ commits, pullRequests, deployments, incidents }));
    expect(result.incidents[0]).toMatchObject({ by: 'window', deploymentId: 'github:acme/shop:deployment:1' });
    // Failed: D1 → 1 of 2. Rework: D1 ships the hotfix #1 → 1 of 2.
    expect(result.metrics.changeFailureRate).toEqual({ deployments: 2, failedDeployments: 1, rate: 0.5, level: 'low' });
    expect(result.metrics.reworkRate).toEqual({ deployments: 2, reworkDeployments: 1, rate: 0.5 });
    // #1 is the baseline's: left out of every PR figure.
    expect(result.metrics.leadTime.changes).toBe(0);
  });

  it('the earliest deployment by finished_at, ties by id: of `b` (the merged commit) and `a` (a descendant) finishing together, `a` ships it', () => {
    // c1 ← c2 ← c3. Baseline c1; `b` deploys c2 and `a` deploys c3, both at 11-03 00:00; both reach #7's c2.
    const commits = chain(['c1', 'c2', 'c3'], '2026-11-01T00:00:00Z');
    const pullRequests = [
      pullRequest(7, { merged: '2026-11-02T12:00:00Z', mergeCommitSha: sha('c2'), commits: [prCommit('p7', '2026-11-02T00:00:00Z')] }),
    ];
    const deployments = [
      deployment('0', 'c1', '2026-11-01T05:00:00Z'),
      deployment('b', 'c2', '2026-11-03T00:00:00Z'),
      deployment('a', 'c3', '2026-11-03T00:00:00Z'),
    ];
    const { changes, metrics } = metricsFor(facts({ commits, pullRequests, deployments }));
    // Same finished_at: the id …:deployment:a sorts before …:deployment:b.
    expect(changes.map((c) => [c.number, c.deploymentId])).toEqual([[7, 'github:acme/shop:deployment:a']]);
    // 11-03 00:00 − 11-02 00:00 = 1 day.
    expect(metrics.leadTime).toMatchObject({ changes: 1, p50: DAY });
  });

  it('GitLab: merge_commit_sha, else squash_commit_sha — an MR with both is shipped by the deployment reaching its merge commit', () => {
    const gitlab = 'gitlab:acme/payments';
    const repositories = [repository({ id: gitlab, forge: 'gitlab', fullName: 'acme/payments', webUrl: null })];
    // c1 ← sq ← mc: the squash commit sq, then the merge commit mc.
    const commits = chain(['c1', 'sq', 'mc'], '2026-11-01T00:00:00Z').map((c) => ({ ...c, repoId: gitlab }));
    const pullRequests = [
      pullRequest(8, {
        repoId: gitlab,
        merged: '2026-11-02T11:00:00Z',
        mergeCommitSha: sha('mc'),
        squashCommitSha: sha('sq'),
        commits: [prCommit('w1', '2026-11-02T08:00:00Z')],
      }),
    ];
    const deployments = [
      deployment('0', 'c1', '2026-11-01T05:00:00Z', { repoId: gitlab }),
      deployment('1', 'sq', '2026-11-02T12:00:00Z', { repoId: gitlab }),
      deployment('2', 'mc', '2026-11-03T12:00:00Z', { repoId: gitlab }),
    ];
    const { changes, metrics } = metricsFor(facts({ repositories, commits, pullRequests, deployments }));
    expect(changes.map((c) => c.deploymentId)).toEqual(['gitlab:acme/payments:deployment:2']);
    // 11-03 12:00 − 11-02 08:00 = 28 h = 100800 s (the squash commit would give D1: 4 h).
    expect(metrics.leadTime).toMatchObject({ changes: 1, p50: 100_800 });
  });
});

describe('SPEC §5.4 lead time for changes', () => {
  it('uses the earliest authored commit, not the first listed one', () => {
    const commits = chain(['c1', 'c2'], '2026-11-01T00:00:00Z');
    const pullRequests = [
      pullRequest(1, {
        merged: '2026-11-03T12:00:00Z',
        mergeCommitSha: sha('c2'),
        commits: [prCommit('late', '2026-11-03T00:00:00Z'), prCommit('early', '2026-11-02T00:00:00Z')],
      }),
    ];
    const deployments = [deployment('0', 'c1', '2026-11-01T05:00:00Z'), deployment('1', 'c2', '2026-11-04T00:00:00Z')];
    // 11-04 − 11-02 = 2 days (the first listed commit would give 1 day).
    expect(metricsFor(facts({ commits, pullRequests, deployments })).metrics.leadTime).toMatchObject({ changes: 1, p50: 2 * DAY, level: 'high' });
  });

  it('p50, p75, p90 and mean over three PRs of 1 h, 3 h and 11 h', () => {
    const commits = chain(['c1', 'c2', 'c3', 'c4'], '2026-11-01T00:00:00Z');
    const deployedAt = '2026-11-10T12:00:00Z';
    const pullRequests = [
      pullRequest(1, { merged: '2026-11-10T11:00:00Z', mergeCommitSha: sha('c2'), commits: [prCommit('a', '2026-11-10T11:00:00Z')] }),
      pullRequest(2, { merged: '2026-11-10T11:00:00Z', mergeCommitSha: sha('c3'), commits: [prCommit('b', '2026-11-10T09:00:00Z')] }),
      pullRequest(3, { merged: '2026-11-10T11:00:00Z', mergeCommitSha: sha('c4'), commits: [prCommit('c', '2026-11-10T01:00:00Z')] }),
    ];
    const deployments = [deployment('0', 'c1', '2026-11-01T05:00:00Z'), deployment('1', 'c4', deployedAt)];
    const { leadTime } = metricsFor(facts({ commits, pullRequests, deployments })).metrics;
    // sorted 1 h, 3 h, 11 h: p50 = 3 h; p75 rank 1.5 → 3 + 0.5·8 = 7 h; p90 rank 1.8 → 3 + 0.8·8 = 9.4 h; mean 5 h.
    expect(leadTime.changes).toBe(3);
    expect(leadTime.p50).toBe(3 * HOUR);
    expect(leadTime.p75).toBe(7 * HOUR);
    expect(leadTime.p90).toBeCloseTo(9.4 * HOUR, 6);
    expect(leadTime.mean).toBe(5 * HOUR);
    expect(leadTime.level).toBe('elite');
  });

  it('a negative value is left out and named in warnings', () => {
    const commits = chain(['c1', 'c2'], '2026-11-01T00:00:00Z');
    const pullRequests = [
      pullRequest(1, { merged: '2026-11-03T00:00:00Z', mergeCommitSha: sha('c2'), commits: [prCommit('skewed', '2026-11-05T00:00:00Z')] }),
    ];
    const deployments = [deployment('0', 'c1', '2026-11-01T05:00:00Z'), deployment('1', 'c2', '2026-11-04T00:00:00Z')];
    const result = metricsFor(facts({ commits, pullRequests, deployments }));
    expect(result.metrics.leadTime.changes).toBe(0);
    expect(result.metrics.leadTime.p50).toBeNull();
    expect(result.warnings.some((w) => w.includes('lead time of github:acme/shop#1 is negative'))).toBe(true);
  });

  it('bots are left out of PR figures (REST [bot], exclude.authors, GitLab bot users, forge flag), their deployments still count', () => {
    const commits = chain(['c1', 'c2'], '2026-11-01T00:00:00Z');
    const shipped = (number: number, author: string, isBot = false) =>
      pullRequest(number, { author, isBot, merged: '2026-11-03T00:00:00Z', mergeCommitSha: sha('c2'), commits: [prCommit(`b${number}`, '2026-11-02T00:00:00Z')] });
    const pullRequests = [
      shipped(20, 'alice'),
      shipped(21, 'renovate-bot'),
      shipped(22, 'dependabot[bot]'),
      shipped(23, 'project_42_bot_3f9a'),
      shipped(24, 'release-app', true),
      // An undeployed bot PR is not "undeployed" either.
      pullRequest(25, { author: 'Renovate-Bot', merged: '2026-11-20T00:00:00Z', mergeCommitSha: sha('zz') }),
    ];
    const deployments = [deployment('0', 'c1', '2026-11-01T05:00:00Z'), deployment('1', 'c2', '2026-11-04T00:00:00Z')];
    const result = metricsFor(facts({ commits, pullRequests, deployments }));
    expect(result.metrics.leadTime).toMatchObject({ changes: 1, p50: 2 * DAY });
    expect(result.metrics.cycleTimeLag.count).toBe(1);
    expect(result.metrics.cycleTimeLag.undeployed.count).toBe(0);
    expect(result.metrics.deploymentFrequency.deployments).toBe(2);
    expect(result.warnings).toContain('4 bot PRs left out of lead time and cycle-time figures');
  });

  it('bots by the forge rules alone (exclude.authors empty): a login ending in [bot] and GitLab\'s group_<id>_bot users', () => {
    const commits = chain(['c1', 'c2'], '2026-11-01T00:00:00Z');
    const shipped = (number: number, author: string) =>
      pullRequest(number, {
        author,
        createdAt: at('2026-11-02T06:00:00Z'),
        merged: '2026-11-02T12:00:00Z',
        mergeCommitSha: sha('c2'),
        commits: [prCommit(`b${number}`, '2026-11-02T00:00:00Z')],
      });
    const pullRequests = [shipped(50, 'alice'), shipped(51, 'github-actions[bot]'), shipped(52, 'group_7_bot_ab')];
    const deployments = [deployment('0', 'c1', '2026-11-01T05:00:00Z'), deployment('1', 'c2', '2026-11-03T00:00:00Z')];
    const result = metricsFor(facts({ commits, pullRequests, deployments }), NOVEMBER, { excludedAuthors: [] });
    // Only alice's #50: lead time 11-03 00:00 − 11-02 00:00 = 24 h; coding 6 h; lag 12 h.
    expect(result.metrics.leadTime).toMatchObject({ changes: 1, p50: DAY });
    expect(result.metrics.cycleTimeLag).toMatchObject({ count: 1, p50: 12 * HOUR });
    expect(result.metrics.cycleTimeLag.phases.coding).toMatchObject({ count: 1, p50: 6 * HOUR });
    expect(result.warnings).toContain('2 bot PRs left out of lead time and cycle-time figures');
  });

  it('over several repositories values are pooled: 1 h in one, 3 h and 5 h in another → one p50 of 3 h, mean 3 h', () => {
    const other = 'github:acme/api';
    const repositories = [repository(), repository({ id: other, fullName: 'acme/api', webUrl: 'https://github.com/acme/api' })];
    const commits = [
      ...chain(['a1', 'a2'], '2026-11-01T00:00:00Z'),
      ...chain(['b1', 'b2', 'b3'], '2026-11-01T00:00:00Z').map((c) => ({ ...c, repoId: other })),
    ];
    const pullRequests = [
      pullRequest(1, { merged: '2026-11-10T11:00:00Z', mergeCommitSha: sha('a2'), commits: [prCommit('x1', '2026-11-10T11:00:00Z')] }),
      pullRequest(1, { repoId: other, merged: '2026-11-10T11:00:00Z', mergeCommitSha: sha('b2'), commits: [prCommit('y1', '2026-11-10T09:00:00Z')] }),
      pullRequest(2, { repoId: other, merged: '2026-11-10T11:00:00Z', mergeCommitSha: sha('b3'), commits: [prCommit('y2', '2026-11-10T07:00:00Z')] }),
    ];
    const deployments = [
      deployment('0', 'a1', '2026-11-01T05:00:00Z'),
      deployment('1', 'a2', '2026-11-10T12:00:00Z'),
      deployment('0', 'b1', '2026-11-01T05:00:00Z', { repoId: other }),
      deployment('1', 'b3', '2026-11-10T12:00:00Z', { repoId: other }),
    ];
    const { leadTime } = metricsFor(facts({ repositories, commits, pullRequests, deployments })).metrics;
    // Pooled 1 h, 3 h, 5 h: p50 3 h = 10800 s, mean 9 h / 3 = 3 h = 10800 s.
    // (Per repository 1 h and 4 h, whose mean or median would be 2.5 h.)
    expect(leadTime).toMatchObject({ changes: 3, p50: 10_800, mean: 10_800 });
  });

  it('with leadTime.unit "commit", every commit a deployment ships has a lead time', () => {
    const commits = chain(['c1', 'c2', 'c3'], '2026-11-01T00:00:00Z'); // authored 00:00, 01:00, 02:00
    const deployments = [deployment('0', 'c1', '2026-11-01T05:00:00Z'), deployment('1', 'c3', '2026-11-02T02:00:00Z')];
    const { leadTime } = metricsFor(facts({ commits, deployments }), NOVEMBER, { leadTimeUnit: 'commit' }).metrics;
    // c2: 11-02 02:00 − 11-01 01:00 = 25 h; c3: 24 h → p50 24.5 h.
    expect(leadTime).toMatchObject({ changes: 2, p50: 24.5 * HOUR });
  });
});

describe('SPEC §5.5 cycle-time lag and the phases before it', () => {
  it('coding, pickup, review and lag per PR; a PR without review has no pickup or review', () => {
    const commits = chain(['c1', 'c2', 'c3'], '2026-11-01T00:00:00Z');
    const pullRequests = [
      pullRequest(1, {
        createdAt: at('2026-11-02T06:00:00Z'),
        firstReviewAt: at('2026-11-02T09:00:00Z'),
        merged: '2026-11-02T15:00:00Z',
        mergeCommitSha: sha('c2'),
        commits: [prCommit('a', '2026-11-02T00:00:00Z')],
      }),
      pullRequest(2, {
        createdAt: at('2026-11-02T01:00:00Z'),
        merged: '2026-11-02T05:00:00Z',
        mergeCommitSha: sha('c3'),
        commits: [prCommit('b', '2026-11-02T00:00:00Z')],
      }),
    ];
    const deployments = [deployment('0', 'c1', '2026-11-01T05:00:00Z'), deployment('1', 'c3', '2026-11-03T00:00:00Z')];
    const lag = metricsFor(facts({ commits, pullRequests, deployments })).metrics.cycleTimeLag;
    // PR 1: coding 6 h, pickup 3 h, review 6 h, lag 9 h. PR 2: coding 1 h, lag 19 h.
    expect(lag.phases.coding).toMatchObject({ count: 2, p50: 3.5 * HOUR, mean: 3.5 * HOUR });
    expect(lag.phases.pickup).toMatchObject({ count: 1, p50: 3 * HOUR });
    expect(lag.phases.review).toMatchObject({ count: 1, p50: 6 * HOUR });
    expect(lag).toMatchObject({ count: 2, p50: 14 * HOUR, p90: 18 * HOUR, mean: 14 * HOUR });
  });

  it('a negative phase value is left out and named in warnings, the other phases still count', () => {
    const commits = chain(['c1', 'c2'], '2026-11-01T00:00:00Z');
    // Created 11-02 00:00, before its first commit at 06:00 (e.g. a draft opened first); merged 12:00.
    const pullRequests = [
      pullRequest(1, {
        createdAt: at('2026-11-02T00:00:00Z'),
        merged: '2026-11-02T12:00:00Z',
        mergeCommitSha: sha('c2'),
        commits: [prCommit('a', '2026-11-02T06:00:00Z')],
      }),
    ];
    const deployments = [deployment('0', 'c1', '2026-11-01T05:00:00Z'), deployment('1', 'c2', '2026-11-03T00:00:00Z')];
    const result = metricsFor(facts({ commits, pullRequests, deployments }));
    // coding = 00:00 − 06:00 = −6 h: left out → count 0, p50 null. lag = 11-03 00:00 − 11-02 12:00 = 12 h = 43200 s.
    expect(result.metrics.cycleTimeLag.phases.coding).toEqual({ count: 0, p50: null, p75: null, p90: null, mean: null });
    expect(result.metrics.cycleTimeLag).toMatchObject({ count: 1, p50: 43_200 });
    // Lead time 11-03 00:00 − 11-02 06:00 = 18 h is not negative: still counted.
    expect(result.metrics.leadTime).toMatchObject({ changes: 1, p50: 18 * HOUR });
    expect(result.warnings.some((w) => w.includes('coding time of github:acme/shop#1 is negative'))).toBe(true);
  });

  it('undeployed: merged into the default branch before `to` (also before `from`), not reached by a deployment finished before `to`', () => {
    const commits = chain(['c1', 'c2', 'c3'], '2026-10-01T00:00:00Z');
    const pullRequests = [
      pullRequest(30, { merged: '2026-10-20T00:00:00Z', mergeCommitSha: sha('c2') }), // waiting since before the window
      pullRequest(31, { merged: '2026-11-10T00:00:00Z', mergeCommitSha: sha('c3') }), // deployed only after `to`
      pullRequest(32, { merged: '2026-11-10T00:00:00Z', mergeCommitSha: sha('r1'), baseBranch: 'release' }), // not the default branch
      pullRequest(33, { merged: '2026-10-01T00:00:00Z', mergeCommitSha: sha('c1') }), // reached by the baseline
      pullRequest(34, { merged: '2026-11-29T00:00:00Z', mergeCommitSha: sha('c3') }), // merged at `to`: not before it
      pullRequest(35, { title: 'open' }), // never merged
    ];
    const deployments = [deployment('0', 'c1', '2026-11-02T00:00:00Z'), deployment('late', 'c3', '2026-11-30T00:00:00Z')];
    const result = metricsFor(facts({ commits, pullRequests, deployments }));
    expect(result.undeployed.map((pr) => pr.number)).toEqual([30, 31]);
    // oldest: 11-29 − 10-20 = 40 days.
    expect(result.metrics.cycleTimeLag.undeployed).toEqual({ count: 2, oldestAgeSeconds: 40 * DAY });
  });

  it('undeployed leaves out PRs reached by the baseline, even when the baseline finished after `to`', () => {
    // The first deployment ever stored (the baseline, 12-05, after November) reaches c2: #40 and
    // #41 were deployed before history starts, so as of `to` they are not known to wait. #42 (c3)
    // is reached by no deployment: it waits, 11-29 − 11-15 = 14 days.
    const commits = chain(['c1', 'c2', 'c3'], '2026-10-01T00:00:00Z');
    const pullRequests = [
      pullRequest(40, { merged: '2026-11-10T00:00:00Z', mergeCommitSha: sha('c1') }),
      pullRequest(41, { merged: '2026-11-12T00:00:00Z', mergeCommitSha: sha('c2') }),
      pullRequest(42, { merged: '2026-11-15T00:00:00Z', mergeCommitSha: sha('c3') }),
    ];
    const deployments = [deployment('baseline', 'c2', '2026-12-05T00:00:00Z')];
    const result = metricsFor(facts({ commits, pullRequests, deployments }));
    expect(result.undeployed.map((pr) => pr.number)).toEqual([42]);
    expect(result.metrics.cycleTimeLag.undeployed).toEqual({ count: 1, oldestAgeSeconds: 14 * DAY });
  });
});
