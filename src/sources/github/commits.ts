import { ForgeError } from '../../util/errors.js';
import { isoUtc } from '../../util/time.js';
import { fillDeployedShas as fillFromCompare, traverseDefaultBranchHistory, type HistoryPage } from '../commit-graph.js';
import { parsePayload } from '../parse.js';
import { forgeError } from './client.js';
import { commitFromHistory, commitFromRest } from './commit-convert.js';
import { DEFAULT_BRANCH_HISTORY_QUERY } from './commit-queries.js';
import { compareResponse, historyResponse } from './commit-schemas.js';
import type { GitHubHarvestContext } from './context.js';

/**
 * GitHub's side of the commit graph (`../commit-graph.ts`): the default branch's history
 * through GraphQL (100 commits with their parents a request), and, for a deployed sha outside
 * it (a hotfix or release branch), the compare API from the stored tip to that sha.
 */

const PAGE_SIZE = 100;

/** Harvests the default branch's history; returns the number of new commits. */
export function harvestDefaultBranchHistory(ctx: GitHubHarvestContext): Promise<number> {
  const endpoint = 'GitHub GraphQL DefaultBranchHistory';
  return traverseDefaultBranchHistory(ctx, async ({ cursor, since }): Promise<HistoryPage | null> => {
    const data = await ctx.client.graphql<unknown>('DefaultBranchHistory', DEFAULT_BRANCH_HISTORY_QUERY, {
      owner: ctx.owner,
      name: ctx.name,
      qualifiedName: `refs/heads/${ctx.defaultBranch}`,
      after: cursor,
      since: since === null ? null : isoUtc(since),
    });
    const payload = parsePayload(endpoint, historyResponse, data);
    if (payload.repository === null) {
      throw new ForgeError(endpoint, undefined, `repository ${ctx.owner}/${ctx.name} not found`);
    }
    // An empty repository has no default branch yet.
    const history = payload.repository.ref?.target.history;
    if (!history) return null;
    const { hasNextPage, endCursor } = history.pageInfo;
    return { listed: history.nodes.map((node) => commitFromHistory(ctx.repoId, node)), next: hasNextPage && endCursor ? endCursor : null };
  });
}

/**
 * Fills in deployed shas outside the stored history with `GET /repos/{owner}/{repo}/compare`
 * (SPEC §5.2: "on GitHub the commits between two deployments come from the compare API"),
 * 100 commits a page; returns the number of new commits. The compare lists the commits on the
 * sha's side with their parents, in order, and the merge base: exactly the part of the graph
 * between the stored history and the deployment. A sha GitHub does not know (404, or 422 when
 * it shares no history with the base) is a data note.
 */
export function fillDeployedShas(ctx: GitHubHarvestContext): Promise<number> {
  return fillFromCompare(ctx, {
    forge: 'GitHub',
    compare: async (base, sha, page) => {
      const comparison = await compare(ctx, base, sha, page);
      if (comparison === null) return null;
      // The merge base comes with every page; its parents matter when the stored history stops
      // above it (`--since`), and when the sha is itself an ancestor of the tip it *is* the sha.
      const listed = page === 1 ? [...comparison.commits, comparison.merge_base_commit] : comparison.commits;
      return {
        commits: listed.map((commit) => commitFromRest(ctx.repoId, commit)),
        pages: Math.ceil(comparison.total_commits / PAGE_SIZE),
      };
    },
  });
}

type Comparison = ReturnType<typeof compareResponse.parse>;

/** One page of `GET /repos/{owner}/{repo}/compare/{base}...{head}`, or null when GitHub cannot find the head. */
async function compare(ctx: GitHubHarvestContext, base: string, head: string, page: number): Promise<Comparison | null> {
  const endpoint = `GET /repos/${ctx.owner}/${ctx.name}/compare/${base}...${head}`;
  let data: unknown;
  try {
    const response = await ctx.client.octokit.request('GET /repos/{owner}/{repo}/compare/{basehead}', {
      owner: ctx.owner,
      repo: ctx.name,
      basehead: `${base}...${head}`,
      per_page: PAGE_SIZE,
      page,
    });
    data = response.data;
  } catch (error) {
    const status = (error as { status?: unknown }).status;
    // 404: no such commit (force-pushed away, or from a fork); 422: no common history.
    if (status === 404 || status === 422) return null;
    throw forgeError(endpoint, error);
  }
  return parsePayload(endpoint, compareResponse, data);
}
