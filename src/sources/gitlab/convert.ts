import { deploymentId, incidentId, pullRequestId } from '../../domain/ids.js';
import type { Incident, PullRequestCommit, PullRequestState, RepoId } from '../../domain/types.js';
import type { StoredDeployment, StoredPullRequest } from '../../store/index.js';
import type { DeploymentItem, GitLabUser, IssueItem, MergeRequestCommitItem, MergeRequestItem, NoteItem } from './schemas.js';

/**
 * Pure conversions from validated GitLab payloads to the domain rows of SPEC §4: no network,
 * no store, no clock. The harvesters fetch; these decide what a fact is.
 */

const GITLAB_BOT_USER = /^(project|group)_\d+_bot/i;

/**
 * Whether a GitLab user is a bot (SPEC §5 **Bots**): GitLab says so (`bot: true`, in the
 * entities that carry it), or the username is one of GitLab's project or group bot users
 * (`project_<id>_bot…`, `group_<id>_bot…`, the users behind access tokens).
 */
export function isGitLabBot(user: GitLabUser): boolean {
  return user.bot === true || GITLAB_BOT_USER.test(user.username);
}

/** GitLab's `opened`/`locked` (mid-merge), `closed`, `merged` as our states. */
export function mergeRequestState(state: MergeRequestItem['state']): PullRequestState {
  if (state === 'merged') return 'merged';
  return state === 'closed' ? 'closed' : 'open';
}

export function mergeRequestCommits(items: readonly MergeRequestCommitItem[]): PullRequestCommit[] {
  return items.map((item) => ({ sha: item.id, authoredAt: item.authored_date }));
}

// The system notes that are a reviewer's verdict. GitLab writes "approved this merge request"
// (capitalised before 13.x) when someone approves, and "requested changes" (17.x) for a
// review that asks for changes; "unapproved this merge request" is not a review.
const REVIEW_SYSTEM_NOTE = /^(approved this merge request|requested changes)\b/i;

/**
 * The first review of a merge request in one page of its notes (SPEC §5.5: "the first
 * non-system note or approval by another user"), or null when the page has none:
 * - a note by the MR's author never counts, nor one by a GitLab bot user (a CI or
 *   automation comment is not somebody reviewing);
 * - a system note counts only when it records an approval (or a request for changes): the
 *   approvals endpoint lists approvers without a time, so the system note GitLab writes at
 *   the moment of approval is the approval's time.
 */
export function firstReviewIn(author: GitLabUser, notes: readonly NoteItem[]): number | null {
  let first: number | null = null;
  for (const note of notes) {
    if (note.author.id === author.id || isGitLabBot(note.author)) continue;
    if (note.system && !REVIEW_SYSTEM_NOTE.test(note.body.trim())) continue;
    if (first === null || note.created_at < first) first = note.created_at;
  }
  return first;
}

/** What a merge request row needs beyond its list item: read separately, per MR. */
export interface MergeRequestDetails {
  commits: PullRequestCommit[];
  firstReviewAt: number | null;
}

/**
 * A merge request as a pull-request row (SPEC §4). The merged commit is decided by the
 * engine from the three shas stored here (SPEC §5.2): the merge commit, else the squash
 * commit (fast-forward with squash), else the head (fast-forward without squash). An MR
 * GitLab reports merged without a `merged_at` (merged before GitLab recorded the time) is
 * taken as merged at its `updated_at`.
 */
export function mergeRequestRow(repoId: RepoId, item: MergeRequestItem, details: MergeRequestDetails): StoredPullRequest {
  const merged = item.state === 'merged';
  let earliest: number | null = null;
  for (const commit of details.commits) {
    if (commit.authoredAt !== null && (earliest === null || commit.authoredAt < earliest)) earliest = commit.authoredAt;
  }
  return {
    id: pullRequestId(repoId, item.iid),
    repoId,
    number: item.iid,
    title: item.title,
    body: item.description ?? '',
    author: item.author.username,
    isBot: isGitLabBot(item.author),
    labels: labelNames(item.labels),
    createdAt: item.created_at,
    updatedAt: item.updated_at,
    closedAt: item.closed_at ?? null,
    firstCommitAt: earliest,
    firstReviewAt: details.firstReviewAt,
    mergedAt: merged ? (item.merged_at ?? item.updated_at) : null,
    mergeCommitSha: merged ? (item.merge_commit_sha ?? null) : null,
    squashCommitSha: merged ? (item.squash_commit_sha ?? null) : null,
    headSha: item.sha,
    baseBranch: item.target_branch,
    state: mergeRequestState(item.state),
    isDraft: item.draft ?? item.work_in_progress ?? false,
    url: item.web_url,
    commits: [...details.commits],
  };
}

/**
 * A deployment row (source `deployments`). SPEC §5.1: GitLab's status is stored as GitLab
 * reports it (only `success` counts), and its `finished_at` is its job's, else its
 * `updated_at` (a deployment created through the API has no job). `tier` comes from the
 * environments list, as the deployments list does not carry it.
 */
export function deploymentRow(repoId: RepoId, item: DeploymentItem, tier: string | null): StoredDeployment {
  return {
    id: deploymentId(repoId, item.id),
    repoId,
    environment: item.environment.name,
    tier,
    sha: item.sha,
    ref: item.ref,
    source: 'deployments',
    status: item.status,
    createdAt: item.created_at,
    finishedAt: item.deployable?.finished_at ?? item.updated_at,
    statuses: [],
    url: item.deployable?.web_url ?? null,
  };
}

const SEVERITY_LABEL = /^(?:severity|sev)\s*::\s*(.+)$/i;

/**
 * An incident's severity: GitLab's own `severity` field (lower-cased; `UNKNOWN`, the
 * default every incident starts with, is no severity), else a scoped `severity::X` label.
 */
export function incidentSeverity(item: IssueItem): string | null {
  const field = item.severity?.trim().toLowerCase();
  if (field && field !== 'unknown') return field;
  for (const label of labelNames(item.labels)) {
    const match = SEVERITY_LABEL.exec(label.trim());
    if (match) return match[1]!.trim();
  }
  return null;
}

/**
 * An incident from an issue of type incident (SPEC §5.7): opened at `created_at`, resolved
 * when closed (null while open; a closed one without `closed_at` is taken as resolved at
 * its `updated_at`). The `issue:` key prefix keeps forge issue numbers apart from the ids
 * users give to `record incident` and `import incidents`.
 */
export function incidentRow(repoId: RepoId, item: IssueItem): Incident {
  return {
    id: incidentId(repoId, `issue:${item.iid}`),
    repoId,
    title: item.title,
    body: item.description ?? '',
    source: 'incidents',
    createdAt: item.created_at,
    resolvedAt: item.state === 'closed' ? (item.closed_at ?? item.updated_at) : null,
    severity: incidentSeverity(item),
    url: item.web_url,
  };
}

function labelNames(items: MergeRequestItem['labels']): string[] {
  return items.map((label) => (typeof label === 'string' ? label : label.name));
}

/**
 * The `updated_after` a list request sends (ISO 8601), or null to send none. An incremental
 * sync asks from its stored mark minus `slackMs` (GitLab can stamp `updated_at` slightly
 * before a change becomes visible, e.g. just before `merged_at`; what is read twice is
 * recognised or rewritten identically); a first harvest from `--since`. The value depends
 * only on the stored mark, which does not move until a traversal completes, so a resumed
 * traversal asks for the same list it was interrupted in.
 */
export function updatedAfter(storedMark: string | null, since: number | null, slackMs: number): string | null {
  if (storedMark !== null) return new Date(Date.parse(storedMark) - slackMs).toISOString();
  return since === null ? null : new Date(since).toISOString();
}
