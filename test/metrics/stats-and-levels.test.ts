import { describe, expect, it } from 'vitest';
import {
  changeFailureRateLevel,
  deploymentFrequencyLevel,
  leadTimeLevel,
  restoreLevel,
} from '../../src/metrics/levels.js';
import { durationStats, percentile } from '../../src/metrics/stats.js';

describe('SPEC §5 percentile rule (linear interpolation on rank q·(n−1))', () => {
  const sorted = [10, 20, 30, 40];

  it('p50 of 10,20,30,40: rank 1.5 → 20 + 0.5·(30−20) = 25', () => {
    expect(percentile(sorted, 0.5)).toBe(25);
  });

  it('p75: rank 2.25 → 30 + 0.25·(40−30) = 32.5', () => {
    expect(percentile(sorted, 0.75)).toBe(32.5);
  });

  it('p90: rank 2.7 → 30 + 0.7·(40−30) = 37', () => {
    expect(percentile(sorted, 0.9)).toBeCloseTo(37, 10);
  });

  it('a single value is every percentile', () => {
    expect(percentile([7], 0.9)).toBe(7);
  });

  it('an empty set gives null, never 0', () => {
    expect(percentile([], 0.5)).toBeNull();
    expect(durationStats([])).toEqual({ count: 0, p50: null, p75: null, p90: null, mean: null });
  });

  it('durationStats sorts its input: 40,10,30,20 → mean 25, p50 25', () => {
    expect(durationStats([40, 10, 30, 20])).toMatchObject({ count: 4, p50: 25, mean: 25 });
  });
});

describe('SPEC §5 levels (DORA 2024, gap-free)', () => {
  it('deployment frequency: ≥ 5 deploy days a week elite, ≥ 1 high, perWeek ≥ 0.25 medium, else low (never null)', () => {
    expect(deploymentFrequencyLevel(5, 0)).toBe('elite');
    expect(deploymentFrequencyLevel(4.5, 30)).toBe('high');
    expect(deploymentFrequencyLevel(1, 1)).toBe('high');
    expect(deploymentFrequencyLevel(0.5, 0.25)).toBe('medium');
    expect(deploymentFrequencyLevel(null, 0.25)).toBe('medium');
    expect(deploymentFrequencyLevel(0, 0.24)).toBe('low');
    expect(deploymentFrequencyLevel(null, 0)).toBe('low');
  });

  it('lead time on p50: < 1 day elite, < 1 week high, < 30 days medium, else low', () => {
    expect(leadTimeLevel(86_399)).toBe('elite');
    expect(leadTimeLevel(86_400)).toBe('high');
    expect(leadTimeLevel(604_799)).toBe('high');
    expect(leadTimeLevel(604_800)).toBe('medium');
    expect(leadTimeLevel(30 * 86_400 - 1)).toBe('medium');
    expect(leadTimeLevel(30 * 86_400)).toBe('low');
    expect(leadTimeLevel(null)).toBeNull();
  });

  it('change failure rate: ≤ 5 % elite, ≤ 10 % high, ≤ 15 % medium, above low', () => {
    expect(changeFailureRateLevel(0)).toBe('elite');
    expect(changeFailureRateLevel(0.05)).toBe('elite');
    expect(changeFailureRateLevel(0.0501)).toBe('high');
    expect(changeFailureRateLevel(0.1)).toBe('high');
    expect(changeFailureRateLevel(0.15)).toBe('medium');
    expect(changeFailureRateLevel(0.1501)).toBe('low');
    expect(changeFailureRateLevel(null)).toBeNull();
  });

  it('time to restore and recovery time on p50: < 1 hour elite, < 1 day high, < 1 week medium, else low', () => {
    expect(restoreLevel(3_599)).toBe('elite');
    expect(restoreLevel(3_600)).toBe('high');
    expect(restoreLevel(86_400)).toBe('medium');
    expect(restoreLevel(604_800)).toBe('low');
    expect(restoreLevel(null)).toBeNull();
  });
});
