import { z } from 'zod';
import { isValidTimeZone, parseDuration } from '../util/time.js';

/**
 * The config file (SPEC §3): the one source of truth for its shape, strict so that a typo
 * fails with its key path instead of being ignored. Tokens never live here: a source names
 * the environment variable that holds its token.
 */

const timeZone = z.string().refine(isValidTimeZone, { message: 'not an IANA time zone name (e.g. "Europe/Berlin")' });
const duration = z.string().refine((value) => parseDuration(value) !== null, {
  message: 'not a duration such as "30m", "24h", "2d" or "1w"',
});
const envVarName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'not an environment variable name');
const regexSource = z.string().refine(
  (value) => {
    try {
      new RegExp(value);
      return true;
    } catch {
      return false;
    }
  },
  { message: 'not a valid regular expression' },
);

const environments = z
  .array(z.string().min(1))
  .min(1)
  .describe('Environment names that count as the production environment for this source (matched case-insensitively).');

/**
 * Keys that belong to one deployment source: required with it, refused with another (a
 * `tagPattern` next to `from: "releases"` would silently do nothing). Checked with the rest
 * of the config, so a sync never stops half-way over a key it could have named up front.
 */
function sourceSpecificKeys(keys: Record<string, { from: string; required: boolean; example: string }>) {
  return (deployments: Record<string, unknown> & { from: string }, ctx: z.RefinementCtx) => {
    for (const [key, rule] of Object.entries(keys)) {
      if (deployments.from === rule.from && rule.required && deployments[key] === undefined) {
        ctx.addIssue({ code: 'custom', path: [key], message: `required with from: "${rule.from}" (e.g. ${rule.example})` });
      } else if (deployments.from !== rule.from && deployments[key] !== undefined) {
        ctx.addIssue({ code: 'custom', path: [key], message: `only applies with from: "${rule.from}" (from is "${deployments.from}")` });
      }
    }
  };
}

const githubDeployments = z
  .object({
    from: z.enum(['deployments', 'releases', 'tags', 'workflow_runs', 'merges']),
    environments: environments.optional(),
    tagPattern: regexSource.optional().describe('With from: "tags": a regular expression the tag name must match (every tag counts without one).'),
    workflow: z.string().min(1).optional().describe('With from: "workflow_runs" (required): the workflow file name or id.'),
  })
  .strict()
  .superRefine(
    sourceSpecificKeys({
      tagPattern: { from: 'tags', required: false, example: '"^v\\d+"' },
      workflow: { from: 'workflow_runs', required: true, example: '"deploy.yml"' },
    }),
  );

const gitlabDeployments = z
  .object({
    from: z.enum(['deployments', 'releases', 'tags', 'pipelines', 'merges']),
    environments: environments.optional(),
    tagPattern: regexSource.optional().describe('With from: "tags": a regular expression the tag name must match (every tag counts without one).'),
    jobPattern: regexSource.optional().describe('With from: "pipelines" (required): a regular expression naming the deploy job.'),
  })
  .strict()
  .superRefine(
    sourceSpecificKeys({
      tagPattern: { from: 'tags', required: false, example: '"^v\\d+"' },
      jobPattern: { from: 'pipelines', required: true, example: '"^deploy"' },
    }),
  );

const githubSource = z
  .object({
    type: z.literal('github'),
    repo: z.string().regex(/^[^\s/]+\/[^\s/]+$/, 'must be "owner/repo"'),
    baseUrl: z.url().default('https://api.github.com'),
    tokenEnv: envVarName.default('GITHUB_TOKEN').describe('The environment variable that holds the token.'),
    deployments: githubDeployments.default({ from: 'deployments' }),
    incidents: z
      .object({ from: z.literal('issues'), labels: z.array(z.string().min(1)).min(1).default(['incident']) })
      .strict()
      .optional(),
  })
  .strict();

// A project is named by its path, or by its numeric id (GitLab's "Project ID"), which stays the
// same when the project is renamed or moved to another group. JSON numbers and digit strings
// are both ids: a copied "12345" is as clear as 12345.
const GITLAB_PROJECT_MESSAGE = 'must be "group/project" (subgroups allowed) or the numeric project id';
const gitlabProject = z
  .union(
    [
      z.string().regex(/^[^\s/]+(\/[^\s/]+)+$|^[1-9][0-9]*$/, GITLAB_PROJECT_MESSAGE),
      z.number().int(GITLAB_PROJECT_MESSAGE).positive(GITLAB_PROJECT_MESSAGE),
    ],
    { error: GITLAB_PROJECT_MESSAGE },
  )
  .describe('The project\'s full path ("group/sub/project") or its numeric id (which survives renames and moves).');

const gitlabSource = z
  .object({
    type: z.literal('gitlab'),
    project: gitlabProject,
    baseUrl: z.url().default('https://gitlab.com'),
    tokenEnv: envVarName.default('GITLAB_TOKEN').describe('The environment variable that holds the token (CI_JOB_TOKEN works in GitLab CI).'),
    deployments: gitlabDeployments.default({ from: 'deployments' }),
    incidents: z.object({ from: z.literal('incidents') }).strict().optional(),
  })
  .strict();

export const sourceSchema = z.discriminatedUnion('type', [githubSource, gitlabSource]);

const repoRef = z.string().regex(/^(github|gitlab):[^\s:]+\/[^\s:]+$/, 'must be "github:owner/repo" or "gitlab:group/project"');

export const DEFAULT_BOT_AUTHORS = ['renovate-bot', 'dependabot'];

export const configSchema = z
  .object({
    $schema: z.string().optional(),
    timezone: timeZone.default('UTC').describe('Decides what a day, an ISO week and a month are in reports.'),
    sources: z.array(sourceSchema).default([]),
    teams: z.record(z.string(), z.array(repoRef)).default({}),
    exclude: z
      .object({ authors: z.array(z.string().min(1)).default(DEFAULT_BOT_AUTHORS) })
      .strict()
      .default({ authors: DEFAULT_BOT_AUTHORS }),
    failure: z
      .object({
        attributionWindow: duration.default('24h').describe('How long after a deployment an incident is still attributed to it (SPEC §5.7).'),
        reworkLabels: z.array(z.string().min(1)).default(['hotfix']),
      })
      .strict()
      .default({ attributionWindow: '24h', reworkLabels: ['hotfix'] }),
    leadTime: z
      .object({ unit: z.enum(['pr', 'commit']).default('pr') })
      .strict()
      .default({ unit: 'pr' }),
    services: z
      .record(z.string(), repoRef)
      .default({})
      .describe('Maps incident services (PagerDuty, Opsgenie) to repositories for `import incidents`.'),
    thresholds: z.array(z.string().min(1)).default([]).describe('`--fail-on` expressions applied to every report.'),
  })
  .strict();

export type Config = z.infer<typeof configSchema>;
export type SourceConfig = z.infer<typeof sourceSchema>;

/** The config of a user who has not written one: every default. */
export function defaultConfig(): Config {
  return configSchema.parse({});
}
