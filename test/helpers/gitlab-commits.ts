import nock from 'nock';
import { onTestFinished } from 'vitest';
import { sourceSchema } from '../../src/config/schema.js';
import { createGitLabClient } from '../../src/sources/gitlab/client.js';
import type { GitLabHarvestContext, GitLabSourceConfig } from '../../src/sources/gitlab/context.js';
import { configHash } from '../../src/sources/newest-first.js';
import { closeStore, openStore, type Store } from '../../src/store/index.js';
import { GITLAB_API_PATH, GITLAB_HOST, GITLAB_SENTINEL_TOKEN, PROJECT, gitlabFixture as readFixture } from './gitlab.js';
import { tempStorePath } from './store.js';

/**
 * The commit-graph and deployment-source tests' view of the GitLab project of
 * `test/helpers/gitlab.ts` (acme/payments, id 42, default branch main): a harness whose clock
 * is in November 2026, when their fixtures happen, and whose store closes with the test.
 */

export { GITLAB_HOST, GITLAB_SENTINEL_TOKEN } from './gitlab.js';
export const GITLAB_REPO = PROJECT.repoId;
/** The path of every project endpoint, as nock sees it. */
export const PROJECT_API = `${GITLAB_API_PATH}/projects/${PROJECT.id}`;

/** The fixtures name commits by a two-hex-digit id repeated: `sha('a3')` is `a3a3…a3`. */
export const sha = (id: string): string => id.repeat(40 / id.length);

/** A recorded payload (decoded JSON), loosely typed so that a test can break one field of it. */
export function gitlabFixture(scenario: string, file: string): any {
  return readFixture(scenario, file);
}

/** GitLab's offset-pagination headers for page `page` (`x-next-page` is empty on the last page). */
export function pageHeaders(page: number, next: number | null): Record<string, string> {
  return {
    'x-page': String(page),
    'x-next-page': next === null ? '' : String(next),
    'x-prev-page': page > 1 ? String(page - 1) : '',
    'x-per-page': '100',
  };
}

/** An interceptor for `GET /api/v4/projects/42<path>` with exactly these query parameters. */
export function gitlabGet(path: string, query: Record<string, string>) {
  return nock(GITLAB_HOST).get(`${PROJECT_API}${path}`).query(query);
}

export interface GitLabHarnessOptions {
  store?: Store;
  full?: boolean;
  since?: number | null;
  now?: string;
  deployments?: Record<string, unknown>;
  /** Milliseconds per second of `Retry-After` (1 by default, so tests do not wait). */
  retryUnitMs?: number;
}

/** A context with a fresh client (requests count from 0), collecting warnings and progress. */
export function gitlabHarness(options: GitLabHarnessOptions = {}) {
  let store = options.store;
  if (!store) {
    const opened = openStore(tempStorePath());
    onTestFinished(() => closeStore(opened));
    store = opened;
  }
  const config = sourceSchema.parse({
    type: 'gitlab',
    project: PROJECT.path,
    baseUrl: GITLAB_HOST,
    deployments: options.deployments ?? { from: 'deployments' },
  }) as GitLabSourceConfig;
  const client = createGitLabClient({ host: GITLAB_HOST, token: GITLAB_SENTINEL_TOKEN, retryUnitMs: options.retryUnitMs ?? 1 });
  const warnings: string[] = [];
  const progress: Array<[string, number, number]> = [];
  const ctx: GitLabHarvestContext = {
    client,
    store,
    config,
    repoId: GITLAB_REPO,
    projectId: PROJECT.id,
    projectPath: PROJECT.path,
    defaultBranch: 'main',
    webUrl: PROJECT.webUrl,
    options: {
      full: options.full ?? false,
      since: options.since ?? null,
      now: new Date(options.now ?? '2026-11-28T00:00:00Z'),
      progress: () => {},
    },
    configHash: configHash(config),
    warn: (message) => warnings.push(message),
    progress: (resource, pages, items) => progress.push([resource, pages, items]),
  };
  return { ctx, client, store, warnings, progress };
}
