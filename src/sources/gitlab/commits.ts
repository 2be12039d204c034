import type { Commit } from '../../domain/types.js';
import { ForgeError } from '../../util/errors.js';
import { isoUtc } from '../../util/time.js';
import { fillDeployedShas as fillFromCompare, traverseDefaultBranchHistory } from '../commit-graph.js';
import { parsePayload } from '../parse.js';
import { commitFromGitLab } from './commit-convert.js';
import { commitSchema, compareResponse } from './commit-schemas.js';
import type { GitLabHarvestContext } from './context.js';
import { listPage } from './schemas.js';

/**
 * GitLab's side of the commit graph (`../commit-graph.ts`): the default branch's history
 * through `GET /projects/:id/repository/commits` (100 commits with their `parent_ids` a
 * request), and, for a deployed sha outside it (a hotfix or release branch),
 * `GET /projects/:id/repository/compare` from the stored tip to that sha.
 */

const PAGE_SIZE = 100;

/** The path every GitLab endpoint of a project starts with, as the client names it in errors. */
export function projectApiPath(ctx: GitLabHarvestContext): string {
  return `/api/v4/projects/${ctx.projectId}`;
}

/**
 * Harvests the default branch's history; returns the number of new commits. The pages after
 * the first are read from the tip sha the traversal started at, not from the branch, so
 * commits pushed in between cannot shift the page numbers (the cursor is the page number).
 */
export function harvestDefaultBranchHistory(ctx: GitLabHarvestContext): Promise<number> {
  const endpoint = `GET ${projectApiPath(ctx)}/repository/commits`;
  return traverseDefaultBranchHistory(ctx, async ({ cursor, tip, since }) => {
    const { items, next } = await listPage(endpoint, commitSchema, () =>
      ctx.client.api.Commits.all(ctx.projectId, {
        refName: tip ?? ctx.defaultBranch,
        perPage: PAGE_SIZE,
        page: cursor === null ? 1 : Number(cursor),
        maxPages: 1,
        showExpanded: true,
        ...(since === null ? {} : { since: isoUtc(since) }),
      }),
    );
    // An empty first page: the repository has no history yet.
    if (items.length === 0 && tip === null) return null;
    return { listed: items.map((commit) => commitFromGitLab(ctx.repoId, commit)), next: next === null ? null : String(next) };
  });
}

/**
 * Fills in deployed shas outside the stored history with `GET /repository/compare` (SPEC
 * §5.2: "on GitLab from `repository/compare`"); returns the number of new commits.
 *
 * GitLab's compare is not paginated and lists every commit of `to` that `from` does not reach,
 * each with its `parent_ids`: exactly the part of the graph between the stored history and the
 * deployment, in one request. (Walking `repository/commits?ref_name=<sha>` back to a stored
 * commit would cost a request per 100 commits, and more where merged branches interleave by
 * date; fetching commits one by one, a request each.) When the compare lists nothing of the
 * sha, the sha is an ancestor of the tip below the stored history (`--since`): one
 * `GET /repository/commits/:sha` stores it, so it is not asked for again. A sha GitLab does
 * not know (404) is a data note.
 */
export function fillDeployedShas(ctx: GitLabHarvestContext): Promise<number> {
  return fillFromCompare(ctx, {
    forge: 'GitLab',
    compare: async (base, sha) => {
      const commits = await compare(ctx, base, sha);
      if (commits === null) return null;
      if (commits.some((commit) => commit.sha.startsWith(sha))) return { commits, pages: 1 };
      const single = await showCommit(ctx, sha);
      return single === null ? null : { commits: [...commits, single], pages: 1 };
    },
  });
}

/** The commits of `to` that `from` does not reach, or null when GitLab cannot find `to` (404). */
async function compare(ctx: GitLabHarvestContext, from: string, to: string): Promise<Commit[] | null> {
  const endpoint = `GET ${projectApiPath(ctx)}/repository/compare`;
  let data: unknown;
  try {
    data = (await ctx.client.api.Repositories.compare(ctx.projectId, from, to, { showExpanded: true })).data;
  } catch (error) {
    // 404 "Ref Not Found": force-pushed away, never pushed, or from a fork.
    if (error instanceof ForgeError && error.status === 404) return null;
    throw error;
  }
  return parsePayload(endpoint, compareResponse, data).commits.map((commit) => commitFromGitLab(ctx.repoId, commit));
}

/** One commit with its parents, or null when GitLab does not know it (404). */
async function showCommit(ctx: GitLabHarvestContext, sha: string): Promise<Commit | null> {
  const endpoint = `GET ${projectApiPath(ctx)}/repository/commits/${sha}`;
  let data: unknown;
  try {
    data = (await ctx.client.api.Commits.show(ctx.projectId, sha, { stats: false, showExpanded: true })).data;
  } catch (error) {
    if (error instanceof ForgeError && error.status === 404) return null;
    throw error;
  }
  return commitFromGitLab(ctx.repoId, parsePayload(endpoint, commitSchema, data));
}
