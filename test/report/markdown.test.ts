import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Metrics, Window } from '../../src/metrics/types.js';
import { escapeMarkdown, niceCeiling, renderMarkdown } from '../../src/report/markdown.js';
import { renderReport } from '../../src/report/render.js';
import { evaluateThresholds, parseThresholds } from '../../src/report/thresholds.js';
import { runCli } from '../helpers/run-cli.js';
import { seedStore, tempDir } from '../helpers/store.js';
import { PREVIOUS_WINDOW, comparedDocument, emptyMetrics, result, sampleDocument, sampleMetrics, sampleResult } from './builders.js';
import { RETRO_CONFIG, retroFacts } from './retro-scenario.js';

/** The lines of the section under `## heading`, up to the next `## ` heading. */
function sectionOf(text: string, heading: string): string {
  const start = text.indexOf(`\n## ${heading}\n`);
  if (start === -1) return '';
  const end = text.indexOf('\n## ', start + 1);
  return text.slice(start + 1, end === -1 ? undefined : end);
}

/** The table row whose first cell starts with `label`. */
function rowOf(text: string, label: string): string[] {
  const line = text.split('\n').find((row) => row.startsWith(`| ${label}`));
  if (!line) return [];
  // Split on pipes that are not escaped.
  return line.split(/(?<!\\)\|/).slice(1, -1).map((cell) => cell.trim());
}

/** Two weekly periods of the sample window's zone, with metrics chosen per test. */
function seriesDocument(first: Metrics, second: Metrics) {
  const periods: Array<{ window: Window; result: ReturnType<typeof result> }> = [
    { window: { from: Date.parse('2026-11-16T00:00:00Z'), to: Date.parse('2026-11-23T00:00:00Z'), timeZone: 'UTC' }, result: result(first) },
    { window: { from: Date.parse('2026-11-23T00:00:00Z'), to: Date.parse('2026-11-29T00:00:00Z'), timeZone: 'UTC' }, result: result(second) },
  ];
  return sampleDocument({ series: { by: 'week', periods } });
}

describe('Markdown renderer (SPEC §6)', () => {
  it('is registered as the markdown format and ignores colour', () => {
    const doc = comparedDocument();
    expect(renderReport(doc, 'markdown', { color: true })).toBe(renderMarkdown(doc));
    expect(renderMarkdown(doc)).not.toContain('\u001b[');
  });

  it('titles the report with the scope, the environment and the window in its zone', () => {
    const doc = sampleDocument({
      window: { from: Date.parse('2026-09-30T22:00:00Z'), to: Date.parse('2026-10-31T23:00:00Z'), timeZone: 'Europe/Berlin' },
      scope: { repos: ['github:acme/shop'], environment: 'production', team: 'checkout' },
    });
    expect(renderMarkdown(doc).split('\n').slice(0, 4)).toEqual([
      '# DORA metrics: github:acme/shop (team checkout)',
      '',
      '- **Window:** 2026-10-01 → 2026-11-01 (Europe/Berlin), the end excluded',
      '- **Environment:** production',
    ]);
  });

  it('names more than three repositories in a list under the title', () => {
    const repos = ['github:a/one', 'github:a/two', 'github:a/three', 'gitlab:b/four'];
    const text = renderMarkdown(sampleDocument({ scope: { repos, environment: 'production' } }));
    expect(text.startsWith('# DORA metrics: 4 repositories\n')).toBe(true);
    expect(text).toContain('- **Repositories:** github:a/one, github:a/two, github:a/three, gitlab:b/four\n');
  });

  it('has a summary row per metric with value, level and detail', () => {
    const text = renderMarkdown(sampleDocument());
    expect(rowOf(text, 'Metric')).toEqual(['Metric', 'Value', 'Level', 'Detail']);
    expect(rowOf(text, 'Deployment frequency')).toEqual([
      'Deployment frequency', '3.5/week (12 deploy days)', 'high', '15 deployments, median 3 deploy days/week',
    ]);
    expect(rowOf(text, 'Lead time for changes')).toEqual(['Lead time for changes (p50)', '2d 4h', 'medium', '42 changes; p75 3d, p90 6d']);
    expect(rowOf(text, 'Change failure rate')).toEqual(['Change failure rate', '12.5%', 'medium', '2 of 16 deployments failed']);
    expect(rowOf(text, 'Rework rate')).toEqual(['Rework rate', '6.3%', '', '1 of 16 deployments']);
  });

  it('with --compare shows the previous value and the change with an arrow, its size and a verdict', () => {
    const before = sampleMetrics();
    before.leadTime.p50 = 259_200; // 3d → 2d 4h: 27.8% shorter, better
    before.changeFailureRate.rate = 0.1; // 10% → 12.5%: 2.5 points up, worse
    before.deploymentFrequency.perWeek = 2; // 2 → 3.5 a week: 75% more, better
    before.timeToRestore.p50 = null; // undefined before: no change to tell
    before.cycleTimeLag.undeployed.count = 0; // 0 → 3: no percentage of zero
    before.cycleTimeLag.phases.review.p50 = 3_600; // 1h → 1h 30m: worse
    const text = renderMarkdown(sampleDocument({ previous: { window: PREVIOUS_WINDOW, result: result(before) } }));
    expect(text).toContain('- **Compared with:** 2026-09-30 → 2026-10-30 (UTC)');
    expect(rowOf(text, 'Metric')).toEqual(['Metric', 'Value', 'Level', 'Previous', 'Change', 'Detail']);
    expect(rowOf(text, 'Lead time for changes').slice(3, 5)).toEqual(['3d', '▼ 27.8% (better)']);
    expect(rowOf(text, 'Change failure rate').slice(3, 5)).toEqual(['10%', '▲ 2.5 pp (worse)']);
    expect(rowOf(text, 'Deployment frequency').slice(3, 5)).toEqual(['2/week (12 deploy days)', '▲ 75% (better)']);
    expect(rowOf(text, 'Time to restore').slice(3, 5)).toEqual(['—', '—']);
    expect(rowOf(text, 'Merged, not yet deployed').slice(3, 5)).toEqual(['0 PRs', '▲ from 0 (worse)']);
    expect(rowOf(text, 'Cycle time: review').slice(3, 5)).toEqual(['1h', '▲ 50% (worse)']);
    expect(rowOf(text, 'Rework rate').slice(3, 5)).toEqual(['6.3%', 'no change']);
  });

  it('shows the cycle-time phases side by side with p50 and p90, and names the longest', () => {
    const section = sectionOf(renderMarkdown(sampleDocument()), 'Where the time goes');
    expect(rowOf(section, 'Coding')).toEqual(['Coding', 'first commit → PR opened', '1h', '1d', '40']);
    expect(rowOf(section, 'Pickup')).toEqual(['Pickup', 'PR opened → first review', '2h', '12h', '38']);
    expect(rowOf(section, 'Review')).toEqual(['Review', 'first review → merged', '1h 30m', '8h', '38']);
    expect(rowOf(section, 'Lag to production')).toEqual(['Lag to production', 'merged → deployed', '5h', '1d 1h', '40']);
    expect(section).toContain('The longest phase at the median is **lag to production** (p50 5h).');
    expect(section).toContain('3 merged PRs were still waiting for a deployment at the end of the window (the oldest for 4d 4h).');
  });

  it('lists the slowest changes with links, author, lead time, lag and deployment', () => {
    const section = sectionOf(renderMarkdown(sampleDocument()), 'Slowest changes');
    expect(rowOf(section, 'acme/shop#5')).toEqual(['acme/shop#5', 'Fix cart', '—', '2d 4h', '—', '2026-11-02 14:03 (deployment 11)']);
  });

  it('lists the merged but undeployed PRs oldest first with their age', () => {
    const base = sampleResult();
    const newer = { ...base.undeployed[0]!, id: 'github:acme/shop:pr:8', number: 8, title: 'Newer', mergedAt: Date.parse('2026-11-27T00:00:00Z'), ageSeconds: 86_400 };
    const text = renderMarkdown(sampleDocument({ result: { ...base, undeployed: [newer, base.undeployed[0]!] } }));
    const section = sectionOf(text, 'Merged but not deployed');
    const rows = section.split('\n').filter((line) => line.startsWith('| ['));
    expect(rows).toEqual([
      '| [acme/shop#7](https://github.com/acme/shop/pull/7) | Add coupons | ana | 2026-11-24 20:00 | 4d 4h |',
      '| [acme/shop#8](https://github.com/acme/shop/pull/7) | Newer | ana | 2026-11-27 00:00 | 1d |',
    ]);
  });

  it('lists the incidents with their duration and attribution', () => {
    const section = sectionOf(renderMarkdown(sampleDocument()), 'Incidents');
    expect(rowOf(section, 'Checkout 500s')).toEqual(['Checkout 500s', 'github:acme/shop', '2026-11-02 15:00', '1h 5m', 'deployment 11 (by reference)']);
    expect(rowOf(section, 'Slow search')).toEqual(['Slow search', 'github:acme/shop', '2026-11-20 09:00', 'still open', 'not deployment-caused']);
  });

  it('has per-repository rows with more than one repository, and per-team rows when teams are configured', () => {
    const text = renderMarkdown(sampleDocument({ byTeam: { checkout: sampleResult() } }));
    expect(rowOf(sectionOf(text, 'Per repository'), 'github:acme/shop')).toEqual([
      'github:acme/shop', '15', '3.5', '2d 4h', '5h', '12.5%', '1h 5m', '6.3%', '3',
    ]);
    expect(rowOf(sectionOf(text, 'Per repository'), 'gitlab:acme/payments')).toEqual([
      'gitlab:acme/payments', '0', '0', '—', '—', '—', '—', '—', '0',
    ]);
    expect(rowOf(sectionOf(text, 'Per team'), 'checkout')[0]).toBe('checkout');
    const single = renderMarkdown(sampleDocument({ byRepo: { 'github:acme/shop': sampleResult() } }));
    expect(single).not.toContain('## Per repository');
    expect(single).not.toContain('## Per team');
  });

  it('lists every warning under data notes, and says so when there is none', () => {
    expect(sectionOf(renderMarkdown(sampleDocument()), 'Data notes')).toBe(
      '## Data notes\n\n- deployment github:acme/shop:deployment:3 has an unknown sha\n- PR #9 has a negative lead time\n',
    );
    const quiet = renderMarkdown(sampleDocument({ result: { ...sampleResult(), warnings: [] } }));
    expect(sectionOf(quiet, 'Data notes')).toBe('## Data notes\n\nNothing to note: no warnings.\n');
  });

  it('lists the thresholds with their verdict', () => {
    const thresholds = evaluateThresholds(parseThresholds(['changeFailureRate.rate>10%', 'leadTime.p50>1w']), sampleMetrics());
    const section = sectionOf(renderMarkdown(sampleDocument({ thresholds })), 'Thresholds');
    expect(section).toContain('- **FAIL**: `changeFailureRate.rate>10%` (actual 12.5%)');
    expect(section).toContain('- pass: `leadTime.p50>1w` (actual 2d 4h)');
    expect(renderMarkdown(sampleDocument())).not.toContain('## Thresholds');
  });

  it('says in words that a window is empty, and never writes NaN or 0 for an undefined median', () => {
    const empty = result(emptyMetrics());
    const text = renderMarkdown(
      sampleDocument({ result: empty, byRepo: { 'github:acme/shop': empty }, previous: { window: PREVIOUS_WINDOW, result: empty } }),
    );
    expect(text).not.toContain('NaN');
    expect(rowOf(text, 'Lead time for changes')).toEqual(['Lead time for changes (p50)', '—', '—', '—', '—', '0 changes; p75 —, p90 —']);
    expect(rowOf(text, 'Change failure rate')).toEqual(['Change failure rate', '—', '—', '—', '—', '0 of 0 deployments failed']);
    expect(rowOf(sectionOf(text, 'Where the time goes'), 'Review')).toEqual(['Review', 'first review → merged', '—', '—', '0']);
    expect(text).toContain('No PR shipped in this window, so no phase has a value.');
    expect(text).toContain('No deployments in this window, so no change shipped.');
    expect(text).toContain('Every PR merged before the end of the window had been deployed by then.');
    expect(text).toContain('No incidents were opened in this window.');
  });

  it('leaves generatedAt out, so the same report renders byte-identically at any time', () => {
    const a = renderMarkdown(sampleDocument({ generatedAt: new Date('2026-11-29T12:00:00Z') }));
    const b = renderMarkdown(sampleDocument({ generatedAt: new Date('2027-03-01T08:15:00Z') }));
    expect(b).toBe(a);
    expect(a).not.toContain('2026-11-29 12:00');
  });
});

describe('Markdown escaping', () => {
  it.each([
    ['a | b', 'a \\| b'],
    ['`code`', '\\`code\\`'],
    ['*bold* and _em_', '\\*bold\\* and \\_em\\_'],
    ['<script>alert(1)</script>', '\\<script\\>alert(1)\\</script\\>'],
    ['[link](http://x)', '\\[link\\](http://x)'],
    ['~~gone~~ & $x$', '\\~\\~gone\\~\\~ \\& \\$x\\$'],
    ['back\\slash', 'back\\\\slash'],
    ['two\nlines\r\n  here', 'two lines here'],
    ['plain text, #12 and !3', 'plain text, #12 and !3'],
  ])('%j → %j', (input, expected) => {
    expect(escapeMarkdown(input)).toBe(expected);
  });

  it('keeps a PR title with pipes, backticks and HTML inside its table cell', () => {
    const base = sampleResult();
    const change = { ...base.changes[0]!, title: 'Fix `a|b` <b>*now*</b>\nplease', author: 'dev_ops', url: 'https://example.com/pr/(5)' };
    const section = sectionOf(renderMarkdown(sampleDocument({ result: { ...base, changes: [change] } })), 'Slowest changes');
    const row = section.split('\n').find((line) => line.startsWith('| [acme/shop#5]'))!;
    expect(row).toBe(
      '| [acme/shop#5](https://example.com/pr/%285%29) | Fix \\`a\\|b\\` \\<b\\>\\*now\\*\\</b\\> please | dev\\_ops | 2d 4h | — | 2026-11-02 14:03 (deployment 11) |',
    );
    expect(rowOf(section, '[acme/shop#5]')).toHaveLength(6);
  });

  it('escapes incident titles and warnings too', () => {
    const base = sampleResult();
    const text = renderMarkdown(
      sampleDocument({
        result: {
          ...base,
          incidents: [{ ...base.incidents[1]!, title: 'DB | *failover*' }],
          warnings: ['github:acme/shop: PR <#9> has `no` commits'],
        },
      }),
    );
    expect(text).toContain('| DB \\| \\*failover\\* |');
    expect(text).toContain('- github:acme/shop: PR \\<#9\\> has \\`no\\` commits');
  });
});

describe('Markdown trends (--by)', () => {
  it('draws one Mermaid xychart per metric with period labels, units and a fixed axis from 0', () => {
    const second = sampleMetrics();
    second.leadTime.p50 = 7_200;
    second.changeFailureRate.rate = 0.25;
    const text = renderMarkdown(seriesDocument(sampleMetrics(), second));
    const section = sectionOf(text, 'Trends by week');
    expect(section).toContain('One value per ISO week (Monday to Sunday) in UTC. 2026-W48 is a partial period, clipped to the window.');
    expect(section).toContain(
      [
        '### Lead time for changes (p50)',
        '',
        '```mermaid',
        'xychart-beta',
        '    title "Lead time for changes (p50), days"',
        '    x-axis ["2026-W47", "2026-W48"]',
        '    y-axis "days" 0 --> 2.5',
        '    bar [2.2, 0.1]',
        '```',
      ].join('\n'),
    );
    expect(section).toContain('    title "Change failure rate, %"\n    x-axis ["2026-W47", "2026-W48"]\n    y-axis "%" 0 --> 100\n    bar [12.5, 25]');
    expect(section).toContain('    title "Deployment frequency, deployments per week"\n    x-axis ["2026-W47", "2026-W48"]\n    y-axis "deployments per week" 0 --> 4\n    bar [3.5, 3.5]');
    expect(section.match(/```mermaid/g)).toHaveLength(7);
  });

  it('leaves a period without a value out of the chart and says so, and omits a chart with no value at all', () => {
    const quiet = emptyMetrics();
    const text = renderMarkdown(seriesDocument(quiet, sampleMetrics()));
    const section = sectionOf(text, 'Trends by week');
    expect(section).toContain('    title "Cycle time: lag to production (p50), hours"\n    x-axis ["2026-W48"]\n    y-axis "hours" 0 --> 5\n    bar [5]');
    expect(section).toContain('No value in 2026-W47 (no PR shipped): left out of the chart rather than drawn as 0.');
    // Deployment frequency is never undefined: a week without deployments is a real 0.
    expect(section).toContain('    x-axis ["2026-W47", "2026-W48"]\n    y-axis "deployments per week" 0 --> 4\n    bar [0, 3.5]');

    const never = renderMarkdown(seriesDocument(quiet, emptyMetrics()));
    const empty = sectionOf(never, 'Trends by week');
    expect(empty).toContain('### Time to restore (p50)\n\nNo value in any week: no incident resolved.');
    // Only zeros: a sentence, not a chart of empty bars.
    expect(empty).toContain('### Deployment frequency\n\n0 in every week.\n');
    expect(empty).not.toContain('```mermaid');

    const calm = sampleMetrics();
    calm.changeFailureRate.rate = 0;
    const zeros = sectionOf(renderMarkdown(seriesDocument(quiet, calm)), 'Trends by week');
    expect(zeros).toContain(
      '### Change failure rate\n\n0% in every week with a value.\n\nNo value in 2026-W47 (no deployments): left out of the chart rather than drawn as 0.',
    );
  });

  it('tabulates the numbers per period, a dash where a value is undefined', () => {
    const section = sectionOf(renderMarkdown(seriesDocument(emptyMetrics(), sampleMetrics())), 'Trends by week');
    expect(rowOf(section, 'Period')).toEqual([
      'Period', 'Dates', 'Deploys', 'Deploys/week', 'Lead time p50', 'Lag p50', 'Change failure', 'Restore p50', 'Recovery p50', 'Rework',
    ]);
    expect(rowOf(section, '2026-W47')).toEqual(['2026-W47', '2026-11-16 → 2026-11-23', '0', '0', '—', '—', '—', '—', '—', '—']);
    expect(rowOf(section, '2026-W48')).toEqual([
      '2026-W48 (partial)', '2026-11-23 → 2026-11-29', '15', '3.5', '2d 4h', '5h', '12.5%', '1h 5m', '2h', '6.3%',
    ]);
  });

  it('picks a nice axis ceiling', () => {
    expect([0, 0.3, 1, 1.2, 2.2, 3.5, 7, 12, 52, 99, 101, 650].map(niceCeiling)).toEqual([1, 0.3, 1, 1.5, 2.5, 4, 8, 15, 60, 100, 150, 800]);
  });

  it('has no trends section without --by', () => {
    expect(renderMarkdown(sampleDocument())).not.toContain('## Trends');
  });
});

const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/reports');

/**
 * Compares `actual` with fixtures/reports/<name>.md byte for byte; with UPDATE_GOLDEN=1 in
 * the environment, (re)writes the file instead.
 */
function expectGolden(name: string, actual: string): void {
  const file = path.join(FIXTURES, `${name}.md`);
  if (process.env.UPDATE_GOLDEN === '1') {
    mkdirSync(FIXTURES, { recursive: true });
    writeFileSync(file, actual);
    return;
  }
  if (!existsSync(file)) throw new Error(`${file} is missing: run UPDATE_GOLDEN=1 npx vitest run test/report/markdown.test.ts`);
  expect(actual).toBe(readFileSync(file, 'utf8'));
}

describe('Markdown golden files (fixtures/reports)', () => {
  async function retroStore(): Promise<{ cwd: string; report: (...args: string[]) => Promise<string> }> {
    const cwd = tempDir();
    const db = path.join(cwd, 'store.db');
    seedStore(db, retroFacts());
    writeFileSync(path.join(cwd, 'dorametrics.config.json'), JSON.stringify(RETRO_CONFIG));
    return {
      cwd,
      report: async (...args) => {
        const run = await runCli(['--db', db, 'report', '--format', 'markdown', ...args], { cwd });
        expect(run.stderr).toBe('');
        expect(run.code).toBe(0);
        return run.stdout;
      },
    };
  }

  it('two repositories, two teams, --compare and --by week: every section has something to show', async () => {
    const { report } = await retroStore();
    const text = await report('--from', '2026-10-29', '--to', '2026-11-26', '--compare', '--by', 'week');
    expectGolden('retro-two-repos-compare-by-week', text);
    for (const heading of [
      'Summary', 'Where the time goes', 'Trends by week', 'Slowest changes', 'Merged but not deployed', 'Incidents',
      'Per repository', 'Per team', 'Data notes',
    ]) {
      expect(text).toContain(`\n## ${heading}\n`);
    }
    expect(text).not.toContain('NaN');
  });

  it('--by month in Europe/Berlin: periods and times in the zone', async () => {
    const { report } = await retroStore();
    expectGolden('retro-two-repos-by-month-berlin', await report('--from', '2026-10-01', '--to', '2026-12-01', '--tz', 'Europe/Berlin', '--by', 'month'));
  });

  it('a window with nothing in it says so in every section', async () => {
    const { report } = await retroStore();
    const text = await report('--from', '2026-08-03', '--to', '2026-08-31', '--compare', '--by', 'week');
    expectGolden('empty-window', text);
    expect(text).not.toContain('NaN');
    expect(text).not.toContain('```mermaid\nxychart-beta\n    title "Lead time');
  });

  it('is byte-identical on a second run and at another time of day', async () => {
    const { cwd, report } = await retroStore();
    const args = ['--from', '2026-10-29', '--to', '2026-11-26', '--compare', '--by', 'week'];
    const first = await report(...args);
    expect(await report(...args)).toBe(first);
    const later = await runCli(['--db', path.join(cwd, 'store.db'), 'report', '--format', 'markdown', ...args], {
      cwd,
      now: new Date('2027-02-01T08:00:00Z'),
    });
    expect(later.stdout).toBe(first);
  });
});
