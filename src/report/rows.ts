import { plural } from '../util/text.js';
import type { Level } from '../metrics/types.js';
import type { ReportMetrics } from './document.js';
import { formatNumber, formatSeconds, formatValue } from './format.js';
import type { ValueKind } from './thresholds.js';

/**
 * The summary rows every human-readable report shows (SPEC §6), shared by the terminal
 * table and the Markdown report so that both read a metric the same way and judge a
 * change against the previous window the same way.
 */

/** One row of the summary: how to read, show and compare one metric. */
export interface MetricRow {
  label: string;
  /** A shorter label for narrow columns and chart titles. */
  short: string;
  kind: ValueKind;
  /** The number the row is about, compared against the previous window and charted by period. */
  headline: (metrics: ReportMetrics) => number | null;
  /** How the headline reads, when plain units are not enough. */
  value?: (metrics: ReportMetrics) => string;
  /** Absent for metrics DORA gives no level (the phases, rework). */
  level?: (metrics: ReportMetrics) => Level | null;
  detail: (metrics: ReportMetrics) => string;
  /** Which direction is an improvement: lower lead time, higher deployment frequency. */
  better: 'lower' | 'higher';
  /** Whether `--by` charts it (the DORA metrics themselves, not the phases). */
  trend: boolean;
  /** Why the headline can be undefined, in words: `no PR shipped`. */
  undefinedWhen: string;
}

export { plural };

const spread = (stats: { p75: number | null; p90: number | null }): string =>
  `p75 ${formatSeconds(stats.p75)}, p90 ${formatSeconds(stats.p90)}`;

export const SUMMARY_ROWS: readonly MetricRow[] = [
  {
    label: 'Deployment frequency',
    short: 'Deploys/week',
    kind: 'frequency',
    headline: (m) => m.deploymentFrequency.perWeek,
    value: ({ deploymentFrequency: f }) => `${formatNumber(f.perWeek)}/week (${plural(f.deployDays, 'deploy day')})`,
    level: (m) => m.deploymentFrequency.level,
    detail: ({ deploymentFrequency: f }) =>
      plural(f.deployments, 'deployment') +
      (f.medianDeployDaysPerWeek === null ? '' : `, median ${formatNumber(f.medianDeployDaysPerWeek)} deploy days/week`),
    better: 'higher',
    trend: true,
    undefinedWhen: 'no deployments',
  },
  {
    label: 'Lead time for changes (p50)',
    short: 'Lead time p50',
    kind: 'duration',
    headline: (m) => m.leadTime.p50,
    level: (m) => m.leadTime.level,
    detail: ({ leadTime: t }) => `${plural(t.changes, 'change')}; ${spread(t)}`,
    better: 'lower',
    trend: true,
    undefinedWhen: 'no PR shipped',
  },
  ...(['coding', 'pickup', 'review'] as const).map(
    (phase): MetricRow => ({
      label: `Cycle time: ${phase} (p50)`,
      short: `${phase[0]!.toUpperCase()}${phase.slice(1)} p50`,
      kind: 'duration',
      headline: (m) => m.cycleTimeLag.phases[phase].p50,
      detail: (m) => `${plural(m.cycleTimeLag.phases[phase].count, 'PR')}; ${spread(m.cycleTimeLag.phases[phase])}`,
      better: 'lower',
      trend: false,
      undefinedWhen: 'no PR with this phase',
    }),
  ),
  {
    label: 'Cycle time: lag to production (p50)',
    short: 'Lag p50',
    kind: 'duration',
    headline: (m) => m.cycleTimeLag.p50,
    detail: ({ cycleTimeLag: c }) => `${plural(c.count, 'PR')}; ${spread(c)}`,
    better: 'lower',
    trend: true,
    undefinedWhen: 'no PR shipped',
  },
  {
    label: 'Merged, not yet deployed',
    short: 'Undeployed',
    kind: 'count',
    headline: (m) => m.cycleTimeLag.undeployed.count,
    value: ({ cycleTimeLag: { undeployed: u } }) => plural(u.count, 'PR'),
    detail: ({ cycleTimeLag: { undeployed: u } }) =>
      u.oldestAgeSeconds === null ? '' : `oldest merged ${formatSeconds(u.oldestAgeSeconds)} before the window end`,
    better: 'lower',
    trend: false,
    undefinedWhen: 'never undefined (a count)',
  },
  {
    label: 'Change failure rate',
    short: 'Change failure',
    kind: 'rate',
    headline: (m) => m.changeFailureRate.rate,
    level: (m) => m.changeFailureRate.level,
    detail: ({ changeFailureRate: r }) => `${r.failedDeployments} of ${plural(r.deployments, 'deployment')} failed`,
    better: 'lower',
    trend: true,
    undefinedWhen: 'no deployments',
  },
  {
    label: 'Time to restore (p50)',
    short: 'Restore p50',
    kind: 'duration',
    headline: (m) => m.timeToRestore.p50,
    level: (m) => m.timeToRestore.level,
    detail: ({ timeToRestore: t }) => `${plural(t.incidents, 'incident')} (${t.resolved} resolved, ${t.open} open); ${spread(t)}`,
    better: 'lower',
    trend: true,
    undefinedWhen: 'no incident resolved',
  },
  {
    label: 'Failed deployment recovery (p50)',
    short: 'Recovery p50',
    kind: 'duration',
    headline: (m) => m.failedDeploymentRecoveryTime.p50,
    level: (m) => m.failedDeploymentRecoveryTime.level,
    detail: ({ failedDeploymentRecoveryTime: t }) =>
      `${plural(t.failures, 'failed deployment')}, ${t.recovered} recovered; ${spread(t)}`,
    better: 'lower',
    trend: true,
    undefinedWhen: 'no failed deployment recovered',
  },
  {
    label: 'Rework rate',
    short: 'Rework',
    kind: 'rate',
    headline: (m) => m.reworkRate.rate,
    detail: ({ reworkRate: r }) => `${r.reworkDeployments} of ${plural(r.deployments, 'deployment')}`,
    better: 'lower',
    trend: true,
    undefinedWhen: 'no deployments',
  },
];

/** The rows `--by` charts and tabulates per period. */
export const TREND_ROWS: readonly MetricRow[] = SUMMARY_ROWS.filter((row) => row.trend);

/** The headline in human units: `3.5/week (12 deploy days)`, `2d 4h`, `12.5%`, `—`. */
export function headlineText(row: MetricRow, metrics: ReportMetrics): string {
  return row.value ? row.value(metrics) : formatValue(row.kind, row.headline(metrics));
}

/**
 * Whether the metric moved the right way since the previous window: `null` when either
 * value is undefined, `same` when equal.
 */
export function judgeChange(row: MetricRow, current: number | null, previous: number | null): 'better' | 'worse' | 'same' | null {
  if (current === null || previous === null) return null;
  if (current === previous) return 'same';
  const improved = row.better === 'lower' ? current < previous : current > previous;
  return improved ? 'better' : 'worse';
}
