import type { Metrics, MetricsResult, Window } from '../../src/metrics/types.js';
import { buildReportDocument, type BuildReportInput, type ReportDocument } from '../../src/report/document.js';

/** Hand-picked values whose human forms the tests assert (`2d 4h`, `12.5%`, …). */
export function sampleMetrics(): Metrics {
  return {
    deploymentFrequency: { deployments: 15, deployDays: 12, perDay: 0.5, perWeek: 3.5, medianDeployDaysPerWeek: 3, level: 'high' },
    leadTime: { changes: 42, p50: 187_200, p75: 259_200, p90: 518_400, mean: 200_000, level: 'medium' },
    cycleTimeLag: {
      count: 40,
      p50: 18_000,
      p75: 36_000,
      p90: 90_000,
      mean: 30_000,
      phases: {
        coding: { count: 40, p50: 3_600, p75: 7_200, p90: 86_400, mean: 20_000 },
        pickup: { count: 38, p50: 7_200, p75: 10_800, p90: 43_200, mean: 9_000 },
        review: { count: 38, p50: 5_400, p75: 9_000, p90: 28_800, mean: 7_000 },
      },
      undeployed: { count: 3, oldestAgeSeconds: 360_000 },
    },
    changeFailureRate: { deployments: 16, failedDeployments: 2, rate: 0.125, level: 'medium' },
    timeToRestore: { incidents: 3, resolved: 2, open: 1, p50: 3_900, p75: 5_000, p90: 6_000, mean: 4_500, level: 'high' },
    failedDeploymentRecoveryTime: { failures: 2, recovered: 2, p50: 7_200, p75: 8_000, p90: 9_000, mean: 7_600, level: 'high' },
    reworkRate: { deployments: 16, reworkDeployments: 1, rate: 0.0625 },
  };
}

/** A window with nothing in it: every statistic undefined, every count zero (SPEC §5). */
export function emptyMetrics(): Metrics {
  const none = { count: 0, p50: null, p75: null, p90: null, mean: null };
  return {
    deploymentFrequency: { deployments: 0, deployDays: 0, perDay: 0, perWeek: 0, medianDeployDaysPerWeek: null, level: 'low' },
    leadTime: { changes: 0, p50: null, p75: null, p90: null, mean: null, level: null },
    cycleTimeLag: {
      ...none,
      phases: { coding: { ...none }, pickup: { ...none }, review: { ...none } },
      undeployed: { count: 0, oldestAgeSeconds: null },
    },
    changeFailureRate: { deployments: 0, failedDeployments: 0, rate: null, level: null },
    timeToRestore: { incidents: 0, resolved: 0, open: 0, p50: null, p75: null, p90: null, mean: null, level: null },
    failedDeploymentRecoveryTime: { failures: 0, recovered: 0, p50: null, p75: null, p90: null, mean: null, level: null },
    reworkRate: { deployments: 0, reworkDeployments: 0, rate: null },
  };
}

export function result(metrics: Metrics, overrides: Partial<MetricsResult> = {}): MetricsResult {
  return { metrics, undeployed: [], incidents: [], changes: [], warnings: [], ...overrides };
}

/** 2026-10-30 → 2026-11-29 (UTC midnight to midnight), 30 days. */
export const WINDOW: Window = {
  from: Date.parse('2026-10-30T00:00:00Z'),
  to: Date.parse('2026-11-29T00:00:00Z'),
  timeZone: 'UTC',
};

export const PREVIOUS_WINDOW: Window = {
  from: Date.parse('2026-09-30T00:00:00Z'),
  to: Date.parse('2026-10-30T00:00:00Z'),
  timeZone: 'UTC',
};

export const GENERATED_AT = new Date('2026-11-29T12:00:00Z');

export function sampleResult(): MetricsResult {
  return result(sampleMetrics(), {
    undeployed: [
      {
        id: 'github:acme/shop:pr:7', repoId: 'github:acme/shop', number: 7, title: 'Add coupons', author: 'ana',
        url: 'https://github.com/acme/shop/pull/7', mergedAt: Date.parse('2026-11-24T20:00:00Z'), ageSeconds: 360_000,
      },
    ],
    incidents: [
      {
        incidentId: 'github:acme/shop:issue:90', repoId: 'github:acme/shop', title: 'Checkout 500s',
        createdAt: Date.parse('2026-11-02T15:00:00Z'), resolvedAt: Date.parse('2026-11-02T16:05:00Z'),
        url: null, deploymentId: 'github:acme/shop:deployment:11', by: 'reference',
      },
      {
        incidentId: 'github:acme/shop:issue:95', repoId: 'github:acme/shop', title: 'Slow search',
        createdAt: Date.parse('2026-11-20T09:00:00Z'), resolvedAt: null, url: null, deploymentId: null, by: null,
      },
    ],
    changes: [
      {
        id: 'github:acme/shop:pr:5', repoId: 'github:acme/shop', number: 5, title: 'Fix cart', author: null, url: null,
        deploymentId: 'github:acme/shop:deployment:11', deployedAt: Date.parse('2026-11-02T14:03:00Z'),
        leadTimeSeconds: 187_200, lagSeconds: null,
      },
    ],
    warnings: ['deployment github:acme/shop:deployment:3 has an unknown sha', 'PR #9 has a negative lead time', 'deployment github:acme/shop:deployment:3 has an unknown sha'],
  });
}

export function sampleInput(overrides: Partial<BuildReportInput> = {}): BuildReportInput {
  return {
    window: WINDOW,
    scope: { repos: ['github:acme/shop', 'gitlab:acme/payments'], environment: 'production' },
    result: sampleResult(),
    byRepo: {
      'gitlab:acme/payments': result(emptyMetrics()),
      'github:acme/shop': result(sampleMetrics()),
    },
    thresholds: [],
    generatedAt: GENERATED_AT,
    version: '0.1.0',
    ...overrides,
  };
}

export function sampleDocument(overrides: Partial<BuildReportInput> = {}): ReportDocument {
  return buildReportDocument(sampleInput(overrides));
}

/** The sample with a previous window whose lead time was slower and failure rate lower. */
export function comparedDocument(): ReportDocument {
  const before = sampleMetrics();
  before.leadTime.p50 = 259_200;
  before.changeFailureRate.rate = 0.1;
  before.deploymentFrequency.perWeek = 2;
  return sampleDocument({ previous: { window: PREVIOUS_WINDOW, result: result(before) } });
}

/** The sample with `--by week` over its last two ISO weeks (the second clipped) and a team breakdown. */
export function seriesInput(): Partial<BuildReportInput> {
  return {
    series: {
      by: 'week',
      periods: [
        { window: { from: Date.parse('2026-11-16T00:00:00Z'), to: Date.parse('2026-11-23T00:00:00Z'), timeZone: 'UTC' }, result: result(emptyMetrics()) },
        { window: { from: Date.parse('2026-11-23T00:00:00Z'), to: Date.parse('2026-11-29T00:00:00Z'), timeZone: 'UTC' }, result: result(sampleMetrics()) },
      ],
    },
    byTeam: { storefront: result(sampleMetrics()), checkout: result(emptyMetrics()) },
  };
}
