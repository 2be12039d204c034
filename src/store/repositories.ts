import { parseRepoId } from '../domain/ids.js';
import type { RepoId, Repository } from '../domain/types.js';
import { StoreError } from '../util/errors.js';
import { read, statement, transaction, type Store } from './db.js';

// A later bare upsert (no branch, no URL) never erases what a harvester already learned.
const UPSERT = `
  INSERT INTO repositories (id, forge, full_name, default_branch, web_url)
  VALUES (?, ?, ?, ?, ?)
  ON CONFLICT (id) DO UPDATE SET
    forge = excluded.forge,
    full_name = excluded.full_name,
    default_branch = COALESCE(excluded.default_branch, repositories.default_branch),
    web_url = COALESCE(excluded.web_url, repositories.web_url)`;

const INSERT_BARE = `
  INSERT INTO repositories (id, forge, full_name, default_branch, web_url)
  VALUES (?, ?, ?, NULL, NULL)
  ON CONFLICT (id) DO NOTHING`;

/** Inserts or updates repositories, idempotently, in one transaction. */
export function upsertRepositories(store: Store, repositories: readonly Repository[]): void {
  if (repositories.length === 0) return;
  const upsert = statement(store, UPSERT);
  transaction(store, () => {
    for (const repo of repositories) {
      upsert.run(repo.id, repo.forge, repo.fullName, repo.defaultBranch, repo.webUrl);
    }
  });
}

/**
 * Makes sure a repository row exists for `repoId` (forge and full name parsed from the id),
 * leaving an existing row alone: `record` and `import` name repositories no harvest has seen,
 * and reports list repositories from this table.
 */
export function ensureRepository(store: Store, repoId: RepoId): void {
  const parsed = parseRepoId(repoId);
  if (!parsed) {
    // Callers validate ids at the boundary (flags, files); reaching this is a bug upstream.
    throw new StoreError(`not a repository id: "${repoId}" (expected github:owner/repo or gitlab:group/project)`);
  }
  const insert = statement(store, INSERT_BARE);
  transaction(store, () => {
    insert.run(repoId, parsed.forge, parsed.fullName);
  });
}

/** One repository as stored, or null. */
export function getRepository(store: Store, repoId: RepoId): Repository | null {
  const row = read(store, () =>
    statement(store, 'SELECT id, forge, full_name, default_branch, web_url FROM repositories WHERE id = ?').get(repoId) as
      | { id: string; forge: Repository['forge']; full_name: string; default_branch: string | null; web_url: string | null }
      | undefined,
  );
  return row
    ? { id: row.id, forge: row.forge, fullName: row.full_name, defaultBranch: row.default_branch, webUrl: row.web_url }
    : null;
}

/** Who a repository is on its forge: the forge's own id and the API it was read from. */
export interface ForgeIdentity {
  /** GitHub's repository id or GitLab's project id: it stays through renames, moves and transfers. */
  forgeId: number;
  /** The API base URL as configured (trailing slashes removed), so equal ids on two hosts differ. */
  apiBaseUrl: string;
}

/** Records a stored repository's forge identity (the row must exist). */
export function setForgeIdentity(store: Store, repoId: RepoId, identity: ForgeIdentity): void {
  transaction(store, () => {
    statement(store, 'UPDATE repositories SET forge_id = ?, api_base_url = ? WHERE id = ?').run(
      identity.forgeId,
      normalizeBaseUrl(identity.apiBaseUrl),
      repoId,
    );
  });
}

/** A stored repository's forge identity, or null (none recorded yet, or no such repository). */
export function getForgeIdentity(store: Store, repoId: RepoId): ForgeIdentity | null {
  const row = read(store, () =>
    statement(store, 'SELECT forge_id, api_base_url FROM repositories WHERE id = ?').get(repoId) as
      | { forge_id: number | null; api_base_url: string | null }
      | undefined,
  );
  return row && row.forge_id !== null && row.api_base_url !== null ? { forgeId: row.forge_id, apiBaseUrl: row.api_base_url } : null;
}

/** The stored repository with this forge identity, or null (one harvested before v3 has none). */
export function findRepositoryByForgeId(store: Store, forge: Repository['forge'], identity: ForgeIdentity): RepoId | null {
  const id = read(store, () =>
    statement(store, 'SELECT id FROM repositories WHERE forge = ? AND forge_id = ? AND api_base_url = ? ORDER BY id LIMIT 1')
      .pluck()
      .get(forge, identity.forgeId, normalizeBaseUrl(identity.apiBaseUrl)) as string | undefined,
  );
  return id ?? null;
}

/** An API base URL as the store keeps it: without trailing slashes. */
export function normalizeBaseUrl(url: string): string {
  return url.replace(/\/+$/, '');
}

/** Rows `moveRepository` carried over to the new id, per table. */
export type MovedRows = Record<(typeof MOVED_TABLES)[number], number>;

const MOVED_TABLES = ['commits', 'pull_requests', 'deployments', 'incidents', 'sync_state'] as const;

/**
 * Moves everything stored under repository `from` to `to`, in one transaction: the
 * repository row, its commits, pull requests (with their commits), deployments (with their
 * statuses), incidents and sync state. Fact ids start with the repository id (SPEC §4:
 * `gitlab:acme/payments:pr:7`), so they are rewritten too, and the next sync upserts onto
 * them instead of writing a second copy. Where `to` already holds the same fact, `to`'s copy
 * is kept and `from`'s is dropped: it is the newer one.
 */
export function moveRepository(store: Store, from: RepoId, to: RepoId): MovedRows {
  if (from === to) throw new StoreError(`cannot move repository ${from} onto itself`);
  // `substr(id, length(from) + 1)` is the rest of an id after its repository prefix; ids that
  // do not start with the prefix (none are written so, but a foreign import could) keep it.
  const rekey = (column: string) => `CASE WHEN substr(${column}, 1, length(:from)) = :from THEN :to || substr(${column}, length(:from) + 1) ELSE ${column} END`;
  const moved = {} as MovedRows;
  transaction(store, () => {
    // Children are re-keyed before their parents; the foreign keys hold again at commit.
    store.db.pragma('defer_foreign_keys = ON');
    const params = { from, to };
    const run = (sql: string) => statement(store, sql).run(params).changes;

    run(`UPDATE OR IGNORE repositories SET id = :to WHERE id = :from`);
    run(`DELETE FROM repositories WHERE id = :from`);

    moved.commits = run(`UPDATE OR IGNORE commits SET repo_id = :to WHERE repo_id = :from`);
    run(`DELETE FROM commits WHERE repo_id = :from`);

    run(`UPDATE OR IGNORE pull_request_commits SET pr_id = ${rekey('pr_id')}
         WHERE pr_id IN (SELECT id FROM pull_requests WHERE repo_id = :from)`);
    moved.pull_requests = run(`UPDATE OR IGNORE pull_requests SET id = ${rekey('id')}, repo_id = :to WHERE repo_id = :from`);
    // What is left under `from` lost to a copy under `to`; its commit rows go with it (cascade).
    run(`DELETE FROM pull_requests WHERE repo_id = :from`);

    run(`UPDATE OR IGNORE deployment_statuses SET deployment_id = ${rekey('deployment_id')}
         WHERE deployment_id IN (SELECT id FROM deployments WHERE repo_id = :from)`);
    moved.deployments = run(`UPDATE OR IGNORE deployments SET id = ${rekey('id')}, repo_id = :to WHERE repo_id = :from`);
    run(`DELETE FROM deployments WHERE repo_id = :from`);

    moved.incidents = run(`UPDATE OR IGNORE incidents SET id = ${rekey('id')}, repo_id = :to WHERE repo_id = :from`);
    run(`DELETE FROM incidents WHERE repo_id = :from`);

    moved.sync_state = run(`UPDATE OR IGNORE sync_state SET source = :to WHERE source = :from`);
    run(`DELETE FROM sync_state WHERE source = :from`);
  });
  return moved;
}
