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
