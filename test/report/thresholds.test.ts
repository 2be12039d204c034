import { describe, expect, it } from 'vitest';
import type { Metrics } from '../../src/metrics/types.js';
import {
  METRIC_PATHS,
  evaluateThresholds,
  metricKind,
  metricValue,
  parseThreshold,
  parseThresholds,
  type ThresholdOperator,
} from '../../src/report/thresholds.js';
import { ExitCode, UsageError } from '../../src/util/errors.js';
import { emptyMetrics, sampleMetrics } from './builders.js';

describe('parseThreshold: valid expressions (SPEC §2)', () => {
  it.each<[string, string, ThresholdOperator, number]>([
    ['leadTime.p50>2d', 'leadTime.p50', '>', 172_800],
    ['changeFailureRate.rate>15%', 'changeFailureRate.rate', '>', 0.15],
    ['deploymentFrequency.perWeek<3', 'deploymentFrequency.perWeek', '<', 3],
    ['timeToRestore.p50>4h', 'timeToRestore.p50', '>', 14_400],
    ['cycleTimeLag.p90>1w', 'cycleTimeLag.p90', '>', 604_800],
    ['cycleTimeLag.phases.review.p50>=90s', 'cycleTimeLag.phases.review.p50', '>=', 90],
    ['cycleTimeLag.phases.pickup.p90<=30m', 'cycleTimeLag.phases.pickup.p90', '<=', 1_800],
    ['cycleTimeLag.undeployed.count>0', 'cycleTimeLag.undeployed.count', '>', 0],
    ['cycleTimeLag.undeployed.oldestAgeSeconds>2w', 'cycleTimeLag.undeployed.oldestAgeSeconds', '>', 1_209_600],
    ['leadTime.p50 > 3600', 'leadTime.p50', '>', 3_600], // a plain number on a duration is seconds
    ['leadTime.p90<1.5d', 'leadTime.p90', '<', 129_600],
    ['changeFailureRate.rate>=0.1', 'changeFailureRate.rate', '>=', 0.1], // a plain ratio
    ['reworkRate.rate<=12.5%', 'reworkRate.rate', '<=', 0.125],
    ['deploymentFrequency.medianDeployDaysPerWeek<2.5', 'deploymentFrequency.medianDeployDaysPerWeek', '<', 2.5],
    ['failedDeploymentRecoveryTime.mean>30m', 'failedDeploymentRecoveryTime.mean', '>', 1_800],
    ['timeToRestore.open>=1', 'timeToRestore.open', '>=', 1],
  ])('%s', (expr, path, operator, value) => {
    const threshold = parseThreshold(expr);
    expect(threshold).toMatchObject({ expr, path, operator });
    expect(threshold.value).toBeCloseTo(value, 12);
  });

  it('keeps the expression as written, trimmed, for the report', () => {
    expect(parseThreshold('  leadTime.p50 >= 2d  ').expr).toBe('leadTime.p50 >= 2d');
  });

  it('parses a list in order', () => {
    expect(parseThresholds(['leadTime.p50>2d', 'changeFailureRate.rate>15%']).map((t) => t.path)).toEqual([
      'leadTime.p50',
      'changeFailureRate.rate',
    ]);
  });
});

describe('parseThreshold: errors are usage errors that quote the expression', () => {
  it.each<[string, string, string | undefined]>([
    ['leadTime.p50', 'expected METRIC OPERATOR VALUE', 'operators: >, >=, <, <='],
    ['', 'expected METRIC OPERATOR VALUE', undefined],
    ['leadTime.p50=2d', 'unsupported operator "="', undefined],
    ['leadTime.p50==2d', 'unsupported operator "=="', undefined],
    ['leadTime.p50!=2d', 'unsupported operator "!="', undefined],
    ['>2d', 'missing the metric path before ">"', undefined],
    ['leadTime.p50>=', 'missing the value after ">="', undefined],
    ['leadTime.median>2d', 'unknown metric path "leadTime.median"', 'leadTime.p50'],
    ['leadtime.p50>2d', 'unknown metric path "leadtime.p50"', 'did you mean leadTime.p50?'],
    ['mttr>4h', 'unknown metric path "mttr"', 'timeToRestore.p50'],
    ['changeFailureRate>15%', 'unknown metric path "changeFailureRate"', 'changeFailureRate.rate'],
    ['deploymentFrequency.level<1', 'unknown metric path "deploymentFrequency.level"', 'deploymentFrequency.perWeek'],
    ['leadTime.p50>15%', 'leadTime.p50 is a duration, so the percentage "15%" does not fit', 'a duration such as 2d'],
    ['changeFailureRate.rate>2d', 'changeFailureRate.rate is a rate, so the duration "2d" does not fit', 'a percentage such as 15%'],
    ['changeFailureRate.rate>15', '"15" is not a ratio between 0 and 1', 'did you mean 15%?'],
    ['changeFailureRate.rate>150%', '"150%" is not a percentage between 0% and 100%', undefined],
    ['deploymentFrequency.perWeek<3d', 'deploymentFrequency.perWeek is a frequency, so the duration "3d"', 'a plain number'],
    ['deploymentFrequency.deployments<5%', 'deploymentFrequency.deployments is a count, so the percentage "5%"', 'a plain number'],
    ['leadTime.p50>2x', '"2x" is not a number, a duration or a percentage', 'a duration such as'],
    ['leadTime.p50>-1d', '"-1d" is not a number, a duration or a percentage', undefined],
    ['leadTime.p50>>2d', '">2d" is not a number, a duration or a percentage', undefined],
  ])('%j', (expr, problem, hint) => {
    let error: unknown;
    try {
      parseThreshold(expr);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(UsageError);
    const usage = error as UsageError;
    expect(usage.exitCode).toBe(ExitCode.usage);
    expect(usage.message).toContain(`--fail-on "${expr.trim()}"`);
    expect(usage.message).toContain(problem);
    if (hint !== undefined) expect(usage.hint).toContain(hint);
  });

  it('names the origin it is given, e.g. a config key path', () => {
    expect(() => parseThreshold('leadTime.p50>15%', 'thresholds[1]')).toThrow(/^thresholds\[1\] "leadTime\.p50>15%": /);
  });

  it('stops at the first bad expression of a list', () => {
    expect(() => parseThresholds(['leadTime.p50>2d', 'nope>1', 'also>bad'])).toThrow('"nope>1"');
  });
});

describe('the metric path table', () => {
  /** Every numeric leaf of a metrics object, found by walking it at runtime. */
  function numericLeaves(value: unknown, prefix = ''): string[] {
    return Object.entries(value as Record<string, unknown>).flatMap(([key, child]) => {
      const path = prefix ? `${prefix}.${key}` : key;
      if (typeof child === 'number') return [path];
      if (child !== null && typeof child === 'object') return numericLeaves(child, path);
      return [];
    });
  }

  it('lists exactly the numeric fields of Metrics', () => {
    expect([...METRIC_PATHS].sort()).toEqual(numericLeaves(sampleMetrics()).sort());
    expect(METRIC_PATHS).toHaveLength(51);
  });

  it('resolves every path to its value', () => {
    const metrics = sampleMetrics();
    for (const path of METRIC_PATHS) expect(typeof metricValue(metrics, path), path).toBe('number');
    expect(metricValue(metrics, 'cycleTimeLag.phases.review.p50')).toBe(5_400);
    expect(metricValue(emptyMetrics(), 'leadTime.p50')).toBeNull();
  });

  it('accepts a value in the unit of every path', () => {
    const valueFor = { duration: '1h', rate: '10%', count: '2', frequency: '1.5' } as const;
    for (const path of METRIC_PATHS) {
      expect(parseThreshold(`${path}>${valueFor[metricKind(path)]}`).path).toBe(path);
    }
  });
});

describe('evaluateThresholds', () => {
  const withRate = (rate: number | null): Metrics => {
    const metrics = sampleMetrics();
    metrics.changeFailureRate.rate = rate;
    return metrics;
  };

  it.each<[string, Metrics, number | null, boolean]>([
    ['leadTime.p50>2d', sampleMetrics(), 187_200, false],
    ['leadTime.p50>3d', sampleMetrics(), 187_200, true],
    ['leadTime.p50>=187200', sampleMetrics(), 187_200, false],
    ['leadTime.p50>187200', sampleMetrics(), 187_200, true],
    ['leadTime.p50<1w', sampleMetrics(), 187_200, false],
    ['leadTime.p50<=2d', sampleMetrics(), 187_200, true],
    ['changeFailureRate.rate>15%', sampleMetrics(), 0.125, true],
    ['changeFailureRate.rate>=12.5%', sampleMetrics(), 0.125, false],
    ['changeFailureRate.rate>15%', withRate(3 / 20), 0.15, true], // exactly at the limit holds
    ['changeFailureRate.rate>=15%', withRate(3 / 20), 0.15, false],
    ['deploymentFrequency.perWeek<3', sampleMetrics(), 3.5, true],
    ['deploymentFrequency.perWeek<4', sampleMetrics(), 3.5, false],
    // A null actual never breaches; a count gates on activity instead.
    ['leadTime.p50>2d', emptyMetrics(), null, true],
    ['changeFailureRate.rate>0%', emptyMetrics(), null, true],
    ['deploymentFrequency.deployments<1', emptyMetrics(), 0, false],
  ])('%s', (expr, metrics, actual, passed) => {
    expect(evaluateThresholds([parseThreshold(expr)], metrics)).toEqual([{ expr, actual, passed }]);
  });

  it('keeps the order of the expressions', () => {
    const results = evaluateThresholds(parseThresholds(['leadTime.p50>2d', 'leadTime.p50>3d']), sampleMetrics());
    expect(results.map((r) => r.passed)).toEqual([false, true]);
  });
});
