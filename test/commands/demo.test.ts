import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { modelOptions } from '../../src/commands/report.js';
import { parseConfig } from '../../src/config/load.js';
import type { Facts } from '../../src/domain/types.js';
import { buildModel } from '../../src/metrics/model.js';
import { reportDocumentSchema } from '../../src/report/document.js';
import { closeStore, openStore } from '../../src/store/index.js';
import { listRepositoryIds, loadMetricFacts } from '../../src/store/facts.js';
import { runCli } from '../helpers/run-cli.js';
import { tempDir } from '../helpers/store.js';

/**
 * `dorametrics demo` (issue 5): the real harvesters sync Acme's sample forge from
 * fixtures/demo/recording.json, offline, and the report of its twelve weeks is printed. The
 * numbers below are the sample's, as scripts/record-demo.js writes it (a seeded story, so
 * they only change when the recording is made again); the ones the story fixes on purpose
 * are worked out by hand in the comments.
 */

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const bin = path.join(root, 'bin', 'dorametrics.js');

let cwd: string;

beforeEach(() => {
  nock.disableNetConnect();
  cwd = tempDir();
});

afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

/** The demo's temporary stores (`dorametrics-demo-*` under the system temp directory). */
function demoTempDirs(): string[] {
  return readdirSync(tmpdir()).filter((name) => name.startsWith('dorametrics-demo-'));
}

describe('dorametrics demo', () => {
  it('--format json: the sample\'s report, offline, valid against the published schema, and no temporary store left behind', async () => {
    const before = demoTempDirs();
    const result = await runCli(['demo', '--format', 'json'], { cwd });
    expect(result.code).toBe(0);
    expect(demoTempDirs()).toEqual(before);
    // Five requests for each GitHub repository (repository, history, PRs, deployments,
    // incident issues); for the GitLab project 56: the project, history, MRs, each of the 25
    // MRs' commits and notes, deployments, environments, incidents.
    expect(result.stderr).toBe(
      'github:acme/shop: 70 commits, 56 pull requests, 34 deployments, 1 incident (5 requests)\n' +
        'github:acme/catalog: 48 commits, 37 pull requests, 28 deployments, 1 incident (5 requests)\n' +
        'gitlab:acme/payments: 51 commits, 25 merge requests, 17 deployments, 1 incident (56 requests)\n' +
        "synced Acme's sample forge from its recording: 66 requests, none of them on the network\n",
    );

    const doc = reportDocumentSchema.parse(JSON.parse(result.stdout));
    // The sample's window, not "now": ISO weeks 2026-W37 to 2026-W48 in Berlin.
    expect(doc.window).toEqual({ from: '2026-09-06T22:00:00.000Z', to: '2026-11-29T23:00:00.000Z', timezone: 'Europe/Berlin' });
    expect(doc.scope.repos).toEqual(['github:acme/catalog', 'github:acme/shop', 'gitlab:acme/payments']);
    expect(doc.series?.by).toBe('week');
    expect(doc.series?.periods).toHaveLength(12);

    const { metrics } = doc;
    // shop 33, catalog 26, payments 16 (the baselines of 4 and 3 September are before the window).
    expect(metrics.deploymentFrequency).toMatchObject({ deployments: 75, deployDays: 53, medianDeployDaysPerWeek: 4.5, level: 'high' });
    expect(Object.values(doc.byRepo).map((repo) => repo.deploymentFrequency.deployments)).toEqual([26, 33, 16]);
    // Failed: shop's deployment of 29 September (rolled back 40 minutes later), shop's of 26
    // October (the incident names its PR), payments' of 15 October (the incident opened 34
    // minutes after it) and shop's of 10 November (it shipped gift wrapping, which a revert PR
    // names). Rework: the rollback, the hotfix deployment of 27 October and the revert's deployment.
    expect(metrics.changeFailureRate).toMatchObject({ deployments: 75, failedDeployments: 4, level: 'high' });
    expect(metrics.reworkRate).toEqual({ deployments: 75, reworkDeployments: 3, rate: 3 / 75 });
    expect(doc.byRepo['github:acme/shop']!.changeFailureRate.failedDeployments).toBe(3);
    expect(doc.byRepo['gitlab:acme/payments']!.changeFailureRate.failedDeployments).toBe(1);
    // Restored after 1 h 30 m (catalog), 1 h 50 m (shop) and 2 h 35 m (payments).
    expect(metrics.timeToRestore).toMatchObject({ incidents: 3, resolved: 3, open: 0, p50: 6600, mean: (5400 + 6600 + 9300) / 3 });
    // Recovery: the rollback 39 m after (2340), payments 3 h 9 m (13:06 → 16:15, 11340), shop's
    // incident from Monday 14:35 to Tuesday 17:40 (27 h 5 m, 97500), gift wrapping two days until
    // the revert's deployment (172800). p50 = (11340 + 97500) / 2.
    expect(metrics.failedDeploymentRecoveryTime).toMatchObject({ failures: 4, recovered: 4, p50: 54420, mean: (2340 + 11340 + 97500 + 172800) / 4 });
    // 93 PRs and MRs shipped (15 bot PRs left out, and so noted).
    expect(metrics.leadTime).toMatchObject({ changes: 93, level: 'high' });
    expect(doc.warnings).toEqual(['15 bot PRs left out of lead time and cycle-time figures']);

    // Merged but not deployed at the window's end (Sunday 29 November 23:00 UTC): nothing is
    // deployed on Black Friday, so Friday's merges wait, as do Thursday's after the last
    // payments and catalog deployments; renovate's Friday PR is a bot's and not counted.
    expect(metrics.cycleTimeLag.undeployed).toEqual({ count: 7, oldestAgeSeconds: 385320 });
    expect(doc.details.undeployed.map((pr) => pr.id)).toEqual([
      'github:acme/catalog:pr:424',
      'github:acme/catalog:pr:425',
      'gitlab:acme/payments:pr:120',
      'gitlab:acme/payments:pr:121',
      'github:acme/shop:pr:1257',
      'github:acme/shop:pr:1260',
      'github:acme/shop:pr:1259',
    ]);
    // 2026-11-25T11:58Z to 2026-11-29T23:00Z: 4 d 11 h 2 m.
    expect(doc.details.undeployed[0]!.ageSeconds).toBe(4 * 86400 + 11 * 3600 + 2 * 60);

    // Both attributions: shop's incident names its root cause (#1235's deployment of Monday,
    // although Tuesday's finished 75 minutes before it opened, as the window rule would pick);
    // payments' names none and is tied to the deployment 34 minutes before it; catalog's came
    // 69 hours after its last deployment and is no deployment's.
    expect(doc.details.incidents.map(({ incidentId, deploymentId, by }) => ({ incidentId, deploymentId, by }))).toEqual([
      { incidentId: 'github:acme/catalog:incident:issue:417', deploymentId: null, by: null },
      { incidentId: 'github:acme/shop:incident:issue:1239', deploymentId: 'github:acme/shop:deployment:9100020', by: 'reference' },
      { incidentId: 'gitlab:acme/payments:incident:issue:41', deploymentId: 'gitlab:acme/payments:deployment:890', by: 'window' },
    ]);
  });

  it('--format markdown: every section of the retro report has something to show', async () => {
    const result = await runCli(['demo', '--format', 'markdown', '--quiet'], { cwd });
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    const headings = result.stdout.split('\n').filter((line) => line.startsWith('#'));
    expect(headings).toEqual([
      '# DORA metrics: github:acme/catalog, github:acme/shop, gitlab:acme/payments',
      '## Summary',
      '## Where the time goes',
      '## Trends by week',
      '### Deployment frequency',
      '### Lead time for changes (p50)',
      '### Cycle time: lag to production (p50)',
      '### Change failure rate',
      '### Time to restore (p50)',
      '### Failed deployment recovery (p50)',
      '### Rework rate',
      '### The numbers',
      '## Slowest changes',
      '## Merged but not deployed',
      '## Incidents',
      '## Per repository',
      '## Per team',
      '## Data notes',
    ]);
    expect(result.stdout).toContain('```mermaid\nxychart-beta');
    expect(result.stdout).toContain('| deployment 9100020 (by reference) |');
    expect(result.stdout).toContain('| deployment 890 (by window) |');
    expect(result.stdout).toContain('| not deployment-caused |');
    expect(result.stdout).not.toMatch(/NaN|undefined/);
    // Markdown is also the default when stdout is not a terminal; a terminal gets the table.
    expect((await runCli(['demo', '--quiet'], { cwd })).stdout).toBe(result.stdout);
    const table = await runCli(['demo', '--quiet'], { cwd, tty: true, env: { COLUMNS: '200', NO_COLOR: '1' } });
    expect(table.stdout).toContain('By week');
    expect(table.stdout).toContain('│ Change failure rate');
  });

  it('--keep DIR leaves a store and a config that report reads, and names them in a hint', async () => {
    const result = await runCli(['demo', '--format', 'json', '--keep', 'acme-demo'], { cwd });
    expect(result.code).toBe(0);
    const dir = path.join(cwd, 'acme-demo');
    expect(existsSync(path.join(dir, 'dorametrics.db'))).toBe(true);
    expect(result.stderr).toContain(
      'the store and its config are in acme-demo; try report with other flags, e.g.\n' +
        '  dorametrics --db acme-demo/dorametrics.db --config acme-demo/dorametrics.config.json report --from 2026-09-07 --to 2026-11-30 --repo gitlab:acme/payments\n',
    );
    const config = parseConfig(readFileSync(path.join(dir, 'dorametrics.config.json'), 'utf8'), 'kept');
    expect(config.sources.map((source) => (source.type === 'github' ? source.repo : source.project))).toEqual(['acme/shop', 'acme/catalog', 'acme/payments']);

    const global = ['--db', 'acme-demo/dorametrics.db', '--config', 'acme-demo/dorametrics.config.json'];
    const report = await runCli([...global, 'report', '--from', '2026-09-07', '--to', '2026-11-30', '--by', 'week', '--format', 'json'], { cwd });
    expect(report.code).toBe(0);
    const kept = JSON.parse(report.stdout);
    const demo = JSON.parse(result.stdout);
    expect({ ...kept, generatedAt: null }).toEqual({ ...demo, generatedAt: null });
    const payments = await runCli([...global, 'report', '--from', '2026-09-07', '--to', '2026-11-30', '--team', 'payments', '--format', 'json'], { cwd });
    expect(JSON.parse(payments.stdout).metrics).toEqual(demo.byTeam.payments);

    // The kept store, read as the metric engine reads it: exactly one deployment was rolled
    // back (shop's of Tuesday 29 September, by the deployment of Monday's sha 39 minutes later).
    const store = openStore(path.join(dir, 'dorametrics.db'));
    let facts: Facts;
    try {
      facts = loadMetricFacts(store, { repoIds: listRepositoryIds(store), commitDetail: false });
    } finally {
      closeStore(store);
    }
    const model = buildModel(facts, ['github:acme/catalog', 'github:acme/shop', 'gitlab:acme/payments'], modelOptions(config, 'production'));
    const deployments = [...model.repos.values()].flatMap((repo) => repo.deployments);
    const rolledBack = deployments.filter((node) => node.rolledBack);
    expect(rolledBack.map((node) => [node.repoId, new Date(node.finishedAt).toISOString()])).toEqual([['github:acme/shop', '2026-09-29T14:35:00.000Z']]);
    const rollback = rolledBack[0]!.next!;
    expect([new Date(rollback.finishedAt).toISOString(), rollback.isRollback, rollback.sha]).toEqual(['2026-09-29T15:14:00.000Z', true, rolledBack[0]!.previous!.sha]);
    expect(deployments.filter((node) => node.reverted).map((node) => new Date(node.finishedAt).toISOString())).toEqual(['2026-11-10T14:35:00.000Z']);

    // A second run into the same directory is refused: the demo never overwrites a store.
    const again = await runCli(['demo', '--keep', 'acme-demo'], { cwd });
    expect(again.code).toBe(2);
    expect(again.stderr).toBe(
      `dorametrics: --keep "${dir}" already holds a dorametrics.db\n  hint: name a new or empty directory; the demo never overwrites a store or a config\n`,
    );
  });

  it('--keep never overwrites a config of the user\'s', async () => {
    writeFileSync(path.join(cwd, 'dorametrics.config.json'), '{}\n');
    const result = await runCli(['demo', '--keep', '.'], { cwd });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('already holds a dorametrics.config.json');
    expect(readFileSync(path.join(cwd, 'dorametrics.config.json'), 'utf8')).toBe('{}\n');
    expect(existsSync(path.join(cwd, 'dorametrics.db'))).toBe(false);
  });

  it('the built bin runs it offline: node bin/dorametrics.js demo --format json', () => {
    // Any use of the network in the child process throws (npm test builds dist/ first).
    const offline = path.join(cwd, 'offline.mjs');
    writeFileSync(
      offline,
      [
        "import net from 'node:net';",
        "globalThis.fetch = () => { throw new Error('the demo used the network'); };",
        "net.Socket.prototype.connect = function () { throw new Error('the demo used the network'); };",
      ].join('\n'),
    );
    const started = Date.now();
    const result = spawnSync(process.execPath, ['--import', offline, bin, 'demo', '--format', 'json'], {
      cwd,
      encoding: 'utf8',
      env: { ...process.env, GITHUB_TOKEN: '', GITLAB_TOKEN: '' },
    });
    expect(result.stderr).toContain('66 requests, none of them on the network');
    expect(result.status).toBe(0);
    expect(Date.now() - started).toBeLessThan(20_000);
    const doc = reportDocumentSchema.parse(JSON.parse(result.stdout));
    expect(doc.metrics.deploymentFrequency.deployments).toBe(75);
  });

  it('the recording ships in the package (.npmignore lets in fixtures/demo/ and no other fixture)', () => {
    const result = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8' });
    expect(result.status, result.stderr).toBe(0);
    const [pack] = JSON.parse(result.stdout) as Array<{ files: Array<{ path: string }> }>;
    const files = pack!.files.map((file) => file.path);
    expect(files.filter((file) => file.startsWith('fixtures/'))).toEqual(['fixtures/demo/recording.json']);
    expect(files).toContain('dist/demo/replay.js');
    expect(files.some((file) => file.startsWith('scripts/'))).toBe(false);
  });
});
