import { z } from 'zod';

/**
 * zod schemas for the GitHub payloads the commit-graph and deployment-source harvesters read
 * (SPEC §7: every payload is validated at the boundary). Each lists only the fields we use,
 * so GitHub adding a field changes nothing, and one of ours changing shape fails here with
 * the endpoint and the field path instead of as `undefined` three layers later.
 */

/** An ISO 8601 time, as epoch milliseconds. */
const instant = z
  .string()
  .refine((text) => !Number.isNaN(Date.parse(text)), { message: 'not an ISO 8601 time' })
  .transform((text) => Date.parse(text));

const pageInfo = z.object({ hasNextPage: z.boolean(), endCursor: z.string().nullable() });

// GraphQL: the default branch's history (DEFAULT_BRANCH_HISTORY_QUERY).

const historyNode = z.object({
  oid: z.string().min(1),
  authoredDate: instant,
  committedDate: instant,
  author: z
    .object({ name: z.string().nullable(), user: z.object({ login: z.string() }).nullable() })
    .nullable(),
  parents: z.object({ nodes: z.array(z.object({ oid: z.string().min(1) })) }),
});
export type HistoryNode = z.output<typeof historyNode>;

export const historyResponse = z.object({
  repository: z
    .object({
      ref: z
        .object({
          // A ref's target is any git object; only a commit has a history (`... on Commit`).
          target: z.object({
            history: z.object({ pageInfo, nodes: z.array(historyNode) }).optional(),
          }),
        })
        .nullable(),
    })
    .nullable(),
});

// GraphQL: tags with their commits (TAG_REFS_QUERY).

const commitTarget = z.object({ __typename: z.literal('Commit'), oid: z.string().min(1), committedDate: instant });
const otherObject = z.object({ __typename: z.enum(['Tag', 'Tree', 'Blob']) });

const refTarget = z.discriminatedUnion('__typename', [
  commitTarget,
  z.object({
    __typename: z.literal('Tag'),
    tagger: z.object({ date: instant.nullable() }).nullable(),
    // An annotated tag names a commit; a tag of a tag or of a tree names no deployable commit.
    target: z.discriminatedUnion('__typename', [commitTarget, otherObject]),
  }),
  z.object({ __typename: z.enum(['Tree', 'Blob']) }),
]);

const tagRef = z.object({ name: z.string().min(1), target: refTarget });
export type TagRef = z.output<typeof tagRef>;

export const tagRefsResponse = z.object({
  repository: z.object({ refs: z.object({ pageInfo, nodes: z.array(tagRef) }).nullable() }).nullable(),
});

// REST: compare two commits (GET /repos/{owner}/{repo}/compare/{basehead}).

const restCommit = z.object({
  sha: z.string().min(1),
  commit: z.object({
    author: z.object({ name: z.string().nullish(), date: instant.nullish() }).nullable(),
    committer: z.object({ date: instant.nullish() }).nullable(),
  }),
  // A GitHub account, `null`, or `{}` when the email matches no account.
  author: z.object({ login: z.string().optional() }).nullable(),
  parents: z.array(z.object({ sha: z.string().min(1) })),
});
export type RestCommit = z.output<typeof restCommit>;

export const compareResponse = z.object({
  total_commits: z.number().int().nonnegative(),
  merge_base_commit: restCommit,
  commits: z.array(restCommit),
});

// REST: list releases (GET /repos/{owner}/{repo}/releases).

const release = z.object({
  id: z.number().int(),
  tag_name: z.string().min(1),
  draft: z.boolean(),
  created_at: instant,
  published_at: instant.nullable(),
  html_url: z.string(),
});
export type Release = z.output<typeof release>;

export const releasesResponse = z.array(release);

// REST: list workflow runs for a workflow (GET /repos/{owner}/{repo}/actions/workflows/{workflow_id}/runs).

const workflowRun = z.object({
  id: z.number().int(),
  head_sha: z.string().min(1),
  head_branch: z.string().nullable(),
  status: z.string().nullable(),
  conclusion: z.string().nullable(),
  created_at: instant,
  updated_at: instant,
  run_started_at: instant.nullish(),
  html_url: z.string(),
});
export type WorkflowRun = z.output<typeof workflowRun>;

export const workflowRunsResponse = z.object({
  total_count: z.number().int().nonnegative(),
  workflow_runs: z.array(workflowRun),
});
