import { describe, expect, it } from 'vitest';
import { reportDocumentSchema } from '../../src/report/document.js';
import {
  formatChange,
  formatNumber,
  formatPercent,
  formatSeconds,
  formatThresholdActual,
  formatWindow,
} from '../../src/report/format.js';
import { renderJson } from '../../src/report/json.js';
import { REPORT_FORMATS, renderReport } from '../../src/report/render.js';
import { renderTable } from '../../src/report/table.js';
import { evaluateThresholds, parseThresholds } from '../../src/report/thresholds.js';
import { comparedDocument, emptyMetrics, result, sampleDocument, sampleMetrics, sampleResult } from './builders.js';

const ANSI = '\u001b[';

describe('renderReport', () => {
  it('has a renderer for every format', () => {
    expect(REPORT_FORMATS).toEqual(['table', 'markdown', 'json']);
  });

  it('dispatches to the renderer of the format', () => {
    const doc = sampleDocument();
    expect(renderReport(doc, 'json', { color: false })).toBe(renderJson(doc));
    expect(renderReport(doc, 'table', { color: true })).toBe(renderTable(doc, { color: true }));
  });
});

describe('JSON renderer (SPEC §6)', () => {
  it('prints the document as 2-space indented JSON with a trailing newline', () => {
    const text = renderJson(sampleDocument());
    expect(text.endsWith('}\n')).toBe(true);
    expect(text.startsWith('{\n  "schemaVersion": 1,\n  "tool": {\n    "name": "dorametrics",')).toBe(true);
  });

  it('parses back into a document that validates', () => {
    const doc = comparedDocument();
    const parsed: unknown = JSON.parse(renderJson(doc));
    expect(reportDocumentSchema.parse(parsed)).toEqual(doc);
  });

  it('keeps null as null and never writes NaN or 0 for an undefined metric', () => {
    const parsed = JSON.parse(renderJson(sampleDocument({ result: result(emptyMetrics()) })));
    expect(parsed.metrics.leadTime.p50).toBeNull();
    expect(parsed.metrics.changeFailureRate.rate).toBeNull();
    expect(parsed.metrics.cycleTimeLag.undeployed.oldestAgeSeconds).toBeNull();
  });

  it('is byte-identical whatever order byRepo was built in, and ignores colour', () => {
    const a = sampleDocument({ byRepo: { 'b:x/y': result(emptyMetrics()), 'a:x/y': result(sampleMetrics()) } });
    const b = sampleDocument({ byRepo: { 'a:x/y': result(sampleMetrics()), 'b:x/y': result(emptyMetrics()) } });
    expect(renderJson(a)).toBe(renderJson(b));
    expect(renderReport(a, 'json', { color: true })).not.toContain(ANSI);
  });
});

describe('human units', () => {
  it.each([
    [formatSeconds(187_200), '2d 4h'],
    [formatSeconds(3_900), '1h 5m'],
    [formatSeconds(0), '0s'],
    [formatSeconds(null), '—'],
    [formatPercent(0.125), '12.5%'],
    [formatPercent(0.1), '10%'],
    [formatPercent(1 / 3), '33.3%'],
    [formatPercent(0), '0%'],
    [formatPercent(null), '—'],
    [formatNumber(3.5), '3.5'],
    [formatNumber(7 / 3), '2.33'],
    [formatNumber(null), '—'],
    [formatChange('duration', 187_200, 259_200), '-20h'],
    [formatChange('rate', 0.125, 0.1), '+2.5 pp'],
    [formatChange('frequency', 3.5, 2), '+1.5'],
    [formatChange('count', 3, 3), '±0'],
    [formatChange('duration', null, 259_200), '—'],
    [formatThresholdActual('leadTime.p50>2d', 187_200), '2d 4h'],
    [formatThresholdActual('changeFailureRate.rate>15%', 0.2), '20%'],
    [formatThresholdActual('deploymentFrequency.perWeek<3', 2.5), '2.5'],
    [formatThresholdActual('leadTime.p50>2d', null), '—'],
  ])('%s is %s', (actual, expected) => {
    expect(actual).toBe(expected);
  });

  it('shows a midnight window as dates in its own zone', () => {
    expect(formatWindow({ from: '2026-10-30T00:00:00.000Z', to: '2026-11-29T00:00:00.000Z', timezone: 'UTC' })).toBe(
      '2026-10-30 → 2026-11-29 (UTC)',
    );
    expect(formatWindow({ from: '2026-09-30T22:00:00.000Z', to: '2026-10-31T23:00:00.000Z', timezone: 'Europe/Berlin' })).toBe(
      '2026-10-01 → 2026-11-01 (Europe/Berlin)',
    );
    expect(formatWindow({ from: '2026-10-30T12:00:00.000Z', to: '2026-11-29T12:00:00.000Z', timezone: 'UTC' })).toBe(
      '2026-10-30 12:00 → 2026-11-29 12:00 (UTC)',
    );
  });
});

describe('table renderer (SPEC §6)', () => {
  const line = (text: string, label: string): string => text.split('\n').find((row) => row.includes(label)) ?? '';

  it('has no ANSI codes without colour, and has them with colour', () => {
    const doc = comparedDocument();
    expect(renderTable(doc, { color: false })).not.toContain(ANSI);
    expect(renderTable(doc, { color: true })).toContain(ANSI);
  });

  it('colours each level: elite green, high cyan, medium yellow, low red', () => {
    const metrics = sampleMetrics();
    metrics.deploymentFrequency.level = 'elite';
    metrics.changeFailureRate.level = 'low';
    const text = renderTable(sampleDocument({ result: result(metrics) }), { color: true });
    expect(text).toContain('\u001b[32melite\u001b[39m');
    expect(text).toContain('\u001b[36mhigh\u001b[39m');
    expect(text).toContain('\u001b[33mmedium\u001b[39m');
    expect(text).toContain('\u001b[31mlow\u001b[39m');
  });

  it('shows headline values in human units with their counts', () => {
    const text = renderTable(sampleDocument(), { color: false });
    expect(line(text, 'Deployment frequency')).toContain('3.5/week (12 deploy days)');
    expect(line(text, 'Deployment frequency')).toContain('15 deployments, median 3 deploy days/week');
    expect(line(text, 'Lead time for changes')).toContain('2d 4h');
    expect(line(text, 'Lead time for changes')).toContain('42 changes; p75 3d, p90 6d');
    expect(line(text, 'Change failure rate')).toContain('12.5%');
    expect(line(text, 'Change failure rate')).toContain('2 of 16 deployments failed');
    expect(line(text, 'Time to restore')).toContain('1h 5m');
    expect(line(text, 'Time to restore')).toContain('3 incidents (2 resolved, 1 open)');
    expect(line(text, 'Failed deployment recovery')).toContain('2h');
    expect(line(text, 'Rework rate')).toContain('6.3%');
    expect(line(text, 'Merged, not yet deployed')).toContain('3 PRs');
    expect(line(text, 'Merged, not yet deployed')).toContain('oldest merged 4d 4h before the window end');
  });

  it('has a row for each cycle-time phase and the lag', () => {
    const text = renderTable(sampleDocument(), { color: false });
    expect(line(text, 'Cycle time: coding')).toContain('1h');
    expect(line(text, 'Cycle time: pickup')).toContain('2h');
    expect(line(text, 'Cycle time: review')).toContain('1h 30m');
    expect(line(text, 'Cycle time: lag to production')).toContain('5h');
  });

  it('shows an undefined metric as — and never as NaN or 0', () => {
    const text = renderTable(sampleDocument({ result: result(emptyMetrics()) }), { color: false });
    expect(text).not.toContain('NaN');
    const lead = line(text, 'Lead time for changes');
    expect(lead.split('│').map((cell) => cell.trim())).toEqual(['', 'Lead time for changes (p50)', '—', '—', '0 changes; p75 —, p90 —', '']);
    expect(line(text, 'Change failure rate')).toContain('│ —');
    expect(line(text, 'Change failure rate')).not.toContain('0%');
    expect(line(text, 'Deployment frequency')).toContain('0/week (0 deploy days)');
    expect(line(text, 'Deployment frequency')).toContain('low');
  });

  it('adds previous and change columns with --compare, coloured by direction', () => {
    const plain = renderTable(comparedDocument(), { color: false });
    expect(plain).toContain('compared with 2026-09-30 → 2026-10-30 (UTC)');
    expect(line(plain, 'Metric')).toMatch(/Metric.*Value.*Level.*Previous.*Change.*Detail/);
    expect(line(plain, 'Lead time for changes')).toMatch(/2d 4h.*medium.*3d.*-20h/);
    expect(line(plain, 'Change failure rate')).toMatch(/12\.5%.*medium.*10%.*\+2\.5 pp/);
    expect(line(plain, 'Deployment frequency')).toContain('+1.5');
    const coloured = renderTable(comparedDocument(), { color: true });
    expect(coloured).toContain('\u001b[32m-20h\u001b[39m'); // faster lead time: better
    expect(coloured).toContain('\u001b[31m+2.5 pp\u001b[39m'); // more failures: worse
    expect(coloured).toContain('\u001b[32m+1.5\u001b[39m'); // more deploys: better
  });

  it('has no previous column without --compare', () => {
    expect(renderTable(sampleDocument(), { color: false })).not.toContain('Previous');
  });

  it('titles the table with scope, environment and window', () => {
    const text = renderTable(
      sampleDocument({ scope: { repos: ['github:acme/shop'], environment: 'production', team: 'checkout' } }),
      { color: false },
    );
    expect(text.split('\n').slice(0, 2)).toEqual([
      'DORA metrics: github:acme/shop (team checkout), environment production',
      '2026-10-30 → 2026-11-29 (UTC)',
    ]);
  });

  it('adds a per-repository table when there is more than one repository', () => {
    const text = renderTable(sampleDocument(), { color: false });
    expect(text).toContain('By repository');
    const repoRow = (repo: string) => text.split('\n').find((row) => row.startsWith(`│ ${repo} `)) ?? '';
    expect(repoRow('github:acme/shop')).toMatch(/3\.5 .*2d 4h .*5h .*12\.5% .*1h 5m .*6\.3% /);
    expect(repoRow('gitlab:acme/payments')).toMatch(/│ 0 .*— .*— .*— .*— .*— /);
    const single = renderTable(sampleDocument({ byRepo: { 'github:acme/shop': sampleResult() } }), { color: false });
    expect(single).not.toContain('By repository');
  });

  it('lists the thresholds with pass or FAIL and the actual value in human units', () => {
    const thresholds = evaluateThresholds(
      parseThresholds(['changeFailureRate.rate>10%', 'leadTime.p50>1w', 'timeToRestore.p50>4h']),
      sampleMetrics(),
    );
    thresholds.push(...evaluateThresholds(parseThresholds(['leadTime.p50>2d']), emptyMetrics()));
    const text = renderTable(sampleDocument({ thresholds }), { color: false });
    expect(text).toContain('Thresholds\n');
    expect(text).toContain('  FAIL  changeFailureRate.rate>10%  (actual 12.5%)');
    expect(text).toContain('  pass  leadTime.p50>1w  (actual 2d 4h)');
    expect(text).toContain('  pass  timeToRestore.p50>4h  (actual 1h 5m)');
    expect(text).toContain('  pass  leadTime.p50>2d  (actual — (undefined, so not breached))');
    const coloured = renderTable(sampleDocument({ thresholds }), { color: true });
    expect(coloured).toContain('\u001b[31mFAIL\u001b[39m');
  });

  it('lists the warnings under the tables', () => {
    const text = renderTable(sampleDocument(), { color: false });
    const warnings = text.indexOf('Warnings\n');
    expect(warnings).toBeGreaterThan(text.lastIndexOf('┘'));
    expect(text.slice(warnings)).toBe(
      'Warnings\n  - deployment github:acme/shop:deployment:3 has an unknown sha\n  - PR #9 has a negative lead time\n',
    );
  });

  it('is deterministic', () => {
    expect(renderTable(comparedDocument(), { color: true })).toBe(renderTable(comparedDocument(), { color: true }));
  });

  it('adds a compact table per period with --by, partial periods marked', () => {
    const quiet = emptyMetrics();
    const doc = sampleDocument({
      series: {
        by: 'week',
        periods: [
          { window: { from: Date.parse('2026-11-16T00:00:00Z'), to: Date.parse('2026-11-23T00:00:00Z'), timeZone: 'UTC' }, result: result(quiet) },
          { window: { from: Date.parse('2026-11-23T00:00:00Z'), to: Date.parse('2026-11-29T00:00:00Z'), timeZone: 'UTC' }, result: result(sampleMetrics()) },
        ],
      },
    });
    const text = renderTable(doc, { color: false });
    const section = text.slice(text.indexOf('By week\n'), text.indexOf('By repository'));
    const cells = (label: string) => line(section, label).split('│').slice(1, -1).map((cell) => cell.trim());
    expect(cells('Period')).toEqual([
      'Period', 'Deploys', 'Deploys/week', 'Lead time p50', 'Lag p50', 'Change failure', 'Restore p50', 'Recovery p50', 'Rework',
    ]);
    expect(cells('2026-W47')).toEqual(['2026-W47', '0', '0', '—', '—', '—', '—', '—', '—']);
    expect(cells('2026-W48')).toEqual(['2026-W48*', '15', '3.5', '2d 4h', '5h', '12.5%', '1h 5m', '2h', '6.3%']);
    expect(section).toContain('* a partial period, clipped to the window');
    expect(renderTable(sampleDocument(), { color: false })).not.toContain('By week');
  });

  it('adds a per-team table when the config has teams', () => {
    const text = renderTable(sampleDocument({ byTeam: { checkout: sampleResult() } }), { color: false });
    expect(text).toContain('By team\n');
    expect(line(text, '│ checkout ')).toMatch(/3\.5 .*2d 4h .*5h .*12\.5% .*1h 5m .*6\.3% /);
  });

  describe('within the terminal width', () => {
    const widest = (text: string) => Math.max(...text.split('\n').map((row) => [...row].length));
    const tables = (text: string) => text.split('\n').filter((row) => /^[│┌├└]/.test(row));

    it('leaves a table that fits alone', () => {
      const free = renderTable(comparedDocument(), { color: false });
      expect(renderTable(comparedDocument(), { color: false, width: widest(free) })).toBe(free);
    });

    it('wraps the detail first, then the widest columns, at word boundaries and never past the width', () => {
      for (const width of [140, 120, 100, 80]) {
        const text = renderTable(comparedDocument(), { color: false, width });
        expect(Math.max(...tables(text).map((row) => [...row].length))).toBeLessThanOrEqual(width);
        // No word is cut: every word of the detail is still there, whole.
        const words = text.replace(/[│┌┐└┘├┤┬┴┼─]/g, ' ').split(/\s+/);
        for (const word of ['deployments,', 'median', 'days/week', 'resolved,', 'recovered;']) expect(words).toContain(word);
        expect(text).not.toContain('…');
      }
      const at140 = renderTable(comparedDocument(), { color: false, width: 140 });
      // At 140 columns only the detail gives way: the metric names stay on one line.
      expect(line(at140, 'Cycle time: lag to production (p50)')).not.toBe('');
    });

    it('becomes a list of label: value lines when even wrapped columns cannot fit', () => {
      const text = renderTable(comparedDocument(), { color: false, width: 40 });
      expect(text).not.toContain('┌');
      expect(text).toContain('Lead time for changes (p50)\n  Value: 2d 4h\n  Level: medium\n  Previous: 3d\n  Change: -20h\n  Detail: 42 changes; p75 3d, p90 6d\n');
      expect(text).toContain('Rework rate\n  Value: 6.3%\n  Previous: 6.3%\n');
    });

    it('keeps colour in wrapped cells', () => {
      const text = renderTable(comparedDocument(), { color: true, width: 90 });
      expect(text).toContain('\u001b[32m-20h\u001b[39m');
    });
  });
});
