import { existsSync } from 'node:fs';
import { loadConfig } from '../config/load.js';
import type { SourceConfig } from '../config/schema.js';
import { parseThreshold } from '../report/thresholds.js';
import { createGitHubClient, forgeError } from '../sources/github/client.js';
import { createGitLabClient } from '../sources/gitlab/client.js';
import { gitlabProjectId, sourceLabel } from '../sources/index.js';
import { LATEST_VERSION, listSyncStates, read, statement, withStore } from '../store/index.js';
import { ExitCode, StoreError } from '../util/errors.js';
import type { CommandContext } from './context.js';
import { sourceToken } from './tokens.js';

/**
 * `dorametrics doctor`: checks what a sync needs, one line per check, without ever printing a
 * token: the config, each source's token (set or not), the token's identity and rate-limit
 * headroom, the repository's reachability, and the store. Exit 0 when everything holds,
 * 3 when a check failed (a bad config is exit 2, as everywhere).
 */
export async function execute(_flags: Record<string, never>, ctx: CommandContext): Promise<number> {
  const config = loadConfig(ctx.global.configPath, ctx.global.configExplicit);
  const out = (ok: boolean | null, text: string) => ctx.io.stdout(`${ok === null ? '·' : ok ? '✓' : '✗'} ${text}\n`);
  let healthy = true;
  const fail = (text: string) => {
    healthy = false;
    out(false, text);
  };

  out(true, `config: ${config.sources.length} source${config.sources.length === 1 ? '' : 's'}, timezone ${config.timezone}`);
  // `report` reads the thresholds: a bad one would only surface there.
  config.thresholds.forEach((expr, index) => {
    try {
      parseThreshold(expr, `config thresholds[${index}]`);
    } catch (error) {
      fail(`config: ${(error as Error).message}`);
    }
  });
  for (const source of config.sources) {
    const id = sourceLabel(source);
    // The token sync would use (GitLab CI's job token included).
    const found = sourceToken(source, ctx.io.env);
    if (!found) {
      fail(`${id}: ${source.tokenEnv} is not set`);
      continue;
    }
    out(true, `${id}: ${found.variable} is set`);
    const lines =
      source.type === 'github' ? await checkGitHub(source, found.token) : await checkGitLab(source, found.token, found.jobToken);
    for (const line of lines) (line.ok ? out(true, line.text) : fail(line.text));
  }

  if (!existsSync(ctx.global.dbPath)) {
    out(null, `store: none yet at ${ctx.global.dbPath} (sync, record or import creates it)`);
  } else {
    try {
      checkStore(ctx.global.dbPath, out);
    } catch (error) {
      // An unreadable, corrupt or newer store is a failed check like the others.
      if (!(error instanceof StoreError)) throw error;
      fail(`store: ${error.message}${error.hint ? ` (${error.hint})` : ''}`);
    }
  }
  return healthy ? ExitCode.ok : ExitCode.failure;
}

/** What the store holds, and when it was last synced. */
function checkStore(dbPath: string, out: (ok: boolean | null, text: string) => void): void {
  const { counts, states } = withStore(dbPath, (store) => ({
    counts: read(store, () =>
      statement(
        store,
        `SELECT (SELECT COUNT(*) FROM repositories), (SELECT COUNT(*) FROM commits), (SELECT COUNT(*) FROM pull_requests),
                (SELECT COUNT(*) FROM deployments), (SELECT COUNT(*) FROM incidents)`,
      ).raw(true).get() as number[],
    ),
    states: listSyncStates(store),
  }));
  const [repositories, commits, prs, deployments, incidents] = counts;
  out(true, `store: ${dbPath}, schema ${LATEST_VERSION}; ${repositories} repositories, ${commits} commits, ${prs} PRs, ${deployments} deployments, ${incidents} incidents`);
  const lastSync = states.reduce((latest, state) => Math.max(latest, state.updatedAt), 0);
  if (lastSync > 0) out(null, `last sync: ${new Date(lastSync).toISOString()}`);
}

async function checkGitHub(source: Extract<SourceConfig, { type: 'github' }>, token: string): Promise<Array<{ ok: boolean; text: string }>> {
  const id = sourceLabel(source);
  const client = createGitHubClient({ baseUrl: source.baseUrl, token, maxRetries: 0 });
  const lines: Array<{ ok: boolean; text: string }> = [];
  try {
    // /rate_limit costs nothing against the limit it reports.
    const { data } = await client.octokit.request('GET /rate_limit');
    const core = data.resources.core;
    const graphql = data.resources.graphql;
    lines.push({
      ok: core.remaining > 0,
      text: `${id}: rate limit ${core.remaining}/${core.limit} REST${graphql ? `, ${graphql.remaining}/${graphql.limit} GraphQL` : ''}, resets ${new Date(core.reset * 1000).toISOString()}`,
    });
  } catch (error) {
    lines.push({ ok: false, text: forgeError(`GET ${source.baseUrl}/rate_limit`, error).message });
    return lines;
  }
  try {
    const { data } = await client.octokit.request('GET /user');
    lines.push({ ok: true, text: `${id}: token belongs to ${data.login}` });
  } catch (error) {
    // Installation tokens of GitHub Apps cannot read /user; that is not a problem for sync.
    const status = (error as { status?: number }).status;
    if (status === 403) lines.push({ ok: true, text: `${id}: token is not a user token (a GitHub App or Actions token)` });
    else lines.push({ ok: false, text: forgeError('GET /user', error).message });
  }
  const [owner, name] = source.repo.split('/') as [string, string];
  try {
    const { data } = await client.octokit.request('GET /repos/{owner}/{repo}', { owner, repo: name });
    // GitHub answers a renamed or transferred repository's old name through a redirect.
    const renamed = data.full_name.toLowerCase() !== source.repo.toLowerCase() ? ` as ${data.full_name} (renamed or transferred: set "repo" to it)` : '';
    lines.push({ ok: true, text: `${id}: reachable${renamed}, default branch ${data.default_branch}` });
  } catch (error) {
    lines.push({ ok: false, text: forgeError(`GET /repos/${source.repo}`, error).message });
  }
  return lines;
}

async function checkGitLab(
  source: Extract<SourceConfig, { type: 'gitlab' }>,
  token: string,
  jobToken: boolean,
): Promise<Array<{ ok: boolean; text: string }>> {
  const id = sourceLabel(source);
  const client = createGitLabClient({ host: source.baseUrl, token, jobToken, maxRetries: 0 });
  const lines: Array<{ ok: boolean; text: string }> = [];
  if (jobToken) {
    lines.push({ ok: true, text: `${id}: a CI job token (GitLab limits the API it can read; a project access token with read_api can read everything sync needs)` });
  } else {
    try {
      const user = (await client.api.Users.showCurrentUser()) as { username?: string };
      lines.push({ ok: true, text: `${id}: token belongs to ${user.username ?? 'an unnamed user'}` });
    } catch (error) {
      lines.push({ ok: false, text: (error as Error).message });
      return lines;
    }
  }
  try {
    const byId = gitlabProjectId(source);
    const project = (await client.api.Projects.show(byId ?? source.project)) as { default_branch?: string | null; path_with_namespace?: string };
    const rate = client.rateLimitRemaining === null ? '' : `, ${client.rateLimitRemaining} requests left in the rate limit`;
    // A project named by id is reported under its path: say which path that is now.
    const path = byId !== null && project.path_with_namespace ? ` as gitlab:${project.path_with_namespace}` : '';
    lines.push({ ok: true, text: `${id}: reachable${path}, default branch ${project.default_branch ?? '(none)'}${rate}` });
  } catch (error) {
    lines.push({ ok: false, text: (error as Error).message });
  }
  return lines;
}
