import type { Commit } from '../domain/types.js';
import { statement, transaction, type Store } from './db.js';

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
