import { describe, expect, it } from 'vitest';
import {
  DAY,
  HOUR,
  at,
  chain,
  deployment,
  facts,
  incident,
  metricsFor,
  pullRequest,
  repository,
  sha,
} from '../helpers/builders.js';

describe('SPEC §5.6 change failure rate and §5.9 rework rate', () => {
  it('a rollback ships nothing, marks the deployment before it failed, and is itself rework', () => {
    const commits = chain(['c1', 'c2', 'c3'], '2026-11-01T00:00:00Z');
    const pullRequests = [
      pullRequest(6, { merged: '2026-11-02T12:00:00Z', mergeCommitSha: sha('c2'), commits: [{ sha: sha('p6'), authoredAt: at('2026-11-02T00:00:00Z') }] }),
      pullRequest(7, { merged: '2026-11-03T12:00:00Z', mergeCommitSha: sha('c3'), commits: [{ sha: sha('p7'), authoredAt: at('2026-11-03T00:00:00Z') }] }),
    ];
    const deployments = [
      deployment('1', 'c1', '2026-11-02T00:00:00Z'), // baseline
      deployment('2', 'c2', '2026-11-03T00:00:00Z'), // ships #6
      deployment('3', 'c3', '2026-11-04T00:00:00Z'), // ships #7, then rolled back
      deployment('4', 'c2', '2026-11-05T00:00:00Z'), // rollback to c2: ships nothing
      deployment('5', 'c3', '2026-11-06T00:00:00Z'), // roll forward again: c3 was shipped already, not a rollback
    ];
    const result = metricsFor(facts({ commits, pullRequests, deployments }));
    expect(result.changes.map((c) => [c.number, c.deploymentId.split(':').pop()])).toEqual([
      ['6', '2'],
      ['7', '3'],
    ].map(([n, d]) => [Number(n), d]));
    // Failed: D3 only (D4 is a strict ancestor of D3). 1 of 5 = 20 %.
    expect(result.metrics.changeFailureRate).toEqual({ deployments: 5, failedDeployments: 1, rate: 0.2, level: 'low' });
    // Rework: D4 only (its sha is a strict ancestor of D3's). 1 of 5.
    expect(result.metrics.reworkRate).toEqual({ deployments: 5, reworkDeployments: 1, rate: 0.2 });
    // D3 failed only by rollback: recovered when D4 finished, one day later.
    expect(result.metrics.failedDeploymentRecoveryTime).toMatchObject({ failures: 1, recovered: 1, p50: DAY, level: 'medium' });
  });

  it('re-deploying the same sha is neither a rollback nor a failure', () => {
    const commits = chain(['c1', 'c2'], '2026-11-01T00:00:00Z');
    const deployments = [
      deployment('1', 'c1', '2026-11-02T00:00:00Z'),
      deployment('2', 'c2', '2026-11-03T00:00:00Z'),
      deployment('3', 'c2', '2026-11-03T12:00:00Z'), // more than 10 minutes later: a real second deployment
    ];
    const { metrics } = metricsFor(facts({ commits, deployments }));
    expect(metrics.changeFailureRate.failedDeployments).toBe(0);
    expect(metrics.reworkRate.reworkDeployments).toBe(0);
    expect(metrics.deploymentFrequency.deployments).toBe(3);
  });

  it('a merged revert PR naming a shipped PR fails its deployment; the deployment shipping the revert is rework', () => {
    const commits = chain(['c1', 'c2', 'c3', 'c4'], '2026-11-01T00:00:00Z');
    const pullRequests = [
      pullRequest(5, { merged: '2026-11-02T12:00:00Z', mergeCommitSha: sha('c2') }),
      pullRequest(6, { title: 'Revert "PR 5"', body: 'Reverts acme/shop#5\n\nBroke checkout.', merged: '2026-11-03T12:00:00Z', mergeCommitSha: sha('c3') }),
      // Titles are not used, another repository's PR is not ours, an unmerged revert does not count.
      pullRequest(8, { title: 'Revert "PR 6"', body: 'Reverts acme/other#6', merged: '2026-11-04T12:00:00Z', mergeCommitSha: sha('c4') }),
      pullRequest(9, { body: 'Reverts acme/shop#8' }),
    ];
    const deployments = [
      deployment('1', 'c1', '2026-11-02T00:00:00Z'),
      deployment('2', 'c2', '2026-11-03T00:00:00Z'), // ships #5, reverted by #6
      deployment('3', 'c3', '2026-11-04T00:00:00Z'), // ships the revert #6
      deployment('4', 'c4', '2026-11-05T00:00:00Z'), // ships #8
    ];
    const { metrics } = metricsFor(facts({ commits, pullRequests, deployments }));
    expect(metrics.changeFailureRate).toEqual({ deployments: 4, failedDeployments: 1, rate: 0.25, level: 'low' });
    expect(metrics.reworkRate).toEqual({ deployments: 4, reworkDeployments: 1, rate: 0.25 });
    // D2 failed only by revert: recovered when D3 finished, a day later.
    expect(metrics.failedDeploymentRecoveryTime).toMatchObject({ failures: 1, recovered: 1, p50: DAY });
  });

  it('GitLab revert MRs name the MR with "This reverts merge request !N"', () => {
    const repoId = 'gitlab:acme/payments';
    const repositories = [{ id: repoId, forge: 'gitlab' as const, fullName: 'acme/payments', defaultBranch: 'main', webUrl: null }];
    const commits = chain(['c1', 'c2', 'c3'], '2026-11-01T00:00:00Z').map((c) => ({ ...c, repoId }));
    const pullRequests = [
      pullRequest(11, { repoId, merged: '2026-11-02T12:00:00Z', mergeCommitSha: sha('c2') }),
      pullRequest(12, { repoId, body: 'This reverts merge request !11', merged: '2026-11-03T12:00:00Z', mergeCommitSha: sha('c3') }),
    ];
    const deployments = [
      deployment('1', 'c1', '2026-11-02T00:00:00Z', { repoId }),
      deployment('2', 'c2', '2026-11-03T00:00:00Z', { repoId }),
      deployment('3', 'c3', '2026-11-04T00:00:00Z', { repoId }),
    ];
    const { metrics } = metricsFor(facts({ repositories, commits, pullRequests, deployments }));
    expect(metrics.changeFailureRate.failedDeployments).toBe(1);
    expect(metrics.reworkRate.reworkDeployments).toBe(1);
  });

  it('a deployment shipping a PR labelled with a rework label (case-insensitive) is rework', () => {
    const commits = chain(['c1', 'c2'], '2026-11-01T00:00:00Z');
    const pullRequests = [pullRequest(3, { labels: ['Hotfix'], merged: '2026-11-02T12:00:00Z', mergeCommitSha: sha('c2') })];
    const deployments = [deployment('1', 'c1', '2026-11-02T00:00:00Z'), deployment('2', 'c2', '2026-11-03T00:00:00Z')];
    const { metrics } = metricsFor(facts({ commits, pullRequests, deployments }));
    expect(metrics.reworkRate).toEqual({ deployments: 2, reworkDeployments: 1, rate: 0.5 });
    expect(metrics.changeFailureRate.failedDeployments).toBe(0);
  });

  it('a rollback after `to` still counts: it fails the last deployment in the window and recovers it', () => {
    // c1 ← c2. D1 c1 11-20 (baseline), D2 c2 11-28 12:00, D3 c1 11-29 06:00: after `to`, a rollback of D2.
    const commits = chain(['c1', 'c2'], '2026-11-01T00:00:00Z');
    const deployments = [
      deployment('1', 'c1', '2026-11-20T00:00:00Z'),
      deployment('2', 'c2', '2026-11-28T12:00:00Z'),
      deployment('3', 'c1', '2026-11-29T06:00:00Z'),
    ];
    const { metrics } = metricsFor(facts({ commits, deployments }));
    // In scope: D1, D2. D2 was rolled back (c1 is a strict ancestor of c2) → 1 of 2.
    expect(metrics.changeFailureRate).toEqual({ deployments: 2, failedDeployments: 1, rate: 0.5, level: 'low' });
    // The rollback D3 is rework, but it is not in the window: 0 of 2.
    expect(metrics.reworkRate).toEqual({ deployments: 2, reworkDeployments: 0, rate: 0 });
    // Recovered when D3 finished: 11-29 06:00 − 11-28 12:00 = 18 h = 64800 s (< 1 day → high).
    expect(metrics.failedDeploymentRecoveryTime).toMatchObject({ failures: 1, recovered: 1, p50: 64800, level: 'high' });
  });

  // c1 ← c2 ← c3. D1 c1 11-02 (baseline), D2 c2 11-03 ships #5; the revert #6 (merged commit c3) is merged 11-30, after `to`.
  const revertedAfterTo = (later: ReturnType<typeof deployment>[]) => facts({
    commits: chain(['c1', 'c2', 'c3'], '2026-11-01T00:00:00Z'),
    pullRequests: [
      pullRequest(5, { merged: '2026-11-02T12:00:00Z', mergeCommitSha: sha('c2') }),
      pullRequest(6, { title: 'Revert "PR 5"', body: 'Reverts acme/shop#5', merged: '2026-11-30T00:00:00Z', mergeCommitSha: sha('c3') }),
    ],
    deployments: [deployment('1', 'c1', '2026-11-02T00:00:00Z'), deployment('2', 'c2', '2026-11-03T00:00:00Z'), ...later],
  });

  it('a revert after `to` still counts: it fails the deployment in the window, recovered when the next deployment finishes', () => {
    const { metrics } = metricsFor(revertedAfterTo([deployment('3', 'c3', '2026-12-01T00:00:00Z')]));
    // In scope: D1, D2; D2 shipped #5, which #6 reverts → 1 of 2.
    expect(metrics.changeFailureRate).toEqual({ deployments: 2, failedDeployments: 1, rate: 0.5, level: 'low' });
    // Failed only by revert: recovered when D3 finished, 12-01 − 11-03 = 28 d = 2419200 s (≥ 1 week → low).
    expect(metrics.failedDeploymentRecoveryTime).toMatchObject({ failures: 1, recovered: 1, p50: 2_419_200, level: 'low' });
  });

  it('a revert after `to` still counts: without a next deployment the reverted one has failed but is not recovered', () => {
    const { metrics } = metricsFor(revertedAfterTo([]));
    expect(metrics.changeFailureRate).toEqual({ deployments: 2, failedDeployments: 1, rate: 0.5, level: 'low' });
    // failures 1, recovered 0: no duration → p50 null, level null.
    expect(metrics.failedDeploymentRecoveryTime).toEqual({
      failures: 1, recovered: 0, p50: null, p75: null, p90: null, mean: null, level: null,
    });
  });
});

describe('SPEC §5.7 incidents and their deployments, §5.8 time to restore and recovery time', () => {
  // c1 ← c2 ← c3 ← c4, deployed one each: D1 11-02 (baseline), D2 11-03, D3 11-05, D4 11-08.
  const commits = chain(['c1', 'c2', 'c3', 'c4'], '2026-11-01T00:00:00Z');
  const pullRequests = [
    pullRequest(11, { merged: '2026-11-02T12:00:00Z', mergeCommitSha: sha('c2') }),
    pullRequest(12, { merged: '2026-11-04T12:00:00Z', mergeCommitSha: sha('c3') }),
    pullRequest(13, { merged: '2026-11-07T12:00:00Z', mergeCommitSha: sha('c4') }),
  ];
  const deployments = [
    deployment('1', 'c1', '2026-11-02T00:00:00Z'),
    deployment('2', 'c2', '2026-11-03T00:00:00Z'),
    deployment('3', 'c3', '2026-11-05T00:00:00Z'),
    deployment('4', 'c4', '2026-11-08T00:00:00Z'),
  ];
  const incidents = [
    // By reference to a 7-character sha: D2, although D4 is within the window of its creation.
    incident('I1', '2026-11-09T00:00:00Z', '2026-11-09T02:00:00Z', { body: `Checkout down.\nRoot cause: ${sha('c2').slice(0, 7)}` }),
    // By `caused by: #12`: the deployment that shipped PR 12, D3.
    incident('I2', '2026-11-05T06:00:00Z', '2026-11-05T06:30:00Z', { body: 'Customers saw 500s. caused by: #12' }),
    // No reference ("see #13" is not one): by window, D2 finished 20 h before.
    incident('I3', '2026-11-03T20:00:00Z', '2026-11-04T00:00:00Z', { body: 'Slow pages, see #13' }),
    // By window: D3 finished 36 h before, more than 24 h: not deployment-caused. Still open.
    incident('I4', '2026-11-06T12:00:00Z', null),
    // An unknown sha resolves to nothing and falls through to the window rule: D4, 12 h before.
    incident('I5', '2026-11-08T12:00:00Z', '2026-11-08T13:00:00Z', { body: 'root cause: deadbeef1' }),
  ];
  const all = () => facts({ commits, pullRequests, deployments, incidents });

  it('attributes by reference first, then by window (24 h inclusive), else not deployment-caused', () => {
    const byIncident = Object.fromEntries(
      metricsFor(all()).incidents.map((a) => [a.incidentId.split(':').pop(), [a.deploymentId?.split(':').pop() ?? null, a.by]]),
    );
    expect(byIncident).toEqual({
      I1: ['2', 'reference'],
      I2: ['3', 'reference'],
      I3: ['2', 'window'],
      I4: [null, null],
      I5: ['4', 'window'],
    });
  });

  it('change failure rate counts distinct deployments, never incidents: D2, D3, D4 failed of 4 → 75 %', () => {
    expect(metricsFor(all()).metrics.changeFailureRate).toEqual({ deployments: 4, failedDeployments: 3, rate: 0.75, level: 'low' });
  });

  it('time to restore over incidents created in the window: 30 m, 1 h, 2 h, 4 h resolved, one open', () => {
    // sorted 1800, 3600, 7200, 14400: p50 rank 1.5 → 5400; p75 rank 2.25 → 9000; p90 rank 2.7 → 12240; mean 6750.
    expect(metricsFor(all()).metrics.timeToRestore).toEqual({
      incidents: 5, resolved: 4, open: 1, p50: 5400, p75: 9000, p90: 12240, mean: 6750, level: 'high',
    });
  });

  it('failed-deployment recovery time: the latest resolution of the attributed incidents', () => {
    // D2: I3 resolved 11-04 00:00, I1 11-09 02:00 → latest 11-09 02:00 − 11-03 00:00 = 6 d 2 h = 518400 + 7200 = 525600.
    // D3: I2 resolved 11-05 06:30 − 11-05 00:00 = 23400. D4: I5 11-08 13:00 − 11-08 00:00 = 46800.
    // sorted 23400, 46800, 525600: p50 46800; p75 rank 1.5 → 46800 + 0.5·478800 = 286200;
    // p90 rank 1.8 → 46800 + 0.8·478800 = 429840; mean 595800 / 3 = 198600.
    const recovery = metricsFor(all()).metrics.failedDeploymentRecoveryTime;
    expect(recovery).toMatchObject({ failures: 3, recovered: 3, p50: 46800, p75: 286200, mean: 198600, level: 'high' });
    expect(recovery.p90).toBeCloseTo(429840, 6);
  });

  it('a deployment with an open attributed incident is not recovered, even when also rolled back', () => {
    const stillOpen = incidents.map((i) => (i.id.endsWith('I2') ? { ...i, resolvedAt: null } : i));
    const rollback = [...deployments, deployment('5', 'c2', '2026-11-05T01:00:00Z')];
    const { metrics } = metricsFor(facts({ commits, pullRequests, deployments: rollback, incidents: stillOpen }));
    // D3 (I2 open) is not recovered although D5 rolled it back within the hour.
    expect(metrics.failedDeploymentRecoveryTime.failures).toBe(3);
    expect(metrics.failedDeploymentRecoveryTime.recovered).toBe(2);
    expect(metrics.timeToRestore).toMatchObject({ resolved: 3, open: 2 });
  });

  it('the window rule takes the latest deployment at or before the incident, exactly 24 h still counts', () => {
    const exactly = incident('edge', '2026-11-09T00:00:00Z', '2026-11-09T01:00:00Z'); // D4 + 24 h
    const { incidents: attributed } = metricsFor(facts({ commits, pullRequests, deployments, incidents: [exactly] }));
    expect(attributed[0]).toMatchObject({ by: 'window', deploymentId: 'github:acme/shop:deployment:4' });
    const later = incident('late', '2026-11-09T00:00:01Z', null);
    const { incidents: none } = metricsFor(facts({ commits, pullRequests, deployments, incidents: [later] }));
    expect(none[0]).toMatchObject({ by: null, deploymentId: null });
  });

  it('references by commit or PR URL of the same repository; another repository\'s URL is not a reference', () => {
    const viaUrl = incident('url', '2026-11-20T00:00:00Z', null, { body: 'Caused by: https://github.com/acme/shop/pull/12.' });
    const viaCommitUrl = incident('curl', '2026-11-20T00:00:00Z', null, { body: `root cause: https://github.com/acme/shop/commit/${sha('c2')}` });
    const otherRepo = incident('other', '2026-11-08T01:00:00Z', null, { body: 'root cause: https://github.com/acme/other/pull/12' });
    const result = metricsFor(facts({ commits, pullRequests, deployments, incidents: [viaUrl, viaCommitUrl, otherRepo] }));
    const by = Object.fromEntries(result.incidents.map((a) => [a.incidentId.split(':').pop(), [a.deploymentId?.split(':').pop(), a.by]]));
    expect(by).toEqual({ url: ['3', 'reference'], curl: ['2', 'reference'], other: ['4', 'window'] });
  });

  it('a URL reference must lie under the repository\'s web URL: not a subgroup\'s project of the same name, and a self-managed root path works', () => {
    const repoId = 'gitlab:acme/payments';
    const repositories = [repository({ id: repoId, forge: 'gitlab', fullName: 'acme/payments', webUrl: 'https://git.example.com/gitlab/acme/payments' })];
    // c1 ← c2 ← c3. D1 c1 11-02 (baseline), D2 c2 11-03 ships !12, D3 c3 11-10 00:00.
    const gitlabCommits = chain(['c1', 'c2', 'c3'], '2026-11-01T00:00:00Z').map((c) => ({ ...c, repoId }));
    const mergeRequests = [pullRequest(12, { repoId, merged: '2026-11-02T12:00:00Z', mergeCommitSha: sha('c2') })];
    const gitlabDeployments = [
      deployment('1', 'c1', '2026-11-02T00:00:00Z', { repoId }),
      deployment('2', 'c2', '2026-11-03T00:00:00Z', { repoId }),
      deployment('3', 'c3', '2026-11-10T00:00:00Z', { repoId }),
    ];
    // All opened 11-10 02:00, where the window rule picks D3; only a reference to !12 picks D2.
    const opened = '2026-11-10T02:00:00Z';
    const incidents = [
      // The project's own MR URL, under the instance's /gitlab root: a reference.
      incident('own', opened, null, { repoId, body: 'root cause: https://git.example.com/gitlab/acme/payments/-/merge_requests/12' }),
      // group/acme/payments is another project (a subgroup's), whatever its path contains.
      incident('subgroup', opened, null, { repoId, body: 'root cause: https://git.example.com/gitlab/group/acme/payments/-/merge_requests/12' }),
      // Another host, and GitHub's `pull/N` form: neither names this GitLab project's MR.
      incident('host', opened, null, { repoId, body: 'root cause: https://gitlab.com/acme/payments/-/merge_requests/12' }),
      incident('pull', opened, null, { repoId, body: 'root cause: https://git.example.com/gitlab/acme/payments/pull/12' }),
    ];
    const result = metricsFor(facts({ repositories, commits: gitlabCommits, pullRequests: mergeRequests, deployments: gitlabDeployments, incidents }));
    const by = Object.fromEntries(result.incidents.map((a) => [a.incidentId.split(':').pop(), [a.deploymentId?.split(':').pop(), a.by]]));
    expect(by).toEqual({ own: ['2', 'reference'], subgroup: ['3', 'window'], host: ['3', 'window'], pull: ['3', 'window'] });
  });

  it('a PR reference that is not deployed falls through to the next reference', () => {
    const unmerged = pullRequest(14, {});
    const twoRefs = incident('two', '2026-11-20T00:00:00Z', null, { body: 'root cause: #14\ncaused by: #13' });
    const result = metricsFor(facts({ commits, pullRequests: [...pullRequests, unmerged], deployments, incidents: [twoRefs] }));
    expect(result.incidents[0]).toMatchObject({ by: 'reference', deploymentId: 'github:acme/shop:deployment:4' });
  });

  it('GitLab references an MR as "!N": caused by !12 attributes to the deployment that shipped it, not the window\'s', () => {
    const repoId = 'gitlab:acme/payments';
    const repositories = [repository({ id: repoId, forge: 'gitlab', fullName: 'acme/payments', webUrl: null })];
    // c1 ← c2 ← c3. D1 c1 11-02 (baseline), D2 c2 11-03 ships !12, D3 c3 11-10 00:00.
    const gitlabCommits = chain(['c1', 'c2', 'c3'], '2026-11-01T00:00:00Z').map((c) => ({ ...c, repoId }));
    const mergeRequests = [pullRequest(12, { repoId, merged: '2026-11-02T12:00:00Z', mergeCommitSha: sha('c2') })];
    const gitlabDeployments = [
      deployment('1', 'c1', '2026-11-02T00:00:00Z', { repoId }),
      deployment('2', 'c2', '2026-11-03T00:00:00Z', { repoId }),
      deployment('3', 'c3', '2026-11-10T00:00:00Z', { repoId }),
    ];
    // Opened 11-10 02:00: the window rule would pick D3 (2 h before); the reference picks D2.
    const byReference = incident('ref', '2026-11-10T02:00:00Z', '2026-11-10T03:00:00Z', { repoId, body: 'Payments failing.\ncaused by: !12' });
    const result = metricsFor(facts({
      repositories, commits: gitlabCommits, pullRequests: mergeRequests, deployments: gitlabDeployments, incidents: [byReference],
    }));
    expect(result.incidents[0]).toMatchObject({ by: 'reference', deploymentId: 'gitlab:acme/payments:deployment:2' });
    // In scope D1, D2, D3; failed: D2 → 1 of 3.
    expect(result.metrics.changeFailureRate).toMatchObject({ deployments: 3, failedDeployments: 1 });
    expect(result.metrics.changeFailureRate.rate).toBeCloseTo(1 / 3, 12);
  });

  it('failed-deployment recovery: the latest resolution of attributed incidents, even if it was also rolled back', () => {
    // c1 ← c2. D1 c1 11-02 (baseline), D2 c2 11-03 00:00, D3 c1 11-03 01:00 rolls D2 back.
    const twoCommits = chain(['c1', 'c2'], '2026-11-01T00:00:00Z');
    const withRollback = [
      deployment('1', 'c1', '2026-11-02T00:00:00Z'),
      deployment('2', 'c2', '2026-11-03T00:00:00Z'),
      deployment('3', 'c1', '2026-11-03T01:00:00Z'),
    ];
    // Opened 11-03 00:30: by window, D2 (30 min before; D3 finished after it). Resolved 05:00.
    const outage = incident('I', '2026-11-03T00:30:00Z', '2026-11-03T05:00:00Z');
    const result = metricsFor(facts({ commits: twoCommits, deployments: withRollback, incidents: [outage] }));
    expect(result.incidents[0]).toMatchObject({ by: 'window', deploymentId: 'github:acme/shop:deployment:2' });
    // D2 recovers at the incident's resolution, 05:00 − 00:00 = 5 h = 18000 s, not at the rollback (1 h = 3600 s).
    expect(result.metrics.failedDeploymentRecoveryTime).toMatchObject({ failures: 1, recovered: 1, p50: 18_000, level: 'high' });
    // Failed: D2 only, of 3; rework: the rollback D3 only, of 3.
    expect(result.metrics.changeFailureRate).toMatchObject({ deployments: 3, failedDeployments: 1 });
    expect(result.metrics.changeFailureRate.rate).toBeCloseTo(1 / 3, 12);
    expect(result.metrics.reworkRate).toMatchObject({ deployments: 3, reworkDeployments: 1 });
    expect(result.metrics.reworkRate.rate).toBeCloseTo(1 / 3, 12);
  });

  it('a resolution after `to` still counts for time to restore', () => {
    // Opened 11-28 23:00, resolved 11-29 01:00 (after `to`): 2 h = 7200 s (≥ 1 h, < 1 day → high).
    const lateResolution = incident('late', '2026-11-28T23:00:00Z', '2026-11-29T01:00:00Z');
    expect(metricsFor(facts({ incidents: [lateResolution] })).metrics.timeToRestore).toEqual({
      incidents: 1, resolved: 1, open: 0, p50: 7200, p75: 7200, p90: 7200, mean: 7200, level: 'high',
    });
  });

  it('an incident after `to` still fails a deployment in the window; MTTR counts only incidents created in it', () => {
    const afterWindow = incident('after', '2026-11-29T06:00:00Z', '2026-11-29T07:00:00Z', { body: 'root cause: #13' });
    const { metrics } = metricsFor(facts({ commits, pullRequests, deployments, incidents: [afterWindow] }));
    expect(metrics.changeFailureRate.failedDeployments).toBe(1);
    expect(metrics.timeToRestore.incidents).toBe(0);
    // Recovered at 11-29 07:00, 21 d 7 h after D4.
    expect(metrics.failedDeploymentRecoveryTime.p50).toBe(21 * DAY + 7 * HOUR);
  });
});
