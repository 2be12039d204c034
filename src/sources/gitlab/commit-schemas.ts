import { z } from 'zod';

/**
 * zod schemas for the GitLab REST payloads the commit-graph and deployment-source harvesters
 * read (SPEC §7: every payload is validated at the boundary). Each lists only the fields we
 * use, so GitLab adding one changes nothing, and one of ours changing shape fails at the edge
 * (through `parsePayload`) with the endpoint and the field path.
 */

/** An ISO 8601 time (GitLab sends `Z` or an offset), as epoch milliseconds. */
const instant = z
  .string()
  .refine((text) => !Number.isNaN(Date.parse(text)), { message: 'not an ISO 8601 time' })
  .transform((text) => Date.parse(text));

// The commit entity (API::Entities::Commit) of `GET /projects/:id/repository/commits`,
// `GET /projects/:id/repository/commits/:sha` and the `commits` of `GET …/repository/compare`:
// every one carries `parent_ids`, first parent first.
export const commitSchema = z.object({
  id: z.string().min(1),
  parent_ids: z.array(z.string().min(1)),
  authored_date: instant,
  committed_date: instant,
  author_name: z.string().nullish(),
});
export type GitLabCommit = z.output<typeof commitSchema>;

/**
 * `GET /projects/:id/repository/compare?from=…&to=…`: `commits` are those of `to` that `from`
 * does not reach (`git log from..to`), oldest first, not paginated.
 */
export const compareResponse = z.object({
  commits: z.array(commitSchema),
  compare_same_ref: z.boolean().optional(),
});

// `GET /projects/:id/releases`. `commit` is left out for a user who cannot read the code;
// `upcoming_release` is true while `released_at` is in the future.
export const releaseSchema = z.object({
  tag_name: z.string().min(1),
  created_at: instant,
  released_at: instant,
  upcoming_release: z.boolean().optional(),
  commit: z.object({ id: z.string().min(1) }).nullish(),
  _links: z.object({ self: z.string().optional() }).partial().optional(),
});
export type GitLabRelease = z.output<typeof releaseSchema>;

// `GET /projects/:id/repository/tags`. `created_at` (GitLab 16.11+) is the annotated tag's own
// time, null for a lightweight tag; `commit` is null for a tag of a tree or a blob.
export const tagSchema = z.object({
  name: z.string().min(1),
  commit: z.object({ id: z.string().min(1), committed_date: instant }).nullable(),
  created_at: instant.nullish(),
});
export type GitLabTag = z.output<typeof tagSchema>;

// `GET /projects/:id/pipelines`.
export const pipelineSchema = z.object({
  id: z.number().int(),
  sha: z.string().min(1),
  ref: z.string().nullable(),
  status: z.string(),
  created_at: instant,
  updated_at: instant,
  web_url: z.string().nullish(),
});
export type GitLabPipeline = z.output<typeof pipelineSchema>;

// `GET /projects/:id/pipelines/:pipeline_id/jobs` (the latest attempt of each job).
export const jobSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  status: z.string(),
  created_at: instant,
  started_at: instant.nullish(),
  finished_at: instant.nullish(),
  web_url: z.string().nullish(),
});
export type GitLabJob = z.output<typeof jobSchema>;
