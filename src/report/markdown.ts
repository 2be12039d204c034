import { parseRepoId } from '../domain/ids.js';
import type { ReportDocument, ReportMetrics } from './document.js';
import { NONE, formatLocal, formatNumber, formatPercent, formatSeconds, formatThresholdActual, formatValue, formatWindow } from './format.js';
import { SUMMARY_ROWS, TREND_ROWS, headlineText, judgeChange, plural, type MetricRow } from './rows.js';
import { isClippedPeriod, periodLabel } from './series.js';

/**
 * The Markdown retro report (SPEC §6, issue 5): a document a team pastes into its retro or
 * a CI job writes to `$GITHUB_STEP_SUMMARY`. Pure and deterministic: it reads nothing but
 * the document and leaves out `generatedAt`, so the same store, window and flags give a
 * byte-identical file. Every undefined value reads as `—` or as a sentence, never as `0`
 * or `NaN`, and every text that comes from a forge (titles, authors, warnings) is escaped.
 */
export function renderMarkdown(doc: ReportDocument): string {
  const sections = [
    title(doc),
    summary(doc),
    whereTheTimeGoes(doc.metrics),
    ...(doc.series ? [trends(doc, doc.series)] : []),
    slowestChanges(doc),
    undeployed(doc),
    incidents(doc),
    ...breakdowns(doc),
    ...(doc.thresholds.length > 0 ? [thresholds(doc)] : []),
    dataNotes(doc),
  ];
  return `${sections.join('\n\n')}\n`;
}

// ---------------------------------------------------------------------------------------
// Markdown building blocks

const SENSITIVE = /[\\`*_[\]<>|~&$]/g;

/**
 * Escapes text from a forge for use inline and in table cells: backslash before every
 * character that GitHub- or GitLab-flavoured Markdown could read as markup (emphasis, code,
 * links, HTML, table pipes, strikethrough, entities, math), and line breaks as spaces so a
 * title cannot end a table row.
 */
export function escapeMarkdown(text: string): string {
  return text.replace(/\s*[\r\n]+\s*/g, ' ').replace(SENSITIVE, (char) => `\\${char}`);
}

/** A link whose URL cannot break out of its parentheses or a table cell. */
function link(text: string, url: string | null): string {
  if (url === null || url === '') return text;
  const safe = url.replace(/[ ()<>|\\]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
  return `[${text}](${safe})`;
}

type Align = 'left' | 'right';

function table(head: string[], rows: string[][], align: Align[] = []): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  const rule = head.map((_, index) => (align[index] === 'right' ? '---:' : '---'));
  return [line(head), `|${rule.join('|')}|`, ...rows.map(line)].join('\n');
}

function section(heading: string, ...parts: string[]): string {
  return [`## ${heading}`, ...parts].join('\n\n');
}

// ---------------------------------------------------------------------------------------
// Title and summary

function title(doc: ReportDocument): string {
  const { repos, environment, team } = doc.scope;
  const scope =
    repos.length === 0 ? 'no repositories' : repos.length <= 3 ? repos.join(', ') : `${repos.length} repositories`;
  const lines = [
    `# DORA metrics: ${escapeMarkdown(scope)}${team === undefined ? '' : ` (team ${escapeMarkdown(team)})`}`,
    '',
    `- **Window:** ${formatWindow(doc.window)}, the end excluded`,
    `- **Environment:** ${escapeMarkdown(environment)}`,
  ];
  if (repos.length > 3) lines.push(`- **Repositories:** ${repos.map(escapeMarkdown).join(', ')}`);
  if (doc.previous) lines.push(`- **Compared with:** ${formatWindow(doc.previous.window)}`);
  return lines.join('\n');
}

function summary(doc: ReportDocument): string {
  const previous = doc.previous?.metrics;
  const head = previous
    ? ['Metric', 'Value', 'Level', 'Previous', 'Change', 'Detail']
    : ['Metric', 'Value', 'Level', 'Detail'];
  const rows = SUMMARY_ROWS.map((row) => {
    const level = row.level ? (row.level(doc.metrics) ?? NONE) : '';
    const cells = [row.label, headlineText(row, doc.metrics), level];
    if (previous) cells.push(headlineText(row, previous), changeText(row, doc.metrics, previous));
    cells.push(row.detail(doc.metrics));
    return cells;
  });
  return section('Summary', table(head, rows));
}

/**
 * The change against the previous window with an arrow, the size and a verdict:
 * `▼ 20% (better)` for a lead time a fifth shorter, `▲ 2.5 pp (worse)` for a failure rate
 * up from 10% to 12.5%. Rates move in percentage points (a relative change of a rate reads
 * as nonsense: 0% to 5% would be "infinitely worse"); other values in percent of the
 * previous one, or "from 0" when that was zero.
 */
export function changeText(row: MetricRow, current: ReportMetrics, previous: ReportMetrics): string {
  const now = row.headline(current);
  const before = row.headline(previous);
  const verdict = judgeChange(row, now, before);
  if (verdict === null || now === null || before === null) return NONE;
  if (verdict === 'same') return 'no change';
  const arrow = now > before ? '▲' : '▼';
  let size: string;
  if (row.kind === 'rate') size = `${formatNumber(Math.round(Math.abs(now - before) * 1000) / 10)} pp`;
  else if (before === 0) size = `from ${formatValue(row.kind, 0)}`;
  else size = `${formatNumber(Math.round((Math.abs(now - before) / Math.abs(before)) * 1000) / 10)}%`;
  return `${arrow} ${size} (${verdict})`;
}

// ---------------------------------------------------------------------------------------
// Where the time goes (SPEC §5.5)

function whereTheTimeGoes(metrics: ReportMetrics): string {
  const { cycleTimeLag: lag } = metrics;
  const phases = [
    { name: 'Coding', what: 'first commit → PR opened', stats: lag.phases.coding },
    { name: 'Pickup', what: 'PR opened → first review', stats: lag.phases.pickup },
    { name: 'Review', what: 'first review → merged', stats: lag.phases.review },
    { name: 'Lag to production', what: 'merged → deployed', stats: lag },
  ];
  const rows = phases.map(({ name, what, stats }) => [
    name,
    what,
    formatSeconds(stats.p50),
    formatSeconds(stats.p90),
    String(stats.count),
  ]);
  const parts = [table(['Phase', 'From → to', 'p50', 'p90', 'PRs'], rows, ['left', 'left', 'right', 'right', 'right'])];
  const measured = phases.filter((phase) => phase.stats.p50 !== null);
  if (measured.length === 0) {
    parts.push('No PR shipped in this window, so no phase has a value.');
  } else {
    const longest = measured.reduce((best, phase) => (phase.stats.p50! > best.stats.p50! ? phase : best));
    parts.push(`The longest phase at the median is **${longest.name.toLowerCase()}** (p50 ${formatSeconds(longest.stats.p50)}).`);
  }
  const { undeployed: waiting } = lag;
  if (waiting.count > 0) {
    parts.push(
      `${plural(waiting.count, 'merged PR')} ${waiting.count === 1 ? 'was' : 'were'} still waiting for a deployment at the end of the window ` +
        `(the oldest for ${formatSeconds(waiting.oldestAgeSeconds)}).`,
    );
  }
  return section('Where the time goes', ...parts);
}

// ---------------------------------------------------------------------------------------
// Trends (`--by`)

interface ChartUnit {
  name: string;
  scale: (value: number) => number;
}

const HOUR = 3_600;
const DAY = 86_400;

/** One unit per chart, the one its largest value reads best in. */
function chartUnit(row: MetricRow, values: readonly number[]): ChartUnit {
  switch (row.kind) {
    case 'rate':
      return { name: '%', scale: (value) => value * 100 };
    case 'duration': {
      const largest = Math.max(0, ...values);
      if (largest >= 2 * DAY) return { name: 'days', scale: (value) => value / DAY };
      if (largest >= 2 * HOUR) return { name: 'hours', scale: (value) => value / HOUR };
      return { name: 'minutes', scale: (value) => value / 60 };
    }
    case 'frequency':
      return { name: 'deployments per week', scale: (value) => value };
    case 'count':
      return { name: 'count', scale: (value) => value };
  }
}

/** The smallest of 1, 1.5, 2, 2.5, 3, 4, 5, 6, 8 times a power of ten that is at least `value`. */
export function niceCeiling(value: number): number {
  if (!(value > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10]) {
    const candidate = Number((step * power).toPrecision(12));
    if (candidate >= value) return candidate;
  }
  return 10 * power;
}

const round1 = (value: number) => Math.round(value * 10) / 10;

function trends(doc: ReportDocument, series: NonNullable<ReportDocument['series']>): string {
  const zone = doc.window.timezone;
  const periods = series.periods.map((period) => {
    const from = Date.parse(period.from);
    const to = Date.parse(period.to);
    return {
      label: periodLabel(from, series.by, zone),
      clipped: isClippedPeriod({ from, to }, series.by, zone),
      period,
    };
  });
  const parts: string[] = [];
  const clipped = periods.filter((p) => p.clipped).map((p) => p.label);
  const intro = `One value per ${series.by === 'week' ? 'ISO week (Monday to Sunday)' : 'calendar month'} in ${zone}.`;
  parts.push(
    clipped.length === 0
      ? intro
      : `${intro} ${listOf(clipped)} ${clipped.length === 1 ? 'is a partial period' : 'are partial periods'}, clipped to the window.`,
  );

  for (const row of TREND_ROWS) {
    const values = periods.map(({ label, period }) => ({ label, value: row.headline(period.metrics) }));
    const known = values.filter((entry): entry is { label: string; value: number } => entry.value !== null);
    const heading = `### ${row.label}`;
    if (known.length === 0) {
      parts.push(`${heading}\n\nNo value in any ${series.by}: ${row.undefinedWhen}.`);
      continue;
    }
    const missing = values.filter((entry) => entry.value === null).map((entry) => entry.label);
    const note =
      missing.length === 0
        ? ''
        : `\n\nNo value in ${listOf(missing)} (${row.undefinedWhen}): left out of the chart rather than drawn as 0.`;
    if (known.every((entry) => entry.value === 0)) {
      // A chart of nothing but empty bars says less than one sentence.
      const every = missing.length === 0 ? `every ${series.by}` : `every ${series.by} with a value`;
      parts.push(`${heading}\n\n${formatValue(row.kind, 0)} in ${every}.${note}`);
      continue;
    }
    const unit = chartUnit(row, known.map((entry) => entry.value));
    const points = known.map((entry) => round1(unit.scale(entry.value)));
    const top = row.kind === 'rate' ? 100 : niceCeiling(Math.max(...points));
    const chart = [
      '```mermaid',
      'xychart-beta',
      `    title "${row.label}, ${unit.name}"`,
      `    x-axis [${known.map((entry) => `"${entry.label}"`).join(', ')}]`,
      `    y-axis "${unit.name}" 0 --> ${top}`,
      `    bar [${points.map(String).join(', ')}]`,
      '```',
    ].join('\n');
    parts.push(`${heading}\n\n${chart}${note}`);
  }

  const rows = periods.map(({ label, clipped: isClipped, period }) => [
    label + (isClipped ? ' (partial)' : ''),
    `${formatLocal(period.from, zone, true)} → ${formatLocal(period.to, zone, true)}`,
    String(period.metrics.deploymentFrequency.deployments),
    ...TREND_ROWS.map((row) => formatValue(row.kind, row.headline(period.metrics))),
  ]);
  parts.push(
    '### The numbers',
    table(
      ['Period', 'Dates', 'Deploys', ...TREND_ROWS.map((row) => row.short)],
      rows,
      ['left', 'left', ...Array<Align>(TREND_ROWS.length + 1).fill('right')],
    ),
  );
  return section(`Trends by ${series.by}`, ...parts);
}

function listOf(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

// ---------------------------------------------------------------------------------------
// Details

/** `acme/shop#12` on GitHub, `acme/payments!12` on GitLab. */
function changeName(repoId: string, number: number): string {
  const parsed = parseRepoId(repoId);
  if (!parsed) return `${escapeMarkdown(repoId)}#${number}`;
  return `${escapeMarkdown(parsed.fullName)}${parsed.forge === 'gitlab' ? '!' : '#'}${number}`;
}

/** A deployment id without its repository prefix: `github:acme/shop:deployment:11` → `11`. */
function deploymentKey(id: string, repoId: string): string {
  const prefix = `${repoId}:deployment:`;
  return escapeMarkdown(id.startsWith(prefix) ? id.slice(prefix.length) : id);
}

const author = (login: string | null) => (login === null ? NONE : escapeMarkdown(login));

function slowestChanges(doc: ReportDocument): string {
  const { changes } = doc.details;
  const zone = doc.window.timezone;
  if (changes.length === 0) {
    return section(
      'Slowest changes',
      doc.metrics.deploymentFrequency.deployments === 0
        ? 'No deployments in this window, so no change shipped.'
        : 'The deployments in this window shipped no PR that counts (bot PRs and what the first deployment ever stored reached are left out).',
    );
  }
  const rows = changes.map((change) => [
    link(changeName(change.repoId, change.number), change.url),
    escapeMarkdown(change.title),
    author(change.author),
    formatSeconds(change.leadTimeSeconds),
    formatSeconds(change.lagSeconds),
    `${formatLocal(change.deployedAt, zone, false)} (deployment ${deploymentKey(change.deploymentId, change.repoId)})`,
  ]);
  return section(
    'Slowest changes',
    'The PRs with the longest lead time and the longest lag (merged → deployed) among those shipped in this window, longest lead time first.',
    table(['Change', 'Title', 'Author', 'Lead time', 'Lag', 'Deployed'], rows, ['left', 'left', 'left', 'right', 'right', 'left']),
  );
}

function undeployed(doc: ReportDocument): string {
  const zone = doc.window.timezone;
  const prs = [...doc.details.undeployed].sort((a, b) => b.ageSeconds - a.ageSeconds || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  if (prs.length === 0) {
    return section('Merged but not deployed', 'Every PR merged before the end of the window had been deployed by then.');
  }
  const rows = prs.map((pr) => [
    link(changeName(pr.repoId, pr.number), pr.url),
    escapeMarkdown(pr.title),
    author(pr.author),
    formatLocal(pr.mergedAt, zone, false),
    formatSeconds(pr.ageSeconds),
  ]);
  return section(
    'Merged but not deployed',
    'PRs merged into the default branch that no deployment had reached by the end of the window, oldest first; the age is counted to the end of the window.',
    table(['PR', 'Title', 'Author', 'Merged', 'Age'], rows, ['left', 'left', 'left', 'left', 'right']),
  );
}

function incidents(doc: ReportDocument): string {
  const zone = doc.window.timezone;
  const list = doc.details.incidents;
  if (list.length === 0) return section('Incidents', 'No incidents were opened in this window.');
  const rows = list.map((incident) => [
    link(escapeMarkdown(incident.title === '' ? incident.incidentId : incident.title), incident.url),
    escapeMarkdown(incident.repoId),
    formatLocal(incident.createdAt, zone, false),
    incident.resolvedAt === null
      ? 'still open'
      : formatSeconds((Date.parse(incident.resolvedAt) - Date.parse(incident.createdAt)) / 1000),
    incident.deploymentId === null
      ? 'not deployment-caused'
      : `deployment ${deploymentKey(incident.deploymentId, incident.repoId)} (by ${incident.by === 'reference' ? 'reference' : 'window'})`,
  ]);
  return section(
    'Incidents',
    'Incidents opened in this window. "By reference": its body names the commit or PR (root cause: …); "by window": the latest deployment within the attribution window before it.',
    table(['Incident', 'Repository', 'Opened', 'Restored after', 'Attributed to'], rows, ['left', 'left', 'left', 'right', 'left']),
  );
}

function breakdowns(doc: ReportDocument): string[] {
  const sections: string[] = [];
  if (Object.keys(doc.byRepo).length > 1) sections.push(section('Per repository', breakdownTable('Repository', doc.byRepo)));
  if (doc.byTeam && Object.keys(doc.byTeam).length > 0) sections.push(section('Per team', breakdownTable('Team', doc.byTeam)));
  return sections;
}

function breakdownTable(label: string, breakdown: Record<string, ReportMetrics>): string {
  const rows = Object.entries(breakdown).map(([key, m]) => [
    escapeMarkdown(key),
    String(m.deploymentFrequency.deployments),
    formatNumber(m.deploymentFrequency.perWeek),
    formatSeconds(m.leadTime.p50),
    formatSeconds(m.cycleTimeLag.p50),
    formatPercent(m.changeFailureRate.rate),
    formatSeconds(m.timeToRestore.p50),
    formatPercent(m.reworkRate.rate),
    String(m.cycleTimeLag.undeployed.count),
  ]);
  return table(
    [label, 'Deploys', 'Deploys/week', 'Lead time p50', 'Lag p50', 'Change failure', 'Restore p50', 'Rework', 'Undeployed'],
    rows,
    ['left', ...Array<Align>(8).fill('right')],
  );
}

function thresholds(doc: ReportDocument): string {
  const lines = doc.thresholds.map(({ expr, actual, passed }) => {
    const note = actual === null ? ', undefined, so not breached' : '';
    return `- ${passed ? 'pass' : '**FAIL**'}: \`${expr}\` (actual ${formatThresholdActual(expr, actual)}${note})`;
  });
  return section('Thresholds', lines.join('\n'));
}

function dataNotes(doc: ReportDocument): string {
  if (doc.warnings.length === 0) return section('Data notes', 'Nothing to note: no warnings.');
  return section('Data notes', doc.warnings.map((warning) => `- ${escapeMarkdown(warning)}`).join('\n'));
}
