import { describe, expect, it } from 'vitest';
import {
  NOVEMBER,
  REPO,
  at,
  chain,
  deployment,
  facts,
  incident,
  metricsFor,
  repository,
} from '../helpers/builders.js';

describe('SPEC §5.1 deployments in scope', () => {
  it('success followed only by inactive counts, finishing at the success status', () => {
    const superseded = deployment('1', 'c1', '2026-11-10T12:00:00Z', {
      status: 'inactive',
      statuses: [
        { state: 'in_progress', at: at('2026-11-10T10:00:00Z') },
        { state: 'success', at: at('2026-11-10T10:05:00Z') },
        { state: 'inactive', at: at('2026-11-10T12:00:00Z') },
      ],
    });
    // A window ending at 10:06 holds it only if it finished at the success (10:05), not at 12:00.
    const until1006 = { ...NOVEMBER, to: at('2026-11-10T10:06:00Z') };
    expect(metricsFor(facts({ deployments: [superseded] }), until1006).metrics.deploymentFrequency.deployments).toBe(1);
  });

  it('success followed by failure, or failure alone, does not count', () => {
    const laterFailed = deployment('1', 'c1', '2026-11-10T12:00:00Z', {
      status: 'failure',
      statuses: [
        { state: 'success', at: at('2026-11-10T10:05:00Z') },
        { state: 'failure', at: at('2026-11-10T11:00:00Z') },
        { state: 'inactive', at: at('2026-11-10T12:00:00Z') },
      ],
    });
    const failed = deployment('2', 'c2', '2026-11-11T10:00:00Z', { status: 'failure' });
    const result = metricsFor(facts({ deployments: [laterFailed, failed] }));
    expect(result.metrics.deploymentFrequency.deployments).toBe(0);
  });

  it('duplicates within 10 minutes collapse: 10:00, 10:05, 10:10 are one; 10:11 starts a new group → 2', () => {
    const deployments = [
      deployment('a', 'c1', '2026-11-10T10:00:00Z'),
      deployment('b', 'c1', '2026-11-10T10:05:00Z'),
      deployment('c', 'c1', '2026-11-10T10:10:00Z'), // exactly 10 minutes: still a duplicate
      deployment('d', 'c1', '2026-11-10T10:11:00Z'), // 11 minutes after the group's first: new group
      deployment('e', 'c1', '2026-11-10T10:02:00Z', { status: 'failure' }), // failed: never counts
    ];
    const result = metricsFor(facts({ deployments }));
    expect(result.metrics.deploymentFrequency.deployments).toBe(2);
    expect(result.warnings.some((w) => w.includes('2 duplicate deployment records'))).toBe(true);
  });

  it('duplicates collapse per environment and sha: one sha rolled out to prod-eu and prod-us (both tier production) is two deployments', () => {
    const deployments = [
      deployment('eu', 'c1', '2026-11-10T10:00:00Z', { environment: 'prod-eu', tier: 'production' }),
      deployment('us', 'c1', '2026-11-10T10:04:00Z', { environment: 'prod-us', tier: 'production' }),
      // prod-EU is prod-eu (names compare without case): a duplicate of 'eu', 3 minutes later.
      deployment('eu-again', 'c1', '2026-11-10T10:03:00Z', { environment: 'prod-EU', tier: 'production' }),
    ];
    const result = metricsFor(facts({ deployments }));
    // eu 10:00 and us 10:04 survive; eu-again joins eu's group: 2 deployments on one day.
    expect(result.metrics.deploymentFrequency).toMatchObject({ deployments: 2, deployDays: 1 });
    expect(result.warnings.some((w) => w.includes('1 duplicate deployment record (same environment and sha within 10 minutes)'))).toBe(true);
  });

  it('environment matches case-insensitively, by configured names, and by GitLab production tier', () => {
    const deployments = [
      deployment('1', 'c1', '2026-11-10T10:00:00Z', { environment: 'Production' }),
      deployment('2', 'c2', '2026-11-11T10:00:00Z', { environment: 'prod' }),
      deployment('3', 'c3', '2026-11-12T10:00:00Z', { environment: 'gprd', tier: 'production' }),
      deployment('4', 'c4', '2026-11-13T10:00:00Z', { environment: 'staging' }),
    ];
    const withoutAlias = metricsFor(facts({ deployments }));
    expect(withoutAlias.metrics.deploymentFrequency.deployments).toBe(2); // Production, tier production
    const withAlias = metricsFor(facts({ deployments }), NOVEMBER, {
      configuredEnvironments: new Map([[REPO, ['production', 'prod']]]),
    });
    expect(withAlias.metrics.deploymentFrequency.deployments).toBe(3);
    const staging = metricsFor(facts({ deployments }), NOVEMBER, { environment: 'staging' });
    expect(staging.metrics.deploymentFrequency.deployments).toBe(1);
  });

  it('the window is [from, to): a deployment at from counts, one at to does not', () => {
    const deployments = [
      deployment('1', 'c1', '2026-11-01T00:00:00Z'),
      deployment('2', 'c2', '2026-11-29T00:00:00Z'),
    ];
    expect(metricsFor(facts({ deployments })).metrics.deploymentFrequency.deployments).toBe(1);
  });

  it('failed deployments do not attract incidents: the window rule skips a failed one for the successful one before it', () => {
    // c1 ← c2 ← c3. D1 c1 11-03 (baseline), D2 c2 11-04 00:00, D3 c3 11-04 10:00 failed.
    const commits = chain(['c1', 'c2', 'c3'], '2026-11-01T00:00:00Z');
    const deployments = [
      deployment('1', 'c1', '2026-11-03T00:00:00Z'),
      deployment('2', 'c2', '2026-11-04T00:00:00Z'),
      deployment('3', 'c3', '2026-11-04T10:00:00Z', { status: 'failure' }),
    ];
    // Opened 11-04 12:00: the latest *successful* deployment at or before it is D2, 12 h before (≤ 24 h).
    const incidents = [incident('I1', '2026-11-04T12:00:00Z', '2026-11-04T13:00:00Z')];
    const result = metricsFor(facts({ commits, deployments, incidents }));
    expect(result.incidents[0]).toMatchObject({ by: 'window', deploymentId: 'github:acme/shop:deployment:2' });
    // Deployments: D1, D2 (the failed D3 does not count) → 2; failed: D2 → 1 of 2 = 50 %.
    // (Had D3 attracted the incident: 0 of 2; had D3 counted as a deployment: 1 of 3.)
    expect(result.metrics.changeFailureRate).toEqual({ deployments: 2, failedDeployments: 1, rate: 0.5, level: 'low' });
  });
});

describe('SPEC §5.3 deployment frequency', () => {
  it('medianDeployDaysPerWeek: weekly buckets counted back from `to`; counts 3,1,0,5 → median 2; perWeek 2.5; high', () => {
    const days = [
      // bucket 0 = [11-22, 11-29): 3 deploy days, 4 deployments
      '2026-11-23T09:00:00Z', '2026-11-23T15:00:00Z', '2026-11-24T09:00:00Z', '2026-11-25T09:00:00Z',
      // bucket 1 = [11-15, 11-22): 1 day
      '2026-11-16T09:00:00Z',
      // bucket 2 = [11-08, 11-15): none
      // bucket 3 = [11-01, 11-08): 5 days
      '2026-11-02T09:00:00Z', '2026-11-03T09:00:00Z', '2026-11-04T09:00:00Z', '2026-11-05T09:00:00Z', '2026-11-06T09:00:00Z',
    ];
    const deployments = days.map((time, i) => deployment(String(i), `s${i}`, time));
    const frequency = metricsFor(facts({ deployments })).metrics.deploymentFrequency;
    expect(frequency.deployments).toBe(10);
    expect(frequency.deployDays).toBe(9);
    expect(frequency.perDay).toBeCloseTo(10 / 28, 12);
    expect(frequency.perWeek).toBeCloseTo(2.5, 12);
    expect(frequency.medianDeployDaysPerWeek).toBe(2); // sorted counts 0,1,3,5 → (1+3)/2
    expect(frequency.level).toBe('high');
  });

  it('a deployment exactly a week before `to` falls in the last bucket; a leftover shorter than a week is dropped', () => {
    // 31 days: four buckets from 11-01 to 11-29, the leftover [10-29, 11-01) dropped.
    const window = { ...NOVEMBER, from: at('2026-10-29T00:00:00Z') };
    const deployments = [
      deployment('leftover', 'l1', '2026-10-30T09:00:00Z'),
      deployment('edge', 'e1', '2026-11-22T00:00:00Z'),
    ];
    const frequency = metricsFor(facts({ deployments }), window).metrics.deploymentFrequency;
    expect(frequency.deployments).toBe(2);
    expect(frequency.deployDays).toBe(2);
    // counts per bucket: [1 (11-22), 0, 0, 0] → sorted 0,0,0,1 → median 0
    expect(frequency.medianDeployDaysPerWeek).toBe(0);
    // perWeek = 2 / 31 · 7 = 0.4516… ≥ 0.25 → medium
    expect(frequency.perWeek).toBeCloseTo((2 / 31) * 7, 12);
    expect(frequency.level).toBe('medium');
  });

  it('medianDeployDaysPerWeek: buckets of exactly 7 days back from `to`, a deploy at `to` − 7 d in the last one, the leftover dropped → median 2', () => {
    // 23 days, 11-06 → 11-29: buckets [11-22, 11-29), [11-15, 11-22), [11-08, 11-15); leftover [11-06, 11-08) dropped.
    const window = { ...NOVEMBER, from: at('2026-11-06T00:00:00Z') };
    const days = [
      '2026-11-06T12:00:00Z', // leftover: dropped from the median, still a deployment and a deploy day
      '2026-11-09T09:00:00Z', '2026-11-10T09:00:00Z', '2026-11-11T09:00:00Z', // [11-08, 11-15): 3 days
      '2026-11-16T09:00:00Z', '2026-11-17T09:00:00Z', // [11-15, 11-22): 2 days
      '2026-11-22T00:00:00Z', // exactly `to` − 7 d: the start of [11-22, 11-29): 1 day
    ];
    const deployments = days.map((time, i) => deployment(String(i), `s${i}`, time));
    const frequency = metricsFor(facts({ deployments }), window).metrics.deploymentFrequency;
    expect(frequency.deployments).toBe(7);
    expect(frequency.deployDays).toBe(7);
    // perDay = 7 / 23; perWeek = 7 / 23 · 7 = 49 / 23 ≈ 2.13.
    expect(frequency.perDay).toBeCloseTo(7 / 23, 12);
    expect(frequency.perWeek).toBeCloseTo(49 / 23, 12);
    // counts 1, 2, 3 → median 2. (Edge deploy in the middle bucket: 0, 3, 3 → 3; leftover counted: 1, 1, 2, 3 → 1.5.)
    expect(frequency.medianDeployDaysPerWeek).toBe(2);
    expect(frequency.level).toBe('high'); // median 2 ≥ 1
  });

  it('medianDeployDaysPerWeek counts local dates in `--tz` inside each bucket: 1 in Los Angeles where UTC gives 1.5', () => {
    // 14 days, 11-15 → 11-29 (midnights in Los Angeles, UTC−8): buckets [11-22, 11-29) and [11-15, 11-22).
    const losAngeles = { from: at('2026-11-15T08:00:00Z'), to: at('2026-11-29T08:00:00Z'), timeZone: 'America/Los_Angeles' };
    const deployments = [
      deployment('a', 'c1', '2026-11-23T23:30:00Z'), // 15:30 PST on 11-23
      deployment('b', 'c2', '2026-11-24T05:00:00Z'), // 21:00 PST on 11-23
      deployment('c', 'c3', '2026-11-16T09:00:00Z'), // 01:00 PST on 11-16
    ];
    // Los Angeles: last bucket {11-23} = 1, first bucket {11-16} = 1 → median 1; deploy days 11-16, 11-23 → 2.
    const local = metricsFor(facts({ deployments }), losAngeles).metrics.deploymentFrequency;
    expect(local.medianDeployDaysPerWeek).toBe(1);
    expect(local.deployDays).toBe(2);
    // UTC, same instants: last bucket {11-23, 11-24} = 2, first {11-16} = 1 → median 1.5; 3 deploy days.
    const utc = metricsFor(facts({ deployments }), { ...losAngeles, timeZone: 'UTC' }).metrics.deploymentFrequency;
    expect(utc.medianDeployDaysPerWeek).toBe(1.5);
    expect(utc.deployDays).toBe(3);
  });

  it('medianDeployDaysPerWeek is null when the window is shorter than 7 days', () => {
    const window = { ...NOVEMBER, to: at('2026-11-07T00:00:00Z') };
    const frequency = metricsFor(facts({ deployments: [deployment('1', 'c1', '2026-11-02T00:00:00Z')] }), window)
      .metrics.deploymentFrequency;
    expect(frequency.medianDeployDaysPerWeek).toBeNull();
    // perWeek = 1/6 · 7 = 1.1667 ≥ 0.25 → medium (high needs whole weeks)
    expect(frequency.level).toBe('medium');
  });

  it('a deploy at 23:30 UTC is the previous day in America/Los_Angeles: 2 deploy days in UTC, 1 in Los Angeles', () => {
    const deployments = [
      deployment('late', 'c1', '2026-11-10T23:30:00Z'), // 15:30 PST on 11-10
      deployment('next', 'c2', '2026-11-11T05:00:00Z'), // 21:00 PST on 11-10
    ];
    expect(metricsFor(facts({ deployments })).metrics.deploymentFrequency.deployDays).toBe(2);
    const losAngeles = { ...NOVEMBER, timeZone: 'America/Los_Angeles' };
    expect(metricsFor(facts({ deployments }), losAngeles).metrics.deploymentFrequency.deployDays).toBe(1);
  });

  it('over several repositories deploy days are the union of local dates', () => {
    const other = 'gitlab:acme/payments';
    const deployments = [
      deployment('1', 'c1', '2026-11-10T09:00:00Z'),
      deployment('2', 'd1', '2026-11-10T11:00:00Z', { repoId: other }),
      deployment('3', 'd2', '2026-11-11T11:00:00Z', { repoId: other }),
    ];
    const repositories = [repository(), repository({ id: other, forge: 'gitlab', fullName: 'acme/payments' })];
    const frequency = metricsFor(facts({ repositories, deployments })).metrics.deploymentFrequency;
    expect(frequency.deployments).toBe(3);
    expect(frequency.deployDays).toBe(2);
  });

  it('an empty window gives zero deployments, level low, and null for every undefined figure', () => {
    const { metrics } = metricsFor(facts({}));
    expect(metrics.deploymentFrequency).toEqual({
      deployments: 0, deployDays: 0, perDay: 0, perWeek: 0, medianDeployDaysPerWeek: 0, level: 'low',
    });
    expect(metrics.leadTime).toEqual({ changes: 0, p50: null, p75: null, p90: null, mean: null, level: null });
    expect(metrics.changeFailureRate).toEqual({ deployments: 0, failedDeployments: 0, rate: null, level: null });
    expect(metrics.reworkRate).toEqual({ deployments: 0, reworkDeployments: 0, rate: null });
    expect(metrics.timeToRestore).toMatchObject({ incidents: 0, p50: null, mean: null, level: null });
    expect(metrics.failedDeploymentRecoveryTime).toMatchObject({ failures: 0, recovered: 0, p50: null, level: null });
    expect(metrics.cycleTimeLag).toMatchObject({ count: 0, p50: null, undeployed: { count: 0, oldestAgeSeconds: null } });
  });
});
