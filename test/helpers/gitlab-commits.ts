import nock from 'nock';
import { onTestFinished } from 'vitest';
import type { Store } from '../../src/store/index.js';
import {
  GITLAB_API_PATH,
  GITLAB_HOST,
  PROJECT,
  gitlabHarness as projectHarness,
  gitlabFixture as readFixture,
  testGitLabClient,
} from './gitlab.js';

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
  /** An open store to harvest into; without one, a fresh temporary store that closes with the test. */
  store?: Store;
  full?: boolean;
  since?: number | null;
  /** The harvest clock, ISO (2026-11-28 by default). */
  now?: string;
  /** The `deployments` source config (`{ from: 'deployments' }` by default). */
  deployments?: Record<string, unknown>;
  /** Milliseconds per second of `Retry-After` (1 by default, so tests do not wait). */
  retryUnitMs?: number;
}

/**
 * `gitlabHarness` of `test/helpers/gitlab.ts` with the commit tests' defaults: a fresh client
 * (requests count from 0), the clock in November 2026, deployments from the Deployments API.
 */
export function gitlabHarness(options: GitLabHarnessOptions = {}) {
  const { store, full, since, now = '2026-11-28T00:00:00Z', deployments = { from: 'deployments' }, retryUnitMs } = options;
  const run = projectHarness({
    store,
    client: testGitLabClient(GITLAB_HOST, retryUnitMs),
    config: { deployments },
    options: { full, since, now: new Date(now) },
  });
  if (!store) onTestFinished(run.close);
  return run;
}
