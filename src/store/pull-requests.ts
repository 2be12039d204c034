import type { PullRequest } from '../domain/types.js';
import type { Store } from './db.js';
import { upsertWithChildren, type ParentWithChildren } from './parent-with-children.js';

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
    url = excluded.url
  WHERE (pull_requests.repo_id, pull_requests.number, pull_requests.title, pull_requests.body, pull_requests.author,
         pull_requests.is_bot, pull_requests.labels, pull_requests.created_at, pull_requests.updated_at,
         pull_requests.closed_at, pull_requests.first_commit_at, pull_requests.first_review_at, pull_requests.merged_at,
         pull_requests.merge_commit_sha, pull_requests.squash_commit_sha, pull_requests.head_sha,
         pull_requests.base_branch, pull_requests.state, pull_requests.is_draft, pull_requests.url)
     IS NOT (excluded.repo_id, excluded.number, excluded.title, excluded.body, excluded.author,
             excluded.is_bot, excluded.labels, excluded.created_at,
             CASE WHEN @updatedAtKnown THEN excluded.updated_at ELSE pull_requests.updated_at END,
             CASE WHEN @closedAtKnown THEN excluded.closed_at ELSE pull_requests.closed_at END,
             excluded.first_commit_at, excluded.first_review_at, excluded.merged_at,
             excluded.merge_commit_sha, excluded.squash_commit_sha, excluded.head_sha,
             excluded.base_branch, excluded.state, excluded.is_draft, excluded.url)`;

/**
 * Inserts or updates pull requests in one transaction, replacing each one's commit list with
 * the one given (the forge's list is the truth: a force-push drops commits). Returns how many
 * were new or changed (`upsertWithChildren`).
 */
export function upsertPullRequests(store: Store, pullRequests: readonly StoredPullRequest[]): number {
  return upsertWithChildren(store, pullRequests, PULL_REQUEST_WITH_COMMITS);
}

const PULL_REQUEST_WITH_COMMITS: ParentWithChildren<StoredPullRequest> = {
  upsert: UPSERT,
  id: (pr) => pr.id,
  params: (pr) => ({
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
  }),
  storedChildren: `
    SELECT pr_id AS id, json_group_array(json_array(sha, authored_at) ORDER BY position) AS children
    FROM pull_request_commits
    WHERE pr_id IN (SELECT value FROM json_each(?))
    GROUP BY pr_id`,
  // A forge may list a commit twice (a rebase that kept it); the first place wins.
  children: (pr) => {
    const seen = new Set<string>();
    return pr.commits.filter((commit) => !seen.has(commit.sha) && seen.add(commit.sha)).map((commit) => [commit.sha, commit.authoredAt]);
  },
  deleteChildren: 'DELETE FROM pull_request_commits WHERE pr_id = ?',
  insertChild: 'INSERT INTO pull_request_commits (pr_id, position, sha, authored_at) VALUES (?, ?, ?, ?)',
};
