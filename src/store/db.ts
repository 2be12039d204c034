import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { DorametricsError, StoreError } from '../util/errors.js';
import { LATEST_VERSION, MIGRATIONS } from './migrations.js';

/**
 * The store: one SQLite file (SPEC §1), and the only importer of better-sqlite3 (STYLE
 * layout). Everything else talks to it through the functions of `src/store/`.
 */

export type Statement = Database.Statement<unknown[], unknown>;

export interface Store {
  /** The file, as given to `openStore`; named in every error. */
  readonly path: string;
  readonly db: Database.Database;
  /** Prepared statements by SQL text: prepared once per connection, reused by every batch. */
  readonly statements: Map<string, Statement>;
}

/** How long a writer waits for another process's lock (8 CI jobs recording at once). */
export const BUSY_TIMEOUT_MS = 10_000;

/**
 * Opens (creating if needed) and migrates the store at `filePath`. Throws a `StoreError`
 * (exit 3, SPEC §2) when the file is not a SQLite database, is corrupt, cannot be opened or
 * was written by a newer dorametrics.
 */
export function openStore(filePath: string): Store {
  try {
    mkdirSync(path.dirname(path.resolve(filePath)), { recursive: true });
  } catch (error) {
    throw new StoreError(`cannot create the directory of store ${filePath}: ${(error as Error).message}`);
  }
  let db: Database.Database;
  try {
    // The `timeout` option is SQLite's busy_timeout, set as the connection opens: before
    // anything below takes a lock.
    db = new Database(filePath, { timeout: BUSY_TIMEOUT_MS });
  } catch (error) {
    throw storeError(filePath, error);
  }
  const store: Store = { path: filePath, db, statements: new Map() };
  try {
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    // WAL lets `report` read while a `sync` or a `record` writes.
    db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    migrate(store);
    return store;
  } catch (error) {
    db.close();
    throw storeError(filePath, error);
  }
}

export function closeStore(store: Store): void {
  if (store.db.open) store.db.close();
}

/** Opens the store, runs `fn`, and closes the store whatever happens. */
export function withStore<T>(filePath: string, fn: (store: Store) => T): T {
  const store = openStore(filePath);
  try {
    return fn(store);
  } finally {
    closeStore(store);
  }
}

/** The statement for `sql`, prepared on first use and cached on the store. */
export function statement(store: Store, sql: string): Statement {
  let prepared = store.statements.get(sql);
  if (!prepared) {
    prepared = store.db.prepare(sql);
    store.statements.set(sql, prepared);
  }
  return prepared;
}

/**
 * Runs `fn` in one write transaction. `BEGIN IMMEDIATE` takes the write lock up front, so a
 * concurrent writer waits on busy_timeout instead of failing on a lock upgrade. Called
 * inside another transaction, it becomes a savepoint of that one (better-sqlite3 nests them),
 * which lets a harvester write a page and move its cursor in a single transaction (STYLE
 * habit 5). SQLite errors become `StoreError`s naming the file.
 */
export function transaction<T>(store: Store, fn: () => T): T {
  try {
    return store.db.transaction(fn).immediate();
  } catch (error) {
    throw storeError(store.path, error);
  }
}

/** Runs a read; SQLite errors become `StoreError`s naming the file. */
export function read<T>(store: Store, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    throw storeError(store.path, error);
  }
}

/**
 * Applies the pending migrations. The version is read again inside `BEGIN IMMEDIATE`, so of
 * several processes opening a fresh store at once exactly one migrates and the others find
 * the work done.
 */
function migrate(store: Store): void {
  const { db } = store;
  const current = userVersion(db);
  refuseNewer(store.path, current);
  if (current === LATEST_VERSION) return;
  db.transaction(() => {
    const version = userVersion(db);
    refuseNewer(store.path, version);
    for (const migration of MIGRATIONS) {
      if (migration.version <= version) continue;
      db.exec(migration.sql);
    }
    // PRAGMA takes no bound parameters; LATEST_VERSION is our own integer.
    db.pragma(`user_version = ${LATEST_VERSION}`);
  }).immediate();
}

function userVersion(db: Database.Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

function refuseNewer(filePath: string, version: number): void {
  if (version > LATEST_VERSION) {
    throw new StoreError(
      `store ${filePath} was written by a newer dorametrics (schema ${version}, this version knows ${LATEST_VERSION}); upgrade dorametrics`,
    );
  }
}

/**
 * One line that names the file (SPEC §2, exit 3). Our own errors and programming errors pass
 * through untouched, so a bug still shows its stack.
 */
function storeError(filePath: string, error: unknown): unknown {
  if (error instanceof DorametricsError) return error;
  if (error instanceof Database.SqliteError) {
    // Extended result codes (SQLITE_BUSY_SNAPSHOT, SQLITE_CORRUPT_INDEX, …) share the primary's meaning.
    const primary = error.code.split('_').slice(0, 2).join('_');
    switch (primary) {
      case 'SQLITE_NOTADB':
      case 'SQLITE_CORRUPT':
        return new StoreError(
          `store ${filePath} is not a SQLite database or is corrupt (${error.message})`,
          'point --db (or DORAMETRICS_DB) at a dorametrics store, or move the file away to start a new one',
        );
      case 'SQLITE_BUSY':
      case 'SQLITE_LOCKED':
        return new StoreError(
          `store ${filePath} stayed locked by another process for ${BUSY_TIMEOUT_MS / 1000} s`,
          'wait for the running sync or record to finish and try again',
        );
      case 'SQLITE_CANTOPEN':
      case 'SQLITE_PERM':
      case 'SQLITE_READONLY':
        return new StoreError(`cannot open store ${filePath} for writing (${error.message})`);
      default:
        return new StoreError(`store ${filePath}: ${error.message} (${error.code})`);
    }
  }
  if (error instanceof TypeError && /directory does not exist/.test(error.message)) {
    return new StoreError(`cannot open store ${filePath}: its directory does not exist`);
  }
  return error;
}
