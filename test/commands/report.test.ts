import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { reportDocumentSchema } from '../../src/report/document.js';
import { runCli } from '../helpers/run-cli.js';
import { tempDir } from '../helpers/store.js';

let cwd: string;
let db: string;

async function cli(...argv: string[]) {
  return runCli(['--db', db, ...argv], { cwd });
}

const REPO = 'github:acme/shop';

/** Records the scenario of "a handful of deployments and incidents" through the CLI. */
async function recordScenario(): Promise<void> {
  const deploy = async (sha: string, at: string, status = 'success') => {
    const result = await cli('record', 'deployment', '--repo', REPO, '--sha', sha, '--at', at, '--status', status);
    expect(result.stderr + result.stdout).not.toContain('Error');
    expect(result.code).toBe(0);
  };
  await deploy('aaaaaaa', '2026-11-02T10:00:00Z'); // D1, the baseline
  await deploy('bbbbbbb', '2026-11-03T10:00:00Z'); // D2
  await deploy('ccccccc', '2026-11-05T10:00:00Z'); // D3
  await deploy('ddddddd', '2026-11-05T12:00:00Z', 'failure'); // never counts
  await deploy('eeeeeee', '2026-11-10T09:00:00Z'); // D5
  const incident = async (...args: string[]) => {
    const result = await cli('record', 'incident', '--repo', REPO, ...args);
    expect(result.code).toBe(0);
  };
  // 2 h after D2, by window; resolved after 1.5 h.
  await incident('--id', 'INC-1', '--opened', '2026-11-03T12:00:00Z', '--resolved', '2026-11-03T13:30:00Z');
  // Names D3's sha; opened, then resolved by a second call 4 h later.
  await incident('--id', 'INC-2', '--opened', '2026-11-07T00:00:00Z', '--body', 'root cause: ccccccc');
  await incident('--id', 'INC-2', '--resolved', '2026-11-07T04:00:00Z');
  // Ten days after D5: not deployment-caused; resolved after 30 minutes.
  await incident('--id', 'INC-3', '--opened', '2026-11-20T00:00:00Z', '--resolved', '2026-11-20T00:30:00Z');
}

const WINDOW = ['--from', '2026-11-01', '--to', '2026-11-29'];

beforeEach(() => {
  cwd = tempDir();
  db = path.join(cwd, 'store.db');
});

describe('dorametrics report', () => {
  it('recorded deployments and incidents give the numbers SPEC §5 defines', async () => {
    await recordScenario();
    const result = await cli('report', ...WINDOW, '--format', 'json');
    expect(result.code).toBe(0);
    const doc = reportDocumentSchema.parse(JSON.parse(result.stdout));
    expect(doc.window).toEqual({ from: '2026-11-01T00:00:00.000Z', to: '2026-11-29T00:00:00.000Z', timezone: 'UTC' });
    expect(doc.scope).toEqual({ repos: [REPO], environment: 'production' });
    // D1, D2, D3, D5 on four days. perDay 4/28; weekly buckets back from 11-29 hold 0, 0, 1, 3 days →
    // median (0 + 1) / 2 = 0.5, below 1, so the level comes from perWeek 1 ≥ 0.25: medium.
    expect(doc.metrics.deploymentFrequency).toEqual({
      deployments: 4, deployDays: 4, perDay: 4 / 28, perWeek: 1, medianDeployDaysPerWeek: 0.5, level: 'medium',
    });
    // D2 (INC-1 by window) and D3 (INC-2 by reference) failed: 2 of 4.
    expect(doc.metrics.changeFailureRate).toEqual({ deployments: 4, failedDeployments: 2, rate: 0.5, level: 'low' });
    // 30 m, 1.5 h, 4 h: p50 5400; p75 rank 1.5 → 9900; p90 rank 1.8 → 12600; mean 7200.
    expect(doc.metrics.timeToRestore).toEqual({
      incidents: 3, resolved: 3, open: 0, p50: 5400, p75: 9900, p90: 12600, mean: 7200, level: 'high',
    });
    // D2: 13:30 − 10:00 = 12600; D3: 11-07 04:00 − 11-05 10:00 = 151200. p50 = mean = 81900.
    expect(doc.metrics.failedDeploymentRecoveryTime).toEqual({
      failures: 2, recovered: 2, p50: 81900, p75: 116550, p90: 137340, mean: 81900, level: 'high',
    });
    expect(doc.metrics.reworkRate).toEqual({ deployments: 4, reworkDeployments: 0, rate: 0 });
    expect(doc.metrics.leadTime).toEqual({ changes: 0, p50: null, p75: null, p90: null, mean: null, level: null });
    expect(doc.details.incidents.map((i) => [i.incidentId, i.by])).toEqual([
      [`${REPO}:incident:INC-1`, 'window'],
      [`${REPO}:incident:INC-2`, 'reference'],
      [`${REPO}:incident:INC-3`, null],
    ]);
    expect(doc.byRepo[REPO]).toEqual(doc.metrics);
    expect(doc.warnings.some((w) => w.includes('not in the stored commit graph'))).toBe(true);
  });

  it('--fail-on exits 1 when breached, after writing the full report, and 0 when it holds', async () => {
    await recordScenario();
    const breached = await cli('report', ...WINDOW, '--format', 'json', '--fail-on', 'changeFailureRate.rate>10%');
    expect(breached.code).toBe(1);
    expect(JSON.parse(breached.stdout).thresholds).toEqual([{ expr: 'changeFailureRate.rate>10%', actual: 0.5, passed: false }]);
    expect(breached.stderr).toContain('threshold breached: changeFailureRate.rate>10%');
    const held = await cli('report', ...WINDOW, '--format', 'json', '--fail-on', 'changeFailureRate.rate>60%', '--fail-on', 'timeToRestore.p50>2h');
    expect(held.code).toBe(0);
    expect(JSON.parse(held.stdout).thresholds.map((t: { passed: boolean }) => t.passed)).toEqual([true, true]);
  });

  it('thresholds in the config gate too', async () => {
    await recordScenario();
    writeFileSync(path.join(cwd, 'dorametrics.config.json'), JSON.stringify({ thresholds: ['deploymentFrequency.perWeek<2'] }));
    const result = await cli('report', ...WINDOW, '--format', 'json');
    expect(result.code).toBe(1);
  });

  it.each([
    [['--fail-on', 'leadTime.p42>2d'], '--fail-on "leadTime.p42>2d": unknown metric path'],
    [['--fail-on', 'leadTime.p50>15%'], '--fail-on "leadTime.p50>15%"'],
    [['--from', '2026-11-31'], '--from "2026-11-31" is not an ISO date or time'],
    [['--since', 'a fortnight'], '--since "a fortnight" is not a span'],
    [['--tz', 'Europe/Atlantis'], '--tz "Europe/Atlantis" is not an IANA time zone'],
    [['--repo', 'acme/shop'], '--repo "acme/shop" is not a repository id'],
    [['--repo', 'github:acme/unknown'], '--repo "github:acme/unknown" is neither in the store nor in the config'],
    [['--team', 'platform'], '--team "platform" is not in the config\'s "teams"'],
    [['--format', 'yaml'], "option '--format <format>' argument 'yaml' is invalid"],
    [['--by', 'fortnight'], "option '--by <period>' argument 'fortnight' is invalid. Allowed choices are week, month."],
    [['--frm', '2026-11-01'], "unknown option '--frm'"],
  ])('%j exits 2 with a message naming it', async (args, message) => {
    await recordScenario();
    const result = await cli('report', ...args);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
    expect(result.stdout).toBe('');
  });

  it('an invalid config exits 2 naming the key path', async () => {
    await recordScenario();
    writeFileSync(path.join(cwd, 'dorametrics.config.json'), JSON.stringify({ failure: { attributionWindw: '2h' } }));
    const unknownKey = await cli('report');
    expect(unknownKey.code).toBe(2);
    expect(unknownKey.stderr).toContain('unknown key failure.attributionWindw');
    writeFileSync(path.join(cwd, 'dorametrics.config.json'), JSON.stringify({ sources: [{ type: 'github', repo: 'acme/shop', deployments: { from: 'ftp' } }] }));
    const badValue = await cli('report');
    expect(badValue.code).toBe(2);
    expect(badValue.stderr).toContain('sources[0].deployments.from');
  });

  it('a missing store exits 3 with a hint, and creates nothing', async () => {
    const result = await cli('report');
    expect(result.code).toBe(3);
    expect(result.stderr).toContain(`no store at ${db}`);
    expect(existsSync(db)).toBe(false);
  });

  it('--compare adds the previous window of equal length', async () => {
    await recordScenario();
    const result = await cli('report', '--from', '2026-11-15', '--to', '2026-11-29', '--format', 'json', '--compare');
    const doc = JSON.parse(result.stdout);
    expect(doc.previous.window).toEqual({ from: '2026-11-01T00:00:00.000Z', to: '2026-11-15T00:00:00.000Z', timezone: 'UTC' });
    expect(doc.previous.metrics.deploymentFrequency.deployments).toBe(4);
    expect(doc.metrics.deploymentFrequency.deployments).toBe(0);
    expect(doc.metrics.changeFailureRate.rate).toBeNull();
  });

  it('--repo and --team narrow the scope; byRepo has one entry per repository', async () => {
    await recordScenario();
    await cli('record', 'deployment', '--repo', 'gitlab:acme/payments', '--sha', 'f00f00f', '--at', '2026-11-04T10:00:00Z');
    writeFileSync(path.join(cwd, 'dorametrics.config.json'), JSON.stringify({ teams: { payments: ['gitlab:acme/payments'] } }));
    const all = JSON.parse((await cli('report', ...WINDOW, '--format', 'json')).stdout);
    expect(all.scope.repos).toEqual(['github:acme/shop', 'gitlab:acme/payments']);
    expect(all.metrics.deploymentFrequency.deployments).toBe(5);
    expect(Object.keys(all.byRepo)).toEqual(['github:acme/shop', 'gitlab:acme/payments']);
    const one = JSON.parse((await cli('report', ...WINDOW, '--format', 'json', '--repo', 'gitlab:acme/payments')).stdout);
    expect(one.metrics.deploymentFrequency.deployments).toBe(1);
    const team = JSON.parse((await cli('report', ...WINDOW, '--format', 'json', '--team', 'payments')).stdout);
    expect(team.scope).toEqual({ repos: ['gitlab:acme/payments'], environment: 'production', team: 'payments' });
  });

  it('--env picks another environment', async () => {
    await recordScenario();
    await cli('record', 'deployment', '--repo', REPO, '--sha', 'abcabca', '--env', 'staging', '--at', '2026-11-04T10:00:00Z');
    const staging = JSON.parse((await cli('report', ...WINDOW, '--format', 'json', '--env', 'staging')).stdout);
    expect(staging.scope.environment).toBe('staging');
    expect(staging.metrics.deploymentFrequency.deployments).toBe(1);
  });

  it('--tz buckets deploy days in that zone', async () => {
    await cli('record', 'deployment', '--repo', REPO, '--sha', 'aaaaaaa', '--at', '2026-11-10T23:30:00Z');
    await cli('record', 'deployment', '--repo', REPO, '--sha', 'bbbbbbb', '--at', '2026-11-11T05:00:00Z');
    const utc = JSON.parse((await cli('report', ...WINDOW, '--format', 'json')).stdout);
    const la = JSON.parse((await cli('report', '--from', '2026-11-01T00:00:00Z', '--to', '2026-11-29T00:00:00Z', '--tz', 'America/Los_Angeles', '--format', 'json')).stdout);
    expect(utc.metrics.deploymentFrequency.deployDays).toBe(2);
    expect(la.metrics.deploymentFrequency.deployDays).toBe(1);
    expect(la.window.timezone).toBe('America/Los_Angeles');
  });

  it('the table is the default on a terminal, coloured unless --no-color or NO_COLOR', async () => {
    await recordScenario();
    const coloured = await runCli(['--db', db, 'report', ...WINDOW], { cwd, tty: true });
    expect(coloured.code).toBe(0);
    expect(coloured.stdout).toContain('Change failure rate');
    expect(coloured.stdout).toContain('50%');
    expect(coloured.stdout).toContain('\u001b[');
    const plain = await runCli(['--db', db, '--no-color', 'report', ...WINDOW], { cwd, tty: true });
    expect(plain.stdout).not.toContain('\u001b[');
    const noColorEnv = await runCli(['--db', db, 'report', ...WINDOW], { cwd, tty: true, env: { NO_COLOR: '1' } });
    expect(noColorEnv.stdout).not.toContain('\u001b[');
  });

  it('--output writes the report to a file and nothing to stdout', async () => {
    await recordScenario();
    const result = await cli('report', ...WINDOW, '--output', 'out/dora.json');
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('');
    const doc = JSON.parse(readFileSync(path.join(cwd, 'out', 'dora.json'), 'utf8'));
    expect(doc.schemaVersion).toBe(1);
  });

  it('two runs on the same store and window give byte-identical JSON', async () => {
    await recordScenario();
    const first = await cli('report', ...WINDOW, '--format', 'json');
    const second = await cli('report', ...WINDOW, '--format', 'json');
    expect(second.stdout).toBe(first.stdout);
  });

  it('--by week adds a series: ISO weeks clipped to the window, each computed like the window itself', async () => {
    await recordScenario();
    const result = await cli('report', '--from', '2026-11-04', '--to', '2026-11-29', '--format', 'json', '--by', 'week');
    expect(result.code).toBe(0);
    const doc = reportDocumentSchema.parse(JSON.parse(result.stdout));
    expect(doc.series!.by).toBe('week');
    expect(doc.series!.periods.map((period) => [period.from, period.to])).toEqual([
      ['2026-11-04T00:00:00.000Z', '2026-11-09T00:00:00.000Z'], // Wednesday to Monday: clipped
      ['2026-11-09T00:00:00.000Z', '2026-11-16T00:00:00.000Z'],
      ['2026-11-16T00:00:00.000Z', '2026-11-23T00:00:00.000Z'],
      ['2026-11-23T00:00:00.000Z', '2026-11-29T00:00:00.000Z'], // Monday to Sunday: clipped
    ]);
    // D3 (11-05) in the first week, D5 (11-10) in the second; INC-2 (11-07) and INC-3 (11-20).
    expect(doc.series!.periods.map((period) => period.metrics.deploymentFrequency.deployments)).toEqual([1, 1, 0, 0]);
    expect(doc.series!.periods.map((period) => period.metrics.timeToRestore.incidents)).toEqual([1, 0, 1, 0]);
    expect(doc.series!.periods.map((period) => period.metrics.changeFailureRate.rate)).toEqual([1, 0, null, null]);
    expect(doc.metrics.deploymentFrequency.deployments).toBe(2);
    const keys = Object.keys(doc);
    expect(keys.indexOf('series')).toBe(keys.indexOf('metrics') + 1);
  });

  it('--by month in a zone cuts at local midnight on the 1st', async () => {
    await recordScenario();
    const result = await cli('report', '--from', '2026-10-15', '--to', '2026-12-15', '--tz', 'Europe/Berlin', '--format', 'json', '--by', 'month');
    const doc = reportDocumentSchema.parse(JSON.parse(result.stdout));
    expect(doc.series!.periods.map((period) => [period.from, period.to])).toEqual([
      ['2026-10-14T22:00:00.000Z', '2026-10-31T23:00:00.000Z'],
      ['2026-10-31T23:00:00.000Z', '2026-11-30T23:00:00.000Z'],
      ['2026-11-30T23:00:00.000Z', '2026-12-14T23:00:00.000Z'],
    ]);
    expect(doc.series!.periods.map((period) => period.metrics.deploymentFrequency.deployments)).toEqual([0, 4, 0]);
  });

  it('adds byTeam when the config has teams, over each team\'s repositories in scope', async () => {
    await recordScenario();
    await cli('record', 'deployment', '--repo', 'gitlab:acme/payments', '--sha', 'f00f00f', '--at', '2026-11-04T10:00:00Z');
    const plain = JSON.parse((await cli('report', ...WINDOW, '--format', 'json')).stdout);
    expect('byTeam' in plain).toBe(false);
    writeFileSync(
      path.join(cwd, 'dorametrics.config.json'),
      JSON.stringify({ teams: { payments: ['gitlab:acme/payments'], everyone: [REPO, 'gitlab:acme/payments'] } }),
    );
    const doc = reportDocumentSchema.parse(JSON.parse((await cli('report', ...WINDOW, '--format', 'json')).stdout));
    expect(Object.keys(doc.byTeam!)).toEqual(['everyone', 'payments']);
    expect(doc.byTeam!.everyone).toEqual(doc.metrics);
    expect(doc.byTeam!.payments).toEqual(doc.byRepo['gitlab:acme/payments']);
    const narrowed = JSON.parse((await cli('report', ...WINDOW, '--format', 'json', '--repo', REPO)).stdout);
    expect(Object.keys(narrowed.byTeam)).toEqual(['everyone']);
    expect(narrowed.byTeam.everyone.deploymentFrequency.deployments).toBe(4);
  });

  it('--format markdown writes the retro report, to stdout or to a file such as $GITHUB_STEP_SUMMARY', async () => {
    await recordScenario();
    const result = await cli('report', ...WINDOW, '--format', 'markdown', '--by', 'week');
    expect(result.code).toBe(0);
    expect(result.stdout.startsWith('# DORA metrics: github:acme/shop\n')).toBe(true);
    expect(result.stdout).toContain('## Trends by week');
    expect(result.stdout).toContain('```mermaid\nxychart-beta\n');
    const summary = path.join(cwd, 'step_summary');
    const written = await runCli(['--db', db, 'report', ...WINDOW, '--format', 'markdown', '--output', summary], {
      cwd,
      env: { GITHUB_STEP_SUMMARY: summary },
    });
    expect(written.stdout).toBe('');
    expect(readFileSync(summary, 'utf8')).toBe((await cli('report', ...WINDOW, '--format', 'markdown')).stdout);
  });

  it('the help shows --by, the markdown format and the job-summary example', async () => {
    const help = await cli('report', '--help');
    expect(help.stdout).toContain('--by <period>');
    expect(help.stdout).toContain('"markdown"');
    expect(help.stdout).toContain('--format markdown --output "$GITHUB_STEP_SUMMARY"');
  });

  it('the table gets a per-period table with --by and fits the terminal width (COLUMNS)', async () => {
    await recordScenario();
    const wide = await runCli(['--db', db, 'report', ...WINDOW, '--by', 'week', '--compare'], {
      cwd,
      tty: true,
      env: { NO_COLOR: '1', COLUMNS: '400' },
    });
    expect(wide.stdout).toContain('By week\n');
    expect(wide.stdout).toContain('2026-W45');
    const widest = (text: string) => Math.max(...text.split('\n').filter((row) => /^[│┌├└]/.test(row)).map((row) => [...row].length));
    expect(widest(wide.stdout)).toBeGreaterThan(100);
    const narrow = await runCli(['--db', db, 'report', ...WINDOW, '--by', 'week', '--compare'], {
      cwd,
      tty: true,
      env: { NO_COLOR: '1', COLUMNS: '100' },
    });
    expect(widest(narrow.stdout)).toBeLessThanOrEqual(100);
    // A file gets the table at its natural width, whatever the terminal.
    await runCli(['--db', db, 'report', ...WINDOW, '--by', 'week', '--compare', '--format', 'table', '--output', 'dora.txt'], {
      cwd,
      tty: true,
      env: { NO_COLOR: '1', COLUMNS: '60' },
    });
    expect(readFileSync(path.join(cwd, 'dora.txt'), 'utf8')).toBe(wide.stdout);
  });
});

describe('report data notes about syncs', () => {
  it('names configured sources never synced, or last synced before the window ends', async () => {
    const cwd = tempDir();
    const db = path.join(cwd, 'store.db');
    writeFileSync(
      path.join(cwd, 'dorametrics.config.json'),
      JSON.stringify({ sources: [{ type: 'github', repo: 'acme/shop' }, { type: 'github', repo: 'acme/api' }, { type: 'github', repo: 'acme/web' }] }),
    );
    const { withStore, saveSyncState, ensureRepository } = await import('../../src/store/index.js');
    withStore(db, (store) => {
      for (const repo of ['github:acme/shop', 'github:acme/api']) ensureRepository(store, repo);
      const state = { resource: 'pull_requests', cursor: null, highWater: null, pendingHighWater: null, configHash: 'h', etag: null };
      saveSyncState(store, { ...state, source: 'github:acme/shop', updatedAt: Date.parse('2026-11-10T08:00:00Z') });
      saveSyncState(store, { ...state, source: 'github:acme/api', updatedAt: Date.parse('2026-11-29T11:30:00Z') });
    });
    const result = await runCli(['--db', db, 'report', '--from', '2026-11-01', '--format', 'json'], { cwd });
    const warnings: string[] = JSON.parse(result.stdout).warnings;
    expect(warnings).toContain('github:acme/shop: last synced 2026-11-10T08:00:00.000Z; anything later is missing from this report');
    expect(warnings).toContain('github:acme/web: configured but never synced (run "dorametrics sync")');
    // Synced half an hour before now (the window ends now): fresh enough.
    expect(warnings.some((w) => w.startsWith('github:acme/api'))).toBe(false);
  });
});
