import { z } from 'zod';
import { DorametricsError, ForgeError } from '../../util/errors.js';
import { parsePayload } from '../parse.js';

/**
 * The GitLab REST payloads the merge-request, deployment and incident harvesters read (SPEC
 * §7: every payload is validated at the edge, only the fields we use), shaped as GitLab's
 * API docs document them. Times become epoch milliseconds here, so nothing past this file
 * sees a date string.
 */

/** An ISO 8601 instant as GitLab sends it (`2016-08-11T07:36:40.222Z`, `…T11:50:22+03:00`), as epoch ms. */
const instant = z.iso.datetime({ offset: true }).transform((text) => Date.parse(text));

/**
 * A user as lists embed one (`UserBasic`: id, username, name, state, …). `bot` is only in
 * the full user entity, so it is optional; the username rule covers GitLab's bot users.
 */
const user = z.object({
  id: z.number().int(),
  username: z.string(),
  bot: z.boolean().optional(),
});

/** Labels are names; with `with_labels_details` (which we do not ask for) they are objects. */
const labels = z.array(z.union([z.string(), z.object({ name: z.string() })]));

/** `GET /projects/:id/merge_requests`: one item. */
export const mergeRequestItem = z.object({
  iid: z.number().int(),
  title: z.string(),
  description: z.string().nullable().optional(),
  // `locked` is the short-lived state while a merge is in progress.
  state: z.enum(['opened', 'closed', 'merged', 'locked']),
  created_at: instant,
  updated_at: instant,
  // Null for MRs merged before GitLab recorded merge times (13.x); the harvester notes them.
  merged_at: instant.nullable().optional(),
  closed_at: instant.nullable().optional(),
  target_branch: z.string(),
  author: user,
  labels,
  // `draft` since GitLab 14.0; `work_in_progress` before it (and still sent, deprecated).
  draft: z.boolean().optional(),
  work_in_progress: z.boolean().optional(),
  // The head of the source branch; null only for an MR without a diff.
  sha: z.string().min(1).nullable(),
  merge_commit_sha: z.string().min(1).nullable().optional(),
  squash_commit_sha: z.string().min(1).nullable().optional(),
  web_url: z.string(),
});

/** `GET /projects/:id/merge_requests/:iid/commits`: one item (`Entities::Commit`). */
export const mergeRequestCommitItem = z.object({
  id: z.string().min(1),
  authored_date: instant,
});

/** `GET /projects/:id/merge_requests/:iid/notes`: one item. */
export const noteItem = z.object({
  id: z.number().int(),
  body: z.string(),
  system: z.boolean(),
  author: user,
  created_at: instant,
});

/** `GET /projects/:id/environments`: one item. `tier` exists since GitLab 13.10. */
export const environmentItem = z.object({
  id: z.number().int(),
  name: z.string(),
  tier: z.string().nullable().optional(),
});

/**
 * `GET /projects/:id/deployments`: one item. Its `environment` is `EnvironmentBasic`, which
 * has no `tier`: that comes from the environments list. `deployable` (the job) is null for a
 * deployment created through the API.
 */
export const deploymentItem = z.object({
  id: z.number().int(),
  ref: z.string(),
  sha: z.string().min(1),
  created_at: instant,
  updated_at: instant,
  status: z.string().min(1),
  environment: z.object({ id: z.number().int(), name: z.string() }),
  deployable: z
    .object({
      finished_at: instant.nullable().optional(),
      web_url: z.string().optional(),
    })
    .nullable()
    .optional(),
});

/** `GET /projects/:id/issues?issue_type=incident`: one item. */
export const issueItem = z.object({
  iid: z.number().int(),
  title: z.string(),
  description: z.string().nullable().optional(),
  state: z.enum(['opened', 'closed']),
  created_at: instant,
  updated_at: instant,
  closed_at: instant.nullable().optional(),
  labels,
  web_url: z.string(),
  // `UNKNOWN`, `LOW`, `MEDIUM`, `HIGH`, `CRITICAL` (upper-cased by the API); absent before 13.x.
  severity: z.string().nullable().optional(),
});

export type MergeRequestItem = z.infer<typeof mergeRequestItem>;
export type MergeRequestCommitItem = z.infer<typeof mergeRequestCommitItem>;
export type NoteItem = z.infer<typeof noteItem>;
export type EnvironmentItem = z.infer<typeof environmentItem>;
export type DeploymentItem = z.infer<typeof deploymentItem>;
export type IssueItem = z.infer<typeof issueItem>;
export type GitLabUser = z.infer<typeof user>;

/** One page of an offset-paginated list, and the number of the next page (null on the last). */
export interface ListPage<T> {
  items: T[];
  next: number | null;
}

// gitbeaker's `showExpanded` answer for a list: the body and `x-next-page` as `paginationInfo.next`.
const expandedList = z.object({
  data: z.unknown(),
  paginationInfo: z.object({ next: z.number().int().positive().nullable() }).optional(),
});

/**
 * Sends one list request (gitbeaker with `page`, `maxPages: 1`, `showExpanded: true`) and
 * validates its page. A field that does not match fails naming the endpoint and the field
 * path within the response body (`[1].merged_at`); a body that is not JSON fails as a
 * `ForgeError` too, not as a `SyntaxError`.
 */
/**
 * The query of one page of a list read most recently updated first from `updatedAfter` (SPEC
 * §7): the page is the traversal's cursor, 100 items, one page per request.
 */
export function updatedPageQuery(cursor: string | null, updatedAfter: string | null) {
  return {
    orderBy: 'updated_at',
    sort: 'desc',
    perPage: 100,
    page: cursor === null ? 1 : Number(cursor),
    maxPages: 1,
    showExpanded: true,
    ...(updatedAfter === null ? {} : { updatedAfter }),
  } as const;
}

export async function listPage<T extends z.ZodType>(endpoint: string, item: T, send: () => Promise<unknown>): Promise<ListPage<z.infer<T>>> {
  let response: unknown;
  try {
    response = await send();
  } catch (error) {
    if (error instanceof DorametricsError || !(error instanceof SyntaxError)) throw error;
    throw new ForgeError(endpoint, undefined, 'the answer is not valid JSON', 'a proxy may have answered instead of GitLab; check the source\'s baseUrl');
  }
  const expanded = parsePayload(endpoint, expandedList, response);
  const items = parsePayload(endpoint, z.array(item), expanded.data) as z.infer<T>[];
  return { items, next: expanded.paginationInfo?.next ?? null };
}
