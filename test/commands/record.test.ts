import { execFile } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { Facts } from '../../src/domain/types.js';
import { loadFacts, withStore } from '../../src/store/index.js';
import { FIXED_NOW, runCli } from '../helpers/run-cli.js';
import { tempDir } from '../helpers/store.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = path.join(ROOT, 'bin', 'dorametrics.js');
const SHA = '3f2a9c1d8e7b6a5f4e3d2c1b0a9f8e7d6c5b4a39';

interface Workspace {
  cwd: string;
  db: string;
  run: (argv: string[], env?: Record<string, string>) => ReturnType<typeof runCli>;
  facts: () => Facts;
}

function workspace(): Workspace {
  const cwd = tempDir();
  const db = path.join(cwd, '.dorametrics', 'dorametrics.db');
  return {
    cwd,
    db,
    run: (argv, env) => runCli(argv, { cwd, ...(env ? { env } : {}) }),
    facts: () => withStore(db, loadFacts),
  };
}

const deploy = (...extra: string[]) => ['record', 'deployment', '--repo', 'github:acme/shop', '--sha', SHA, ...extra];
const incident = (...extra: string[]) => ['record', 'incident', '--repo', 'github:acme/shop', '--id', 'INC-42', ...extra];

describe('record deployment', () => {
  it('writes one successful production deployment with a one-entry status history', async () => {
    const ws = workspace();
    const result = await ws.run(deploy('--at', '2026-11-02T15:03:00+01:00'));
    expect(result).toEqual({
      code: 0,
      stdout: '',
      stderr: `recorded deployment of ${SHA.slice(0, 12)} to production (success, 2026-11-02T14:03:00.000Z) for github:acme/shop in .dorametrics/dorametrics.db\n`,
    });
    const at = Date.parse('2026-11-02T14:03:00Z');
    const facts = ws.facts();
    expect(facts.deployments).toEqual([{
      id: `github:acme/shop:deployment:record:production:${SHA}:success:2026-11-02T14:03:00.000Z`,
      repoId: 'github:acme/shop',
      environment: 'production',
      tier: null,
      sha: SHA,
      source: 'record',
      status: 'success',
      createdAt: at,
      finishedAt: at,
      statuses: [{ state: 'success', at }],
      url: null,
    }]);
    expect(facts.repositories).toEqual([
      { id: 'github:acme/shop', forge: 'github', fullName: 'acme/shop', defaultBranch: null, webUrl: null },
    ]);
  });

  it('defaults --at to now, and lower-cases the sha and the status', async () => {
    const ws = workspace();
    const result = await ws.run(['record', 'deployment', '--repo', 'gitlab:acme/platform/payments', '--sha', 'ABC1234', '--status', 'Failure', '--env', 'staging']);
    expect(result.code).toBe(0);
    const [deployment] = ws.facts().deployments;
    expect(deployment).toMatchObject({
      repoId: 'gitlab:acme/platform/payments', sha: 'abc1234', status: 'failure', environment: 'staging',
      createdAt: FIXED_NOW.getTime(), finishedAt: FIXED_NOW.getTime(),
    });
  });

  it('is idempotent: the same event twice is one row; the same --id updates its row', async () => {
    const ws = workspace();
    expect((await ws.run(deploy('--at', '2026-11-02T14:03:00Z'))).code).toBe(0);
    expect((await ws.run(deploy('--at', '2026-11-02T14:03:00Z'))).code).toBe(0);
    expect(ws.facts().deployments).toHaveLength(1);

    await ws.run(deploy('--id', 'pipeline-8812', '--status', 'in_progress', '--at', '2026-11-03T10:00:00Z'));
    await ws.run(deploy('--id', 'pipeline-8812', '--status', 'success', '--at', '2026-11-03T10:20:00Z'));
    const recorded = ws.facts().deployments.filter((d) => d.id === 'github:acme/shop:deployment:record:pipeline-8812');
    expect(recorded).toHaveLength(1);
    expect(recorded[0]).toMatchObject({ status: 'success', finishedAt: Date.parse('2026-11-03T10:20:00Z') });
    expect(ws.facts().deployments).toHaveLength(2);
  });

  it.each([
    [['record', 'deployment', '--repo', 'acme/shop', '--sha', SHA], '--repo: "acme/shop" is not a repository id'],
    [['record', 'deployment', '--repo', 'bitbucket:acme/shop', '--sha', SHA], '--repo: "bitbucket:acme/shop" is not a repository id'],
    [deploy().map((arg) => (arg === SHA ? 'main' : arg)), '--sha: "main" is not a commit sha'],
    [deploy().map((arg) => (arg === SHA ? 'abc12' : arg)), '--sha: "abc12" is not a commit sha'],
    [deploy('--at', '2026-11-02T14:03:00'), '--at: "2026-11-02T14:03:00" has no time zone'],
    [deploy('--at', 'yesterday'), '--at: "yesterday" is not an ISO date or time'],
    [deploy('--at', '2026-02-30T10:00:00Z'), '--at: "2026-02-30T10:00:00Z" is not an ISO date or time'],
    [deploy('--status', 'done!'), '--status: "done!" is not a status'],
    [deploy('--env', ' '), '--env: must not be empty'],
    [deploy('--id', ''), '--id: must not be empty'],
  ])('refuses %j with exit 2, a message naming the flag, and no store written', async (argv, message) => {
    const ws = workspace();
    const result = await ws.run(argv);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr.split('\n')[0]).toContain(`dorametrics: ${message}`);
    expect(existsSync(ws.db)).toBe(false);
  });

  it('a missing required flag is a usage error (exit 2) that names it', async () => {
    const ws = workspace();
    const result = await ws.run(['record', 'deployment', '--repo', 'github:acme/shop']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--sha');
    expect(existsSync(ws.db)).toBe(false);
  });

  it('prints nothing with --quiet', async () => {
    const ws = workspace();
    expect(await ws.run(['--quiet', ...deploy()])).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  it('honours DORAMETRICS_DB when --db is not given', async () => {
    const ws = workspace();
    const other = path.join(ws.cwd, 'elsewhere.db');
    expect((await ws.run(deploy(), { DORAMETRICS_DB: other })).code).toBe(0);
    expect(withStore(other, loadFacts).deployments).toHaveLength(1);
  });
});

describe('record incident', () => {
  it('records a new incident with every field', async () => {
    const ws = workspace();
    const result = await ws.run(incident(
      '--opened', '2026-11-02T15:00:00Z', '--title', 'Checkout 500s', '--body', 'root cause: 3f2a9c1',
      '--severity', 'SEV2', '--url', 'https://status.acme.test/incidents/42',
    ));
    expect(result).toEqual({
      code: 0,
      stdout: '',
      stderr: 'recorded incident INC-42 for github:acme/shop (open) in .dorametrics/dorametrics.db\n',
    });
    expect(ws.facts().incidents).toEqual([{
      id: 'github:acme/shop:incident:INC-42',
      repoId: 'github:acme/shop',
      title: 'Checkout 500s',
      body: 'root cause: 3f2a9c1',
      source: 'record',
      createdAt: Date.parse('2026-11-02T15:00:00Z'),
      resolvedAt: null,
      severity: 'SEV2',
      url: 'https://status.acme.test/incidents/42',
    }]);
  });

  it('--resolved alone closes the open incident and keeps its other fields', async () => {
    const ws = workspace();
    await ws.run(incident('--opened', '2026-11-02T15:00:00Z', '--title', 'Checkout 500s', '--body', 'root cause: #12', '--severity', 'SEV2'));
    const result = await ws.run(incident('--resolved', '2026-11-02T16:10:00Z'));
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('updated incident INC-42 for github:acme/shop (resolved 2026-11-02T16:10:00.000Z) in .dorametrics/dorametrics.db\n');
    expect(ws.facts().incidents).toEqual([expect.objectContaining({
      title: 'Checkout 500s', body: 'root cause: #12', severity: 'SEV2', source: 'record',
      createdAt: Date.parse('2026-11-02T15:00:00Z'), resolvedAt: Date.parse('2026-11-02T16:10:00Z'),
    })]);
  });

  it('a new incident without --opened is a usage error naming --opened, and writes nothing', async () => {
    const ws = workspace();
    const first = await ws.run(incident('--resolved', '2026-11-02T16:10:00Z'));
    expect(first.code).toBe(2);
    expect(first.stderr.split('\n')[0]).toBe('dorametrics: --opened: required for a new incident (no incident "INC-42" is recorded for github:acme/shop)');
    expect(existsSync(ws.db)).toBe(false);
    // Also when the store exists but holds no such incident.
    await ws.run(deploy());
    const second = await ws.run(incident('--resolved', '2026-11-02T16:10:00Z'));
    expect(second.code).toBe(2);
    expect(second.stderr).toContain('--opened');
    expect(ws.facts().incidents).toEqual([]);
  });

  it('resolved before opened is a usage error, in the flags or against the stored opening', async () => {
    const ws = workspace();
    const flags = await ws.run(incident('--opened', '2026-11-02T15:00:00Z', '--resolved', '2026-11-02T14:00:00Z'));
    expect(flags.code).toBe(2);
    expect(flags.stderr).toContain('--resolved: 2026-11-02T14:00:00.000Z is before --opened 2026-11-02T15:00:00.000Z');
    expect(existsSync(ws.db)).toBe(false);

    await ws.run(incident('--opened', '2026-11-02T15:00:00Z'));
    const stored = await ws.run(incident('--resolved', '2026-11-02T14:59:59Z'));
    expect(stored.code).toBe(2);
    expect(stored.stderr).toContain('--resolved: 2026-11-02T14:59:59.000Z is before the incident was opened (2026-11-02T15:00:00.000Z)');
    expect(ws.facts().incidents[0]!.resolvedAt).toBeNull();
  });

  it.each([
    [incident('--opened', '2026-11-02 15:00'), '--opened: "2026-11-02 15:00" has no time zone'],
    [incident('--opened', 'now'), '--opened: "now" is not an ISO date or time'],
    [incident('--opened', '2026-11-02T15:00:00Z', '--resolved', 'later'), '--resolved: "later" is not an ISO date or time'],
    [incident('--opened', '2026-11-02T15:00:00Z', '--url', 'status page'), '--url: "status page" is not an http(s) URL'],
    [['record', 'incident', '--repo', 'github:acme/shop', '--id', ' ', '--opened', '2026-11-02'], '--id: must not be empty'],
    [['record', 'incident', '--repo', 'Checkout API', '--id', 'X', '--opened', '2026-11-02'], '--repo: "Checkout API" is neither a repository id nor a service'],
  ])('refuses %j with exit 2 naming the flag', async (argv, message) => {
    const ws = workspace();
    const result = await ws.run(argv);
    expect(result.code).toBe(2);
    expect(result.stderr.split('\n')[0]).toContain(`dorametrics: ${message}`);
    expect(existsSync(ws.db)).toBe(false);
  });

  it('accepts a service name that the config maps to a repository, and a date as --opened', async () => {
    const ws = workspace();
    writeFileSync(path.join(ws.cwd, 'dorametrics.config.json'), JSON.stringify({ services: { 'Checkout API': 'github:acme/shop' } }));
    const result = await ws.run(['record', 'incident', '--repo', 'Checkout API', '--id', 'PD-7', '--opened', '2026-11-02']);
    expect(result.code).toBe(0);
    expect(ws.facts().incidents).toEqual([expect.objectContaining({
      id: 'github:acme/shop:incident:PD-7', repoId: 'github:acme/shop', createdAt: Date.parse('2026-11-02T00:00:00Z'), title: '',
    })]);
  });
});

describe('eight processes recording into one fresh store at once', () => {
  const exec = promisify(execFile);

  it('all succeed and every row is there', async () => {
    // This spawns the built CLI (bin/ → dist/); `npm test` builds it first.
    if (!existsSync(path.join(ROOT, 'dist', 'cli.js'))) {
      throw new Error('dist/cli.js is missing: run "npm run build" (npm test does) before this test');
    }
    const cwd = tempDir();
    const db = path.join(cwd, 'shared', 'dora.db');
    const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
    delete env.DORAMETRICS_DB;
    const runs = Array.from({ length: 8 }, (_, i) =>
      exec(process.execPath, [
        BIN, 'record', 'deployment', '--repo', 'github:acme/shop', '--sha', `${i}`.repeat(7),
        '--at', `2026-11-02T14:0${i}:00Z`, '--id', `job-${i}`, '--db', db,
      ], { cwd, env }),
    );
    const results = await Promise.allSettled(runs);
    const failures = results.flatMap((result, i) =>
      result.status === 'rejected' ? [`process ${i}: ${(result.reason as { stderr?: string }).stderr ?? String(result.reason)}`] : []);
    expect(failures).toEqual([]);
    const facts = withStore(db, loadFacts);
    expect(facts.deployments.map((d) => d.id)).toEqual(
      Array.from({ length: 8 }, (_, i) => `github:acme/shop:deployment:record:job-${i}`),
    );
    expect(facts.deployments.map((d) => d.sha)).toEqual(Array.from({ length: 8 }, (_, i) => `${i}`.repeat(7)));
  });
});
