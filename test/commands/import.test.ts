import { copyFileSync, existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Facts, Incident } from '../../src/domain/types.js';
import { parseExportInstant } from '../../src/importers/instants.js';
import { loadFacts, withStore } from '../../src/store/index.js';
import { runCli } from '../helpers/run-cli.js';
import { tempDir } from '../helpers/store.js';

const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/imports');
const at = (iso: string) => Date.parse(iso);

interface Workspace {
  cwd: string;
  db: string;
  /** Copies a fixture into the workspace and returns its name there. */
  fixture: (name: string) => string;
  write: (name: string, text: string) => string;
  config: (config: object) => void;
  run: (argv: string[]) => ReturnType<typeof runCli>;
  facts: () => Facts;
  incident: (id: string) => Incident | undefined;
}

function workspace(): Workspace {
  const cwd = tempDir();
  const db = path.join(cwd, '.dorametrics', 'dorametrics.db');
  const facts = () => withStore(db, loadFacts);
  return {
    cwd,
    db,
    fixture: (name) => {
      copyFileSync(path.join(FIXTURES, name), path.join(cwd, name));
      return name;
    },
    write: (name, text) => {
      writeFileSync(path.join(cwd, name), text);
      return name;
    },
    config: (config) => writeFileSync(path.join(cwd, 'dorametrics.config.json'), JSON.stringify(config)),
    run: (argv) => runCli(argv, { cwd }),
    facts,
    incident: (id) => facts().incidents.find((incident) => incident.id === id),
  };
}

describe('import incidents: generic layout', () => {
  it('imports a CSV, mapping a service name through --service-map, and says how many are open', async () => {
    const ws = workspace();
    const file = ws.fixture('generic.csv');
    const result = await ws.run(['import', 'incidents', file, '--service-map', 'Payments API=gitlab:acme/payments']);
    expect(result).toEqual({ code: 0, stdout: '', stderr: 'imported 4 incidents (1 open) into .dorametrics/dorametrics.db\n' });
    expect(ws.facts().incidents).toEqual([
      {
        id: 'github:acme/shop:incident:INC-101', repoId: 'github:acme/shop', title: 'Checkout returns 500 for saved carts',
        body: 'root cause: 3f2a9c1', source: 'import', createdAt: at('2026-11-03T09:12:00Z'), resolvedAt: at('2026-11-03T10:02:00Z'),
        severity: 'SEV2', url: 'https://status.acme.test/incidents/101',
      },
      {
        id: 'github:acme/shop:incident:INC-102', repoId: 'github:acme/shop', title: 'Search latency above SLO', body: '',
        source: 'import', createdAt: at('2026-11-10T13:30:00Z'), resolvedAt: at('2026-11-10T15:45:00Z'), severity: 'SEV3',
        url: 'https://status.acme.test/incidents/102',
      },
      {
        id: 'gitlab:acme/payments:incident:INC-103', repoId: 'gitlab:acme/payments', title: 'Card payments declined',
        body: 'Declines spiked after the deploy.\ncaused by: !412', source: 'import', createdAt: at('2026-11-18T07:05:00Z'),
        resolvedAt: at('2026-11-18T07:50:00Z'), severity: 'SEV1', url: 'https://status.acme.test/incidents/103',
      },
      {
        id: 'gitlab:acme/payments:incident:INC-104', repoId: 'gitlab:acme/payments', title: 'Refund webhooks delayed',
        body: 'Queue backlog, still draining', source: 'import', createdAt: at('2026-11-27T22:40:00Z'), resolvedAt: null,
        severity: 'SEV3', url: null,
      },
    ]);
    expect(ws.facts().repositories.map((repo) => repo.id)).toEqual(['github:acme/shop', 'gitlab:acme/payments']);
  });

  it('is idempotent: importing the same file again changes nothing', async () => {
    const ws = workspace();
    const file = ws.fixture('generic.csv');
    const argv = ['import', 'incidents', file, '--service-map', 'Payments API=gitlab:acme/payments'];
    await ws.run(argv);
    const once = ws.facts();
    expect((await ws.run(argv)).code).toBe(0);
    expect(ws.facts()).toEqual(once);
  });

  it('maps services through the config\'s "services" too', async () => {
    const ws = workspace();
    ws.config({ services: { 'payments api': 'gitlab:acme/payments' } });
    const result = await ws.run(['import', 'incidents', ws.fixture('generic.csv')]);
    expect(result.code).toBe(0);
    expect(ws.incident('gitlab:acme/payments:incident:INC-103')).toBeDefined();
  });

  it('imports a JSON array; rows without a repository go to --repo', async () => {
    const ws = workspace();
    const result = await ws.run(['import', 'incidents', ws.fixture('generic.json'), '--repo', 'github:acme/shop']);
    expect(result.stderr).toBe('imported 2 incidents (1 open) into .dorametrics/dorametrics.db\n');
    expect(ws.facts().incidents).toEqual([
      expect.objectContaining({
        id: 'github:acme/shop:incident:INC-201', body: 'caused by: https://github.com/acme/shop/pull/88',
        createdAt: at('2026-11-05T11:00:00Z'), resolvedAt: at('2026-11-05T11:40:00Z'),
      }),
      expect.objectContaining({
        id: 'github:acme/shop:incident:INC-202', title: 'Login loop for SSO users', resolvedAt: null, url: null, severity: 'SEV2',
      }),
    ]);
  });

  it('reads times without a zone in the config\'s timezone', async () => {
    const ws = workspace();
    ws.config({ timezone: 'Europe/Berlin' });
    const file = ws.write('local.csv', 'id,repo,created_at,resolved_at\nL-1,github:acme/shop,2026-11-02 10:00,2026-11-02 10:30:00\n');
    expect((await ws.run(['import', 'incidents', file])).code).toBe(0);
    expect(ws.facts().incidents[0]).toMatchObject({ createdAt: at('2026-11-02T09:00:00Z'), resolvedAt: at('2026-11-02T09:30:00Z') });
  });
});

describe('import incidents: PagerDuty', () => {
  it('imports the incidents CSV export (created_on/resolved_on, seconds_to_resolve, service_name)', async () => {
    const ws = workspace();
    const result = await ws.run([
      'import', 'incidents', ws.fixture('pagerduty-incidents.csv'),
      '--service-map', 'Checkout API=github:acme/shop,Payments API=gitlab:acme/payments',
    ]);
    expect(result.stderr).toBe('imported 3 incidents (1 open) into .dorametrics/dorametrics.db\n');
    expect(ws.facts().incidents).toEqual([
      {
        id: 'github:acme/shop:incident:pagerduty:Q1R2S3T4U5V6W7', repoId: 'github:acme/shop',
        title: '[#4201] Checkout API: error rate above 5%', body: '', source: 'pagerduty',
        createdAt: at('2026-11-04T11:17:44Z'), resolvedAt: at('2026-11-04T12:02:10Z'), severity: 'high',
        url: 'https://acme.pagerduty.com/incidents/Q1R2S3T4U5V6W7',
      },
      {
        id: 'github:acme/shop:incident:pagerduty:Q1R2S3T4U5V6W9', repoId: 'github:acme/shop',
        title: '[#4203] Checkout API: disk almost full on worker-3', body: '', source: 'pagerduty',
        createdAt: at('2026-11-27T07:05:00Z'), resolvedAt: null, severity: 'low',
        url: 'https://acme.pagerduty.com/incidents/Q1R2S3T4U5V6W9',
      },
      {
        id: 'gitlab:acme/payments:incident:pagerduty:Q1R2S3T4U5V6W8', repoId: 'gitlab:acme/payments',
        title: '[#4202] Payments API: p99 latency above 2s', body: '', source: 'pagerduty',
        // No resolved_on: created_on + seconds_to_resolve (1800 s).
        createdAt: at('2026-11-13T03:40:03Z'), resolvedAt: at('2026-11-13T04:10:03Z'), severity: 'high',
        url: 'https://acme.pagerduty.com/incidents/Q1R2S3T4U5V6W8',
      },
    ]);
  });

  it('imports the REST API shape { "incidents": [...] } with nested service, priority and body', async () => {
    const ws = workspace();
    ws.config({ services: { 'Checkout API': 'github:acme/shop', 'Payments API': 'gitlab:acme/payments' } });
    const result = await ws.run(['import', 'incidents', ws.fixture('pagerduty-incidents-api.json')]);
    expect(result.stderr).toBe('imported 2 incidents (1 open) into .dorametrics/dorametrics.db\n');
    expect(ws.facts().incidents).toEqual([
      {
        id: 'github:acme/shop:incident:pagerduty:PT4KHLK', repoId: 'github:acme/shop', title: 'The checkout service is on fire.',
        body: 'root cause: 9c1d2e3', source: 'pagerduty', createdAt: at('2026-11-08T10:15:00Z'),
        resolvedAt: at('2026-11-08T10:58:00Z'), severity: 'P1', url: 'https://acme.pagerduty.com/incidents/PT4KHLK',
      },
      {
        id: 'gitlab:acme/payments:incident:pagerduty:PT4KHLM', repoId: 'gitlab:acme/payments', title: 'Payments queue backing up',
        body: '', source: 'pagerduty', createdAt: at('2026-11-22T06:00:00Z'), resolvedAt: null, severity: 'low',
        url: 'https://acme.pagerduty.com/incidents/PT4KHLM',
      },
    ]);
  });
});

describe('import incidents: Opsgenie', () => {
  it('imports an alert export: TinyId, Message, Priority, CloseTime or UpdatedAt for closed alerts, Teams as service', async () => {
    const ws = workspace();
    const result = await ws.run([
      'import', 'incidents', ws.fixture('opsgenie-alerts.csv'),
      '--service-map', 'Checkout=github:acme/shop,Payments=gitlab:acme/payments', '--repo', 'github:acme/platform',
    ]);
    expect(result.stderr).toBe('imported 3 incidents (1 open) into .dorametrics/dorametrics.db\n');
    expect(ws.facts().incidents).toEqual([
      {
        id: 'github:acme/platform:incident:opsgenie:1861', repoId: 'github:acme/platform', title: 'Disk usage 90% on shop-db-2',
        body: '', source: 'opsgenie', createdAt: at('2026-11-28T18:00:00Z'), resolvedAt: null, severity: 'P3', url: null,
      },
      {
        id: 'github:acme/shop:incident:opsgenie:1842', repoId: 'github:acme/shop', title: 'Checkout 5xx rate above threshold',
        body: 'caused by: 3f2a9c1', source: 'opsgenie', createdAt: at('2026-11-06T13:20:05.114Z'),
        // CloseTime is milliseconds after CreatedAt (the Alert API's report.closeTime).
        resolvedAt: at('2026-11-06T13:20:05.114Z') + 2_481_000, severity: 'P1', url: null,
      },
      {
        id: 'gitlab:acme/payments:incident:opsgenie:1857', repoId: 'gitlab:acme/payments', title: 'Payments p99 latency high',
        body: 'Latency back to normal after scaling out', source: 'opsgenie', createdAt: at('2026-11-16T02:45:00Z'),
        resolvedAt: at('2026-11-16T03:30:00Z'), severity: 'P2', url: null,
      },
    ]);
  });

  it('an alert whose service maps nowhere, with no --repo, fails the file naming the line and column', async () => {
    const ws = workspace();
    const result = await ws.run([
      'import', 'incidents', ws.fixture('opsgenie-alerts.csv'), '--service-map', 'Checkout=github:acme/shop,Payments=gitlab:acme/payments',
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr.split('\n')[0]).toBe(
      'dorametrics: opsgenie-alerts.csv line 4, column "Entity": unknown service "shop-db-2"',
    );
    expect(existsSync(ws.db)).toBe(false);
  });
});

describe('import incidents: a bad row fails the whole file (exit 2) and writes nothing', () => {
  it('names the file, the line and the column of an unparseable date', async () => {
    const ws = workspace();
    // A store with facts in it already: they must stay exactly as they were.
    await ws.run(['record', 'incident', '--repo', 'github:acme/shop', '--id', 'KEEP', '--opened', '2026-11-01T00:00:00Z']);
    const before = ws.facts();
    const result = await ws.run(['import', 'incidents', ws.fixture('generic-bad-date-on-line-4.csv')]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr.split('\n')[0]).toBe(
      'dorametrics: generic-bad-date-on-line-4.csv line 4, column "created_at": "yesterday afternoon" is not a date or time (use ISO 8601, e.g. 2026-11-02T14:03:00Z)',
    );
    expect(ws.facts()).toEqual(before);
  });

  it.each([
    ['missing id', 'id,repo,created_at\nA,github:acme/shop,2026-11-02T10:00:00Z\n,github:acme/shop,2026-11-02T11:00:00Z\n',
      'bad.csv line 3, column "id": no id'],
    ['resolved before created', 'id,repo,created_at,resolved_at\nA,github:acme/shop,2026-11-02T10:00:00Z,2026-11-02T09:00:00Z\n',
      'bad.csv line 2, column "resolved_at": resolved at 2026-11-02T09:00:00.000Z, before it was created (2026-11-02T10:00:00.000Z)'],
    ['bad repository id', 'id,repo,created_at\nA,github:acme,2026-11-02T10:00:00Z\n',
      'bad.csv line 2, column "repo": "github:acme" is not a repository id'],
    ['unknown service without fallback', 'id,repo,created_at\nA,Search,2026-11-02T10:00:00Z\n',
      'bad.csv line 2, column "repo": unknown service "Search"'],
    ['no repository at all', 'id,title,created_at\nA,x,2026-11-02T10:00:00Z\n',
      'bad.csv line 2, column "repo": names no repository or service'],
    ['missing creation time', 'id,repo,created_at\nA,github:acme/shop,\n',
      'bad.csv line 2, column "created_at": no creation time'],
    ['rolled-over date', 'id,repo,created_at\nA,github:acme/shop,2026-02-30T10:00:00Z\n',
      'bad.csv line 2, column "created_at": "2026-02-30T10:00:00Z" is not a date or time'],
    ['duplicate id', 'id,repo,created_at\nA,github:acme/shop,2026-11-02T10:00:00Z\nA,github:acme/shop,2026-11-03T10:00:00Z\n',
      'bad.csv line 3, column "id": duplicate id "A" (first on line 2)'],
    ['a line after a multi-line field', 'id,repo,body,created_at\nA,github:acme/shop,"two\nlines",2026-11-02T10:00:00Z\nB,github:acme/shop,,soon\n',
      'bad.csv line 4, column "created_at": "soon" is not a date or time'],
    ['a short row', 'id,repo,created_at\nA,github:acme/shop\n', 'bad.csv line 2: not valid CSV'],
    ['an unknown header', 'number,opened\n1,2026-11-02\n', 'bad.csv: cannot tell which layout this file has (its columns are number, opened)'],
  ])('%s', async (_name, csv, message) => {
    const ws = workspace();
    const result = await ws.run(['import', 'incidents', ws.write('bad.csv', csv)]);
    expect(result.code).toBe(2);
    expect(result.stderr.split('\n')[0]).toContain(`dorametrics: ${message}`);
    expect(existsSync(ws.db)).toBe(false);
  });

  it('names the item and the field of a bad JSON object', async () => {
    const ws = workspace();
    const file = ws.write('bad.json', JSON.stringify({
      incidents: [
        { id: 'A', service: { summary: 'Checkout API' }, created_at: '2026-11-02T10:00:00Z', title: 'has a ] and a { in it' },
        { id: 'B', service: { summary: 'Checkout API' }, created_at: 'tuesday' },
      ],
      more: false,
    }, null, 2));
    const result = await ws.run(['import', 'incidents', file, '--repo', 'github:acme/shop']);
    expect(result.code).toBe(2);
    expect(result.stderr.split('\n')[0]).toBe(
      'dorametrics: bad.json line 11 (item 2), field "created_at": "tuesday" is not a date or time (use ISO 8601, e.g. 2026-11-02T14:03:00Z)',
    );
    expect(existsSync(ws.db)).toBe(false);
  });
});

describe('import incidents: flags and files', () => {
  it('--layout overrides detection', async () => {
    const ws = workspace();
    const result = await ws.run(['import', 'incidents', ws.fixture('pagerduty-incidents.csv'), '--layout', 'generic', '--repo', 'github:acme/shop']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('pagerduty-incidents.csv line 2, column "created_at": no creation time');
  });

  it.each([
    [['--service-map', 'Checkout API'], '--service-map: "Checkout API" is not a service=repository pair'],
    [['--service-map', 'Checkout API=acme/shop'], '--service-map: "acme/shop" (for service "Checkout API") is not a repository id'],
    [['--repo', 'acme/shop'], '--repo: "acme/shop" is neither a repository id nor a mapped service'],
    [['--layout', 'servicenow'], "option '--layout <layout>' argument 'servicenow' is invalid"],
  ])('refuses %j with exit 2 naming the flag', async (flags, message) => {
    const ws = workspace();
    const result = await ws.run(['import', 'incidents', ws.fixture('generic.csv'), ...flags]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
    expect(existsSync(ws.db)).toBe(false);
  });

  it('a missing file is exit 2 naming it', async () => {
    const ws = workspace();
    const result = await ws.run(['import', 'incidents', 'nope.csv']);
    expect(result).toEqual({ code: 2, stdout: '', stderr: 'dorametrics: cannot read nope.csv: no such file\n' });
  });

  it('prints nothing with --quiet', async () => {
    const ws = workspace();
    const result = await ws.run(['--quiet', 'import', 'incidents', ws.fixture('generic.json'), '--repo', 'github:acme/shop']);
    expect(result).toEqual({ code: 0, stdout: '', stderr: '' });
  });
});

describe('parseExportInstant', () => {
  it.each([
    ['2026-11-02T14:03:00Z', '2026-11-02T14:03:00.000Z'],
    ['2026-11-02T06:03:00-08:00', '2026-11-02T14:03:00.000Z'],
    ['2026-11-02T14:03:00.123456Z', '2026-11-02T14:03:00.123Z'],
    ['2026-11-02 14:03:00 UTC', '2026-11-02T14:03:00.000Z'],
    ['2026-11-02 15:03:00 +0100', '2026-11-02T14:03:00.000Z'],
    ['1793628180', '2026-11-02T14:03:00.000Z'],
    ['1793628180000', '2026-11-02T14:03:00.000Z'],
    ['2026-11-02', '2026-11-02T00:00:00.000Z'],
    ['2026-11-02 14:03', '2026-11-02T14:03:00.000Z'],
  ])('reads %s', (text, iso) => {
    expect(new Date(parseExportInstant(text, 'UTC')!).toISOString()).toBe(iso);
  });

  it.each(['yesterday', '11/02/2026', '2026-13-01T00:00:00Z', '2026-02-29T00:00:00Z', ''])('refuses %j', (text) => {
    expect(parseExportInstant(text, 'UTC')).toBeNull();
  });
});
