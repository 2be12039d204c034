import type { PullRequestCommit } from '../../domain/types.js';
import { upsertPullRequests, type StoredPullRequest } from '../../store/index.js';
import { traverseResource } from '../newest-first.js';
import type { GitHubHarvestContext } from './context.js';
import { pullRequestCommits, pullRequestFromNode } from './convert.js';
import { PULL_REQUEST_COMMITS_QUERY } from './queries/pull-request-commits.js';
import { PULL_REQUESTS_QUERY } from './queries/pull-requests.js';
import { parseGraphqlData, pullRequestCommitsPayload, pullRequestsPayload, type PullRequestNode } from './schemas.js';

const RESOURCE = 'pull_requests';

/**
 * Harvests the repository's pull requests in every state (merged ones for lead time, open
 * and closed ones for `undeployed` and revert detection), 100 a request, most recently
 * updated first, down to the stored mark (SPEC §7). A PR with more than 100 commits costs
 * one more request per further 100. Returns the number of PRs new or changed.
 */
export async function harvestPullRequests(ctx: GitHubHarvestContext): Promise<number> {
  return traverseResource<StoredPullRequest>(ctx, RESOURCE, {
    fetchPage: async (cursor) => {
      const data = await ctx.client.graphql<unknown>('PullRequests', PULL_REQUESTS_QUERY, {
        owner: ctx.owner,
        name: ctx.name,
        after: cursor,
      });
      const connection = parseGraphqlData('PullRequests', pullRequestsPayload, data).repository.pullRequests;
      const pullRequests: StoredPullRequest[] = [];
      for (const node of connection.nodes) {
        const commits = await allCommits(ctx, node);
        noteTruncations(ctx, node, commits.length);
        pullRequests.push(pullRequestFromNode(ctx.repoId, node, commits));
      }
      return { items: pullRequests, nextCursor: connection.pageInfo.hasNextPage ? connection.pageInfo.endCursor : null };
    },
    markOf: (pr) => pr.updatedAt!,
    write: (pullRequests) => upsertPullRequests(ctx.store, pullRequests),
  });
}

/**
 * Every commit of a PR (SPEC §5.4 needs the earliest authored time of all of them): the
 * first 100 came with the PR; the rest are read 100 a request, only for PRs that have more.
 */
async function allCommits(ctx: GitHubHarvestContext, node: PullRequestNode): Promise<PullRequestCommit[]> {
  const commits = pullRequestCommits(node.commits.nodes);
  let { hasNextPage, endCursor } = node.commits.pageInfo;
  while (hasNextPage) {
    const data = await ctx.client.graphql<unknown>('PullRequestCommits', PULL_REQUEST_COMMITS_QUERY, {
      owner: ctx.owner,
      name: ctx.name,
      number: node.number,
      after: endCursor,
    });
    const pullRequest = parseGraphqlData('PullRequestCommits', pullRequestCommitsPayload, data).repository.pullRequest;
    if (pullRequest === null) break;
    commits.push(...pullRequestCommits(pullRequest.commits.nodes));
    ({ hasNextPage, endCursor } = pullRequest.commits.pageInfo);
  }
  return commits;
}

/** Data notes for what a PR's connections left out (SPEC §6: every warning is named). */
function noteTruncations(ctx: GitHubHarvestContext, node: PullRequestNode, commitsRead: number): void {
  if (commitsRead < node.commits.totalCount) {
    // GitHub lists at most 250 commits of a pull request.
    ctx.warn(
      `${ctx.repoId} PR #${node.number}: GitHub listed ${commitsRead} of its ${node.commits.totalCount} commits; its first commit time is the earliest of those`,
    );
  }
  if (node.reviews !== null && node.reviews.totalCount > node.reviews.nodes.length) {
    const authorLogin = node.author?.login ?? null;
    const foundOther = node.reviews.nodes.some((review) => review.submittedAt !== null && review.author?.login !== authorLogin);
    if (!foundOther) {
      ctx.warn(`${ctx.repoId} PR #${node.number}: none of its first ${node.reviews.nodes.length} reviews is by another user; it has no first review time`);
    }
  }
  if (node.labels !== null && node.labels.totalCount > node.labels.nodes.length) {
    ctx.warn(`${ctx.repoId} PR #${node.number}: only its first ${node.labels.nodes.length} of ${node.labels.totalCount} labels are stored`);
  }
}
