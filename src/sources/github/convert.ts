import { deploymentId, incidentId, pullRequestId } from '../../domain/ids.js';
import type { DeploymentStatus, Incident, PullRequestCommit, RepoId } from '../../domain/types.js';
import type { StoredDeployment, StoredPullRequest } from '../../store/index.js';
import type { DeploymentNode, IssueItem, PullRequestCommitNode, PullRequestNode } from './schemas.js';

/**
 * Pure conversions from validated GitHub payloads to the domain rows of SPEC §4: no
 * network, no store, no clock. The harvesters fetch, these decide what a fact is.
 */

/**
 * The author as SPEC §5 **Bots** wants it: GraphQL reports a GitHub App as a `Bot` actor
 * whose login lacks the `[bot]` suffix REST shows, so it gets the suffix back.
 */
export function authorOf(author: PullRequestNode['author']): { login: string | null; isBot: boolean } {
  if (author === null) return { login: null, isBot: false };
  if (author.__typename !== 'Bot') return { login: author.login, isBot: false };
  return { login: author.login.endsWith('[bot]') ? author.login : `${author.login}[bot]`, isBot: true };
}

/**
 * The first submitted review by someone other than the author, in any state (SPEC §5.5);
 * pending reviews have no `submittedAt` and do not count.
 */
export function firstReviewAt(authorLogin: string | null, reviews: PullRequestNode['reviews']): number | null {
  let first: number | null = null;
  for (const review of reviews?.nodes ?? []) {
    if (review.submittedAt === null) continue;
    if (authorLogin !== null && review.author?.login === authorLogin) continue;
    if (first === null || review.submittedAt < first) first = review.submittedAt;
  }
  return first;
}

export function pullRequestCommits(nodes: readonly PullRequestCommitNode[]): PullRequestCommit[] {
  return nodes.map((node) => ({ sha: node.commit.oid, authoredAt: node.commit.authoredDate }));
}

/**
 * A pull request row. `commits` is the PR's full commit list (the first page from the node
 * plus any pages read separately). The merged commit is GitHub's `mergeCommit`: the merge
 * commit, the squash commit or the last rebased commit (SPEC §5.2).
 */
export function pullRequestFromNode(repoId: RepoId, node: PullRequestNode, commits: readonly PullRequestCommit[]): StoredPullRequest {
  const author = authorOf(node.author);
  let earliest: number | null = null;
  for (const commit of commits) {
    if (commit.authoredAt !== null && (earliest === null || commit.authoredAt < earliest)) earliest = commit.authoredAt;
  }
  return {
    id: pullRequestId(repoId, node.number),
    repoId,
    number: node.number,
    title: node.title,
    body: node.body,
    author: author.login,
    isBot: author.isBot,
    labels: (node.labels?.nodes ?? []).map((label) => label.name),
    createdAt: node.createdAt,
    updatedAt: node.updatedAt,
    closedAt: node.closedAt,
    firstCommitAt: earliest,
    // Compared with the GraphQL login, which is the one the reviews carry too.
    firstReviewAt: firstReviewAt(node.author?.login ?? null, node.reviews),
    mergedAt: node.mergedAt,
    mergeCommitSha: node.mergedAt === null ? null : (node.mergeCommit?.oid ?? null),
    squashCommitSha: null,
    headSha: node.headRefOid,
    baseBranch: node.baseRefName,
    state: node.mergedAt !== null ? 'merged' : node.state === 'OPEN' ? 'open' : 'closed',
    isDraft: node.isDraft,
    url: node.url,
    commits: [...commits],
  };
}

/**
 * A deployment row (source `deployments`), or null when GitHub left out what its id or
 * environment needs. The history is stored oldest first, states lower-cased; the status is
 * the latest one's state and `finishedAt` its time (SPEC §4); SPEC §5.1 then reads the
 * history (`inactive` after `success` is still a success).
 */
export function deploymentFromNode(repoId: RepoId, node: DeploymentNode): StoredDeployment | null {
  if (node.databaseId === null || node.environment === null) return null;
  // The connection lists oldest first; a stable sort by time keeps that order for ties.
  const statuses: DeploymentStatus[] = (node.statuses?.nodes ?? [])
    .map((status) => ({ state: status.state.toLowerCase(), at: status.createdAt }))
    .sort((a, b) => a.at - b.at);
  const latest = statuses.at(-1);
  return {
    id: deploymentId(repoId, node.databaseId),
    repoId,
    environment: node.environment,
    tier: null,
    sha: node.commitOid,
    // A deleted branch leaves `ref` null: keep what an earlier sync stored.
    ref: node.ref?.name ?? undefined,
    source: 'deployments',
    status: latest?.state ?? (node.state ?? 'pending').toLowerCase(),
    createdAt: node.createdAt,
    finishedAt: latest?.at ?? null,
    statuses,
    url: null,
  };
}

const SEVERITY_PREFIXED = /^(?:severity|sev)\s*[:/=]\s*(.+)$/i;
const SEV_LEVEL = /^sev\s*[-_ ]?\s*\d+$/i;

/**
 * The severity an incident's labels carry: `severity:high` (or `severity/high`, `sev: 2`)
 * gives `high`; a `SEV2`/`sev-1` label is the level itself. The first such label wins.
 */
export function severityOf(labels: readonly string[]): string | null {
  for (const label of labels) {
    const prefixed = SEVERITY_PREFIXED.exec(label.trim());
    if (prefixed) return prefixed[1]!.trim();
    if (SEV_LEVEL.test(label.trim())) return label.trim();
  }
  return null;
}

export function issueLabels(issue: IssueItem): string[] {
  return issue.labels.map((label) => (typeof label === 'string' ? label : label.name));
}

/** Whether an item of the issues list is a pull request (the endpoint returns both). */
export function isPullRequestItem(issue: IssueItem): boolean {
  return issue.pull_request !== undefined;
}

/**
 * An incident from a labelled issue (SPEC §5.7): opened at `created_at`, resolved at
 * `closed_at` (null while open). The `issue:` key prefix keeps forge issue numbers apart from the ids users
 * give to `record incident` and `import incidents`.
 */
export function incidentFromIssue(repoId: RepoId, issue: IssueItem): Incident {
  return {
    id: incidentId(repoId, `issue:${issue.number}`),
    repoId,
    title: issue.title,
    body: issue.body ?? '',
    source: 'issues',
    createdAt: issue.created_at,
    // A reopened issue is not resolved, whatever `closed_at` still says.
    resolvedAt: issue.state === 'closed' ? issue.closed_at : null,
    severity: severityOf(issueLabels(issue)),
    url: issue.html_url,
  };
}
