import Database from 'better-sqlite3';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { closeStore, LATEST_VERSION, openStore, upsertIncidents, loadFacts, withStore } from '../../src/store/index.js';
import { MIGRATIONS } from '../../src/store/migrations.js';
import { ExitCode, StoreError } from '../../src/util/errors.js';
import { runCli } from '../helpers/run-cli.js';
import { tempDir, tempStorePath } from '../helpers/store.js';
import { incident } from './fixtures.js';

function rawVersion(file: string): number {
  const db = new Database(file, { readonly: true });
  try {
    return db.pragma('user_version', { simple: true }) as number;
  } finally {
    db.close();
  }
}

function catchError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}

const RECORD = ['record', 'deployment', '--repo', 'github:acme/shop', '--sha', 'abc1234', '--at', '2026-11-02T14:03:00Z'];

describe('openStore', () => {
  it('creates the parent directory and a store at the latest schema version, in WAL mode', () => {
    const file = tempStorePath();
    const store = openStore(file);
    try {
      expect(store.db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(store.db.pragma('busy_timeout', { simple: true })).toBe(10_000);
      const tables = (store.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all());
      expect(tables).toEqual([
        'commits', 'deployment_statuses', 'deployments', 'incidents', 'pull_request_commits',
        'pull_requests', 'repositories', 'sync_state',
      ]);
    } finally {
      closeStore(store);
    }
    expect(rawVersion(file)).toBe(LATEST_VERSION);
    expect(LATEST_VERSION).toBe(MIGRATIONS.at(-1)!.version);
  });

  it('keeps the facts of an existing store when it is opened again', () => {
    const file = tempStorePath();
    withStore(file, (store) => upsertIncidents(store, [incident()]));
    const facts = withStore(file, (store) => loadFacts(store));
    expect(facts.incidents).toEqual([incident()]);
  });

  it('upgrades an older store (an empty SQLite file at version 0) in place', () => {
    const file = path.join(tempDir(), 'old.db');
    const old = new Database(file);
    old.exec('CREATE TABLE notes (text TEXT)');
    old.prepare('INSERT INTO notes VALUES (?)').run('kept');
    old.close();
    expect(rawVersion(file)).toBe(0);
    withStore(file, (store) => {
      expect(store.db.prepare('SELECT text FROM notes').pluck().get()).toBe('kept');
      upsertIncidents(store, [incident()]);
    });
    expect(rawVersion(file)).toBe(LATEST_VERSION);
  });

  it('refuses a store written by a newer dorametrics, without touching it', () => {
    const file = path.join(tempDir(), 'newer.db');
    const newer = new Database(file);
    newer.pragma(`user_version = ${LATEST_VERSION + 1}`);
    newer.close();
    const error = catchError(() => openStore(file));
    expect(error).toBeInstanceOf(StoreError);
    expect((error as StoreError).exitCode).toBe(ExitCode.failure);
    expect((error as StoreError).message).toBe(
      `store ${file} was written by a newer dorametrics (schema ${LATEST_VERSION + 1}, this version knows ${LATEST_VERSION}); upgrade dorametrics`,
    );
    expect(rawVersion(file)).toBe(LATEST_VERSION + 1);
  });

  it('refuses a file that is not a SQLite database, naming it, and leaves it alone', () => {
    const file = path.join(tempDir(), 'notes.txt');
    writeFileSync(file, 'these are my notes, not a database\n'.repeat(200));
    const error = catchError(() => openStore(file));
    expect(error).toBeInstanceOf(StoreError);
    expect((error as StoreError).message).toContain(`store ${file} is not a SQLite database or is corrupt`);
    expect(readFileSync(file, 'utf8')).toBe('these are my notes, not a database\n'.repeat(200));
  });

  it('refuses a store whose header is corrupt', () => {
    const file = tempStorePath();
    withStore(file, (store) => upsertIncidents(store, [incident()]));
    const bytes = readFileSync(file);
    bytes.write('garbage garbage!', 0);
    writeFileSync(file, bytes);
    const error = catchError(() => openStore(file));
    expect(error).toBeInstanceOf(StoreError);
    expect((error as StoreError).message).toContain(`store ${file} is not a SQLite database or is corrupt`);
  });
});

describe('store errors through the CLI (SPEC §2: exit 3)', () => {
  it('a store at a newer schema version exits 3 with one line naming the file', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'newer.db');
    const newer = new Database(file);
    newer.pragma(`user_version = ${LATEST_VERSION + 5}`);
    newer.close();
    const result = await runCli([...RECORD, '--db', file], { cwd: dir });
    expect(result.code).toBe(3);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      `dorametrics: store ${file} was written by a newer dorametrics (schema ${LATEST_VERSION + 5}, this version knows ${LATEST_VERSION}); upgrade dorametrics\n`,
    );
  });

  it('a file that is not a SQLite database exits 3 with one line naming it', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'dora.db');
    writeFileSync(file, '{"this": "is json"}\n'.repeat(100));
    const result = await runCli([...RECORD, '--db', file], { cwd: dir });
    expect(result.code).toBe(3);
    expect(result.stdout).toBe('');
    const [first, ...rest] = result.stderr.trimEnd().split('\n');
    expect(first).toMatch(new RegExp(`^dorametrics: store ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is not a SQLite database or is corrupt`));
    // The one line, plus at most its hint; never a stack trace.
    expect(rest.every((line) => line.startsWith('  hint: '))).toBe(true);
    expect(existsSync(`${file}-wal`)).toBe(false);
  });

  it('report, sync and doctor meet a corrupt store the same way: exit 3 naming the file, nothing else touched', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'dora.db');
    writeFileSync(file, 'not a database\n'.repeat(200));
    writeFileSync(path.join(dir, 'dorametrics.config.json'), JSON.stringify({ sources: [{ type: 'github', repo: 'acme/shop' }] }));
    const named = new RegExp(`store ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is not a SQLite database or is corrupt`);

    const report = await runCli(['report', '--db', file], { cwd: dir });
    expect(report.code).toBe(3);
    expect(report.stdout).toBe('');
    expect(report.stderr).toMatch(named);

    // sync opens the store before its first request: no forge is asked (nock is not even set up).
    const sync = await runCli(['sync', '--db', file], { cwd: dir, env: { GITHUB_TOKEN: 'ghp_unusedBecauseTheStoreFails000000' } });
    expect(sync.code).toBe(3);
    expect(sync.stderr).toMatch(named);

    // doctor reports it as a failed check among the others (the token check fails too: none is set).
    const doctor = await runCli(['doctor', '--db', file], { cwd: dir, env: {} });
    expect(doctor.code).toBe(3);
    expect(doctor.stdout).toMatch(new RegExp(`✗ store: ${named.source}`));
    expect(readFileSync(file, 'utf8')).toBe('not a database\n'.repeat(200));
  });
});
