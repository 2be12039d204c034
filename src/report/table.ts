import { Chalk, type ChalkInstance } from 'chalk';
import Table from 'cli-table3';
import type { Level } from '../metrics/types.js';
import type { ReportDocument, ReportMetrics } from './document.js';
import {
  NONE,
  formatChange,
  formatNumber,
  formatPercent,
  formatSeconds,
  formatThresholdActual,
  formatValue,
  formatWindow,
} from './format.js';
import type { ValueKind } from './thresholds.js';

/**
 * The terminal table (SPEC §6): one row per metric with its headline value in human units,
 * its level, and the change against the previous window when `--compare` gave one. Pure:
 * a document in, a string out. Colour depends only on `options.color`, never on the
 * terminal, so tests are deterministic (STYLE "things to avoid" 3).
 */

export interface TableOptions {
  color: boolean;
}

/** One row of the summary: how to read, show and compare one metric. */
interface MetricRow {
  label: string;
  kind: ValueKind;
  /** The number the row is about, compared against the previous window. */
  headline: (metrics: ReportMetrics) => number | null;
  /** How the headline reads, when plain units are not enough. */
  value?: (metrics: ReportMetrics) => string;
  /** Absent for metrics DORA gives no level (the phases, rework). */
  level?: (metrics: ReportMetrics) => Level | null;
  detail: (metrics: ReportMetrics) => string;
  better: 'lower' | 'higher';
}

const spread = (stats: { p75: number | null; p90: number | null }): string =>
  `p75 ${formatSeconds(stats.p75)}, p90 ${formatSeconds(stats.p90)}`;

const ROWS: MetricRow[] = [
  {
    label: 'Deployment frequency',
    kind: 'frequency',
    headline: (m) => m.deploymentFrequency.perWeek,
    value: ({ deploymentFrequency: f }) =>
      `${formatNumber(f.perWeek)}/week (${plural(f.deployDays, 'deploy day')})`,
    level: (m) => m.deploymentFrequency.level,
    detail: ({ deploymentFrequency: f }) =>
      plural(f.deployments, 'deployment') +
      (f.medianDeployDaysPerWeek === null ? '' : `, median ${formatNumber(f.medianDeployDaysPerWeek)} deploy days/week`),
    better: 'higher',
  },
  {
    label: 'Lead time for changes (p50)',
    kind: 'duration',
    headline: (m) => m.leadTime.p50,
    level: (m) => m.leadTime.level,
    detail: ({ leadTime: t }) => `${plural(t.changes, 'change')}; ${spread(t)}`,
    better: 'lower',
  },
  ...(['coding', 'pickup', 'review'] as const).map(
    (phase): MetricRow => ({
      label: `Cycle time: ${phase} (p50)`,
      kind: 'duration',
      headline: (m) => m.cycleTimeLag.phases[phase].p50,
      detail: (m) => `${plural(m.cycleTimeLag.phases[phase].count, 'PR')}; ${spread(m.cycleTimeLag.phases[phase])}`,
      better: 'lower',
    }),
  ),
  {
    label: 'Cycle time: lag to production (p50)',
    kind: 'duration',
    headline: (m) => m.cycleTimeLag.p50,
    detail: ({ cycleTimeLag: c }) => `${plural(c.count, 'PR')}; ${spread(c)}`,
    better: 'lower',
  },
  {
    label: 'Merged, not yet deployed',
    kind: 'count',
    headline: (m) => m.cycleTimeLag.undeployed.count,
    value: ({ cycleTimeLag: { undeployed: u } }) => plural(u.count, 'PR'),
    detail: ({ cycleTimeLag: { undeployed: u } }) =>
      u.oldestAgeSeconds === null ? '' : `oldest merged ${formatSeconds(u.oldestAgeSeconds)} before the window end`,
    better: 'lower',
  },
  {
    label: 'Change failure rate',
    kind: 'rate',
    headline: (m) => m.changeFailureRate.rate,
    level: (m) => m.changeFailureRate.level,
    detail: ({ changeFailureRate: r }) => `${r.failedDeployments} of ${plural(r.deployments, 'deployment')} failed`,
    better: 'lower',
  },
  {
    label: 'Time to restore (p50)',
    kind: 'duration',
    headline: (m) => m.timeToRestore.p50,
    level: (m) => m.timeToRestore.level,
    detail: ({ timeToRestore: t }) =>
      `${plural(t.incidents, 'incident')} (${t.resolved} resolved, ${t.open} open); ${spread(t)}`,
    better: 'lower',
  },
  {
    label: 'Failed deployment recovery (p50)',
    kind: 'duration',
    headline: (m) => m.failedDeploymentRecoveryTime.p50,
    level: (m) => m.failedDeploymentRecoveryTime.level,
    detail: ({ failedDeploymentRecoveryTime: t }) =>
      `${plural(t.failures, 'failed deployment')}, ${t.recovered} recovered; ${spread(t)}`,
    better: 'lower',
  },
  {
    label: 'Rework rate',
    kind: 'rate',
    headline: (m) => m.reworkRate.rate,
    detail: ({ reworkRate: r }) => `${r.reworkDeployments} of ${plural(r.deployments, 'deployment')}`,
    better: 'lower',
  },
];

export function renderTable(doc: ReportDocument, options: TableOptions): string {
  const chalk = new Chalk({ level: options.color ? 1 : 0 });
  const sections = [heading(doc, chalk), summaryTable(doc, chalk)];
  const repos = Object.keys(doc.byRepo);
  if (repos.length > 1) sections.push(byRepoTable(doc, chalk));
  if (doc.thresholds.length > 0) sections.push(thresholdList(doc, chalk));
  if (doc.warnings.length > 0) {
    sections.push([chalk.bold('Warnings'), ...doc.warnings.map((warning) => `  - ${warning}`)].join('\n'));
  }
  return `${sections.join('\n\n')}\n`;
}

function heading(doc: ReportDocument, chalk: ChalkInstance): string {
  const { repos, environment, team } = doc.scope;
  const scope =
    repos.length === 0 ? 'no repositories' : repos.length <= 3 ? repos.join(', ') : `${repos.length} repositories`;
  const lines = [
    chalk.bold(`DORA metrics: ${scope}${team === undefined ? '' : ` (team ${team})`}, environment ${environment}`),
    formatWindow(doc.window),
  ];
  if (doc.previous) lines.push(`compared with ${formatWindow(doc.previous.window)}`);
  return lines.join('\n');
}

function newTable(head: string[], chalk: ChalkInstance): Table.Table {
  // cli-table3 colours head and border through @colors/colors, which looks at the terminal;
  // we switch that off and colour with our own chalk instance so `color` alone decides.
  // Compact: no rule between body rows, so the table fits a terminal without scrolling.
  return new Table({ head: head.map((cell) => chalk.bold(cell)), style: { head: [], border: [], compact: true } });
}

function summaryTable(doc: ReportDocument, chalk: ChalkInstance): string {
  const previous = doc.previous?.metrics;
  const head = previous
    ? ['Metric', 'Value', 'Level', 'Previous', 'Change', 'Detail']
    : ['Metric', 'Value', 'Level', 'Detail'];
  const table = newTable(head, chalk);
  for (const row of ROWS) {
    const cells = [row.label, headlineText(row, doc.metrics), row.level ? levelText(row.level(doc.metrics), chalk) : ''];
    if (previous) {
      cells.push(headlineText(row, previous), changeText(row, doc.metrics, previous, chalk));
    }
    cells.push(row.detail(doc.metrics));
    table.push(cells);
  }
  return table.toString();
}

function headlineText(row: MetricRow, metrics: ReportMetrics): string {
  return row.value ? row.value(metrics) : formatValue(row.kind, row.headline(metrics));
}

function changeText(row: MetricRow, current: ReportMetrics, previous: ReportMetrics, chalk: ChalkInstance): string {
  const now = row.headline(current);
  const before = row.headline(previous);
  const text = formatChange(row.kind, now, before);
  if (now === null || before === null || now === before) return text;
  const improved = row.better === 'lower' ? now < before : now > before;
  return improved ? chalk.green(text) : chalk.red(text);
}

const LEVEL_COLOURS: Record<Level, (chalk: ChalkInstance, text: string) => string> = {
  elite: (chalk, text) => chalk.green(text),
  high: (chalk, text) => chalk.cyan(text),
  medium: (chalk, text) => chalk.yellow(text),
  low: (chalk, text) => chalk.red(text),
};

function levelText(level: Level | null, chalk: ChalkInstance): string {
  return level === null ? NONE : LEVEL_COLOURS[level](chalk, level);
}

function byRepoTable(doc: ReportDocument, chalk: ChalkInstance): string {
  const table = newTable(
    ['Repository', 'Deploys/week', 'Lead time p50', 'Lag p50', 'Change failure', 'Restore p50', 'Rework'],
    chalk,
  );
  for (const [repoId, m] of Object.entries(doc.byRepo)) {
    table.push([
      repoId,
      formatNumber(m.deploymentFrequency.perWeek),
      formatSeconds(m.leadTime.p50),
      formatSeconds(m.cycleTimeLag.p50),
      formatPercent(m.changeFailureRate.rate),
      formatSeconds(m.timeToRestore.p50),
      formatPercent(m.reworkRate.rate),
    ]);
  }
  return `${chalk.bold('By repository')}\n${table.toString()}`;
}

function thresholdList(doc: ReportDocument, chalk: ChalkInstance): string {
  const lines = doc.thresholds.map(({ expr, actual, passed }) => {
    const shown = formatThresholdActual(expr, actual);
    const status = passed ? chalk.green('pass') : chalk.red('FAIL');
    const note = actual === null ? ' (undefined, so not breached)' : '';
    return `  ${status}  ${expr}  (actual ${shown}${note})`;
  });
  return [chalk.bold('Thresholds'), ...lines].join('\n');
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
