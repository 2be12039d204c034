import type { Commit } from '../domain/types.js';
import { read, statement, transaction, type Store } from './db.js';

// A commit never changes; a later, thinner record of it (a compare API entry without
// parents or dates) must not erase what an earlier one stored.
const UPSERT = `
  INSERT INTO commits (repo_id, sha, authored_at, committed_at, author, parents)
  VALUES (?, ?, ?, ?, ?, ?)
  ON CONFLICT (repo_id, sha) DO UPDATE SET
    authored_at = COALESCE(excluded.authored_at, commits.authored_at),
    committed_at = COALESCE(excluded.committed_at, commits.committed_at),
    author = COALESCE(excluded.author, commits.author),
    parents = CASE WHEN excluded.parents = '' THEN commits.parents ELSE excluded.parents END`;

/** Inserts or updates commits, idempotently, in one transaction. */
export function upsertCommits(store: Store, commits: readonly Commit[]): void {
  if (commits.length === 0) return;
  const upsert = statement(store, UPSERT);
  transaction(store, () => {
    for (const commit of commits) {
      upsert.run(
        commit.repoId,
        commit.sha,
        commit.authoredAt,
        commit.committedAt,
        commit.author,
        commit.parents.join(' '),
      );
    }
  });
}

/** Of `shas`, those stored as commits of `repoId` (one query). */
export function storedShas(store: Store, repoId: string, shas: Iterable<string>): Set<string> {
  const list = [...new Set(shas)];
  if (list.length === 0) return new Set();
  const sql = 'SELECT sha FROM commits WHERE repo_id = ? AND sha IN (SELECT value FROM json_each(?))';
  return new Set(read(store, () => statement(store, sql).pluck(true).all(repoId, JSON.stringify(list)) as string[]));
}

/** Whether a stored commit of `repoId` is `sha` or starts with it (an abbreviated sha). */
export function hasCommitWithPrefix(store: Store, repoId: string, sha: string): boolean {
  const sql = "SELECT 1 FROM commits WHERE repo_id = ? AND sha >= ? AND sha < ? || 'g' LIMIT 1";
  return read(store, () => statement(store, sql).get(repoId, sha, sha) !== undefined);
}

/**
 * The deployed shas of `repoId` (any status, any environment) that no stored commit matches,
 * newest deployment first. A deployment recorded with an abbreviated sha is matched by prefix,
 * as the report resolves it (the range keeps the lookup on the primary key).
 */
export function missingDeployedShas(store: Store, repoId: string): string[] {
  const sql = `
    SELECT lower(d.sha) AS sha
    FROM deployments d
    WHERE d.repo_id = ?
      AND NOT EXISTS (
        SELECT 1 FROM commits c
        WHERE c.repo_id = d.repo_id AND c.sha >= lower(d.sha) AND c.sha < lower(d.sha) || 'g')
    GROUP BY lower(d.sha)
    ORDER BY MAX(COALESCE(d.finished_at, d.created_at)) DESC, sha`;
  return read(store, () => statement(store, sql).pluck(true).all(repoId) as string[]);
}

/** The committed time of the oldest stored commit of `repoId`: where an incremental history search ends. */
export function oldestCommitTime(store: Store, repoId: string): number | null {
  const sql = 'SELECT MIN(committed_at) FROM commits WHERE repo_id = ?';
  return read(store, () => statement(store, sql).pluck(true).get(repoId) as number | null);
}
