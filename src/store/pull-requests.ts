import type { PullRequest } from '../domain/types.js';
import { statement, transaction, type Store } from './db.js';

/**
 * A pull request as a harvester writes it: the domain fact plus the forge's `updated_at` and
 * `closed_at`, which incremental syncs order by (SPEC §7) but no metric reads. Leaving them
 * `undefined` keeps what the store already has.
 */
export type StoredPullRequest = PullRequest & {
  updatedAt?: number | null;
  closedAt?: number | null;
};

const UPSERT = `
  INSERT INTO pull_requests (
    id, repo_id, number, title, body, author, is_bot, labels, created_at, updated_at, closed_at,
    first_commit_at, first_review_at, merged_at, merge_commit_sha, squash_commit_sha, head_sha,
    base_branch, state, is_draft, url
  ) VALUES (
    @id, @repoId, @number, @title, @body, @author, @isBot, @labels, @createdAt, @updatedAt, @closedAt,
    @firstCommitAt, @firstReviewAt, @mergedAt, @mergeCommitSha, @squashCommitSha, @headSha,
    @baseBranch, @state, @isDraft, @url
  )
  ON CONFLICT (id) DO UPDATE SET
    repo_id = excluded.repo_id,
    number = excluded.number,
    title = excluded.title,
    body = excluded.body,
    author = excluded.author,
    is_bot = excluded.is_bot,
    labels = excluded.labels,
    created_at = excluded.created_at,
    updated_at = CASE WHEN @updatedAtKnown THEN excluded.updated_at ELSE pull_requests.updated_at END,
    closed_at = CASE WHEN @closedAtKnown THEN excluded.closed_at ELSE pull_requests.closed_at END,
    first_commit_at = excluded.first_commit_at,
    first_review_at = excluded.first_review_at,
    merged_at = excluded.merged_at,
    merge_commit_sha = excluded.merge_commit_sha,
    squash_commit_sha = excluded.squash_commit_sha,
    head_sha = excluded.head_sha,
    base_branch = excluded.base_branch,
    state = excluded.state,
    is_draft = excluded.is_draft,
    url = excluded.url`;

const DELETE_COMMITS = 'DELETE FROM pull_request_commits WHERE pr_id = ?';
// A forge may list a commit twice (a rebase that kept it); the first position wins.
const INSERT_COMMIT = `
  INSERT INTO pull_request_commits (pr_id, sha, authored_at, position) VALUES (?, ?, ?, ?)
  ON CONFLICT (pr_id, sha) DO NOTHING`;

/**
 * Inserts or updates pull requests in one transaction, replacing each one's commit list with
 * the one given (the forge's list is the truth: a force-push drops commits).
 */
export function upsertPullRequests(store: Store, pullRequests: readonly StoredPullRequest[]): void {
  if (pullRequests.length === 0) return;
  const upsert = statement(store, UPSERT);
  const deleteCommits = statement(store, DELETE_COMMITS);
  const insertCommit = statement(store, INSERT_COMMIT);
  transaction(store, () => {
    for (const pr of pullRequests) {
      upsert.run({
        id: pr.id,
        repoId: pr.repoId,
        number: pr.number,
        title: pr.title,
        body: pr.body,
        author: pr.author,
        isBot: pr.isBot ? 1 : 0,
        labels: JSON.stringify(pr.labels),
        createdAt: pr.createdAt,
        updatedAt: pr.updatedAt ?? null,
        updatedAtKnown: pr.updatedAt === undefined ? 0 : 1,
        closedAt: pr.closedAt ?? null,
        closedAtKnown: pr.closedAt === undefined ? 0 : 1,
        firstCommitAt: pr.firstCommitAt,
        firstReviewAt: pr.firstReviewAt,
        mergedAt: pr.mergedAt,
        mergeCommitSha: pr.mergeCommitSha,
        squashCommitSha: pr.squashCommitSha,
        headSha: pr.headSha,
        baseBranch: pr.baseBranch,
        state: pr.state,
        isDraft: pr.isDraft ? 1 : 0,
        url: pr.url,
      });
      deleteCommits.run(pr.id);
      pr.commits.forEach((commit, position) => {
        insertCommit.run(pr.id, commit.sha, commit.authoredAt, position);
      });
    }
  });
}
