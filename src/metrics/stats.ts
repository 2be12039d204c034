import type { DurationStats } from './types.js';

/**
 * The percentile rule of SPEC §5: for n sorted values and q in [0, 1], rank r = q·(n−1) and
 * value = x⌊r⌋ + (r − ⌊r⌋)·(x⌈r⌉ − x⌊r⌋): linear interpolation, as PERCENTILE_CONT and numpy's
 * default. An empty set gives null, never 0.
 */
export function percentile(sorted: readonly number[], q: number): number | null {
  if (sorted.length === 0) return null;
  const rank = q * (sorted.length - 1);
  const low = Math.floor(rank);
  const high = Math.ceil(rank);
  const lowValue = sorted[low]!;
  return lowValue + (rank - low) * (sorted[high]! - lowValue);
}

export function mean(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  let sum = 0;
  for (const value of values) sum += value;
  return sum / values.length;
}

/** count, p50, p75, p90 and mean of a set of durations in seconds. */
export function durationStats(values: readonly number[]): DurationStats {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    count: sorted.length,
    p50: percentile(sorted, 0.5),
    p75: percentile(sorted, 0.75),
    p90: percentile(sorted, 0.9),
    mean: mean(sorted),
  };
}
