import { z } from 'zod';
import { parsePayload } from '../parse.js';

/**
 * The GitHub payloads the pull-request, deployment and incident harvesters read (SPEC §7:
 * every payload is validated at the edge, only the fields we use). Times become epoch
 * milliseconds here, so nothing past this file sees a date string.
 */

/** An ISO 8601 instant as GitHub sends it (`2026-03-01T09:30:00Z`), as epoch ms. */
const instant = z.iso.datetime({ offset: true }).transform((text) => Date.parse(text));

const pageInfo = z.object({
  hasNextPage: z.boolean(),
  endCursor: z.string().nullable(),
});

const pullRequestCommitNode = z.object({
  commit: z.object({
    oid: z.string().min(1),
    authoredDate: instant,
  }),
});

const pullRequestNode = z.object({
  number: z.number().int(),
  title: z.string(),
  body: z.string(),
  url: z.string(),
  isDraft: z.boolean(),
  state: z.enum(['OPEN', 'CLOSED', 'MERGED']),
  createdAt: instant,
  updatedAt: instant,
  mergedAt: instant.nullable(),
  closedAt: instant.nullable(),
  baseRefName: z.string(),
  headRefOid: z.string(),
  // A deleted account ("ghost") leaves the author null.
  author: z.object({ __typename: z.string(), login: z.string() }).nullable(),
  mergeCommit: z.object({ oid: z.string() }).nullable(),
  labels: z
    .object({
      totalCount: z.number().int(),
      nodes: z.array(z.object({ name: z.string() })),
    })
    .nullable(),
  commits: z.object({
    totalCount: z.number().int(),
    pageInfo,
    nodes: z.array(pullRequestCommitNode),
  }),
  reviews: z
    .object({
      totalCount: z.number().int(),
      nodes: z.array(
        z.object({
          author: z.object({ login: z.string() }).nullable(),
          // Null for a pending (not yet submitted) review.
          submittedAt: instant.nullable(),
        }),
      ),
    })
    .nullable(),
});

export const pullRequestsPayload = z.object({
  repository: z.object({
    pullRequests: z.object({
      pageInfo,
      nodes: z.array(pullRequestNode),
    }),
  }),
});

export const pullRequestCommitsPayload = z.object({
  repository: z.object({
    pullRequest: z
      .object({
        commits: z.object({ pageInfo, nodes: z.array(pullRequestCommitNode) }),
      })
      .nullable(),
  }),
});

const deploymentNode = z.object({
  databaseId: z.number().int().nullable(),
  commitOid: z.string().min(1),
  environment: z.string().nullable(),
  createdAt: instant,
  updatedAt: instant,
  state: z.string().nullable(),
  ref: z.object({ name: z.string() }).nullable(),
  statuses: z
    .object({
      totalCount: z.number().int(),
      nodes: z.array(z.object({ state: z.string(), createdAt: instant })),
    })
    .nullable(),
});

export const deploymentsPayload = z.object({
  repository: z.object({
    deployments: z.object({
      pageInfo,
      nodes: z.array(deploymentNode),
    }),
  }),
});

/** `GET /repos/{owner}/{repo}/issues`: an array of issues, pull requests among them. */
export const issuesPayload = z.array(
  z.object({
    number: z.number().int(),
    title: z.string(),
    body: z.string().nullable().optional(),
    html_url: z.string(),
    state: z.enum(['open', 'closed']),
    created_at: instant,
    updated_at: instant,
    closed_at: instant.nullable(),
    // Labels come as objects; the API also documents plain strings.
    labels: z.array(z.union([z.string(), z.object({ name: z.string() })])),
    // Present (an object) exactly when the item is a pull request.
    pull_request: z.unknown().optional(),
  }),
);

export type PullRequestNode = z.infer<typeof pullRequestNode>;
export type PullRequestCommitNode = z.infer<typeof pullRequestCommitNode>;
export type DeploymentNode = z.infer<typeof deploymentNode>;
export type IssueItem = z.infer<typeof issuesPayload>[number];

/**
 * Validates a GraphQL `data` object. The path is reported from `data`, as GitHub's response
 * body has it (`data.repository.pullRequests.nodes[3].mergedAt`).
 */
export function parseGraphqlData<T extends z.ZodType>(queryName: string, schema: T, data: unknown): z.infer<T> {
  const parsed = parsePayload(`GitHub GraphQL ${queryName}`, z.object({ data: schema }), { data }) as { data: z.infer<T> };
  return parsed.data;
}
