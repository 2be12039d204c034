import { readFileSync } from 'node:fs';
import type nock from 'nock';
import { sourceSchema } from '../../src/config/schema.js';
import { createGitLabClient, type GitLabClient } from '../../src/sources/gitlab/client.js';
import type { GitLabHarvestContext, GitLabSourceConfig } from '../../src/sources/gitlab/context.js';
import { configHash } from '../../src/sources/newest-first.js';
import type { HarvestOptions } from '../../src/sources/types.js';
import { closeStore, openStore, type Store } from '../../src/store/index.js';
import { tempStorePath } from './store.js';

export { useNock } from './github.js';

/** The self-managed host every GitLab test talks to through nock; real network is disabled. */
export const GITLAB_HOST = 'https://gitlab.example.com';

/** The REST API's path prefix under the host, as gitbeaker requests it. */
export const GITLAB_API_PATH = '/api/v4';

/**
 * A token that must never appear in anything we write: tests grep the store, reports, logs
 * and errors for it.
 */
export const GITLAB_SENTINEL_TOKEN = 'glpat-SENTINELtokenMustNeverLeak01';

/** The project every harvester test reads: `gitlab:acme/payments`, id 42. */
export const PROJECT = { id: 42, path: 'acme/payments', repoId: 'gitlab:acme/payments', webUrl: `${GITLAB_HOST}/acme/payments` } as const;

/** A client against the nock host, with retry waits shrunk (by default 1 ms per second of `Retry-After`). */
export function testGitLabClient(host = GITLAB_HOST, retryUnitMs = 1): GitLabClient {
  return createGitLabClient({ host, token: GITLAB_SENTINEL_TOKEN, retryUnitMs });
}

/** A fixture page of `fixtures/gitlab/<scenario>/<file>`, parsed. */
export function gitlabFixture(scenario: string, file: string): nock.Body {
  return JSON.parse(readFileSync(new URL(`../../fixtures/gitlab/${scenario}/${file}`, import.meta.url), 'utf8'));
}

export interface GitLabHarness {
  ctx: GitLabHarvestContext;
  store: Store;
  client: GitLabClient;
  warnings: string[];
  progress: Array<[string, number, number]>;
  /** Closes the store (also one given as `store`). */
  close: () => void;
}

export interface GitLabHarnessOptions {
  /** Where to open the store (a fresh temporary path unless given); ignored when `store` is given. */
  storePath?: string;
  /** An open store to harvest into (e.g. one a previous harness wrote). */
  store?: Store;
  client?: GitLabClient;
  /** Source config beyond `type` and `project` (e.g. `deployments`, `incidents`). */
  config?: Record<string, unknown>;
  /** Harvest options; an option left out (or undefined) is not full, no since, 2026-03-14, no progress. */
  options?: Partial<HarvestOptions>;
}

/**
 * A harvest context for acme/payments (project 42, default branch `main`) with a fresh client
 * unless given (so requests count from 0), on a store (a fresh temporary one unless given),
 * collecting warnings and progress.
 */
export function gitlabHarness(options: GitLabHarnessOptions = {}): GitLabHarness {
  const store = options.store ?? openStore(options.storePath ?? tempStorePath());
  const client = options.client ?? testGitLabClient();
  const config = sourceSchema.parse({ type: 'gitlab', project: PROJECT.path, baseUrl: GITLAB_HOST, ...options.config }) as GitLabSourceConfig;
  const harvest = options.options ?? {};
  const warnings: string[] = [];
  const progress: Array<[string, number, number]> = [];
  const ctx: GitLabHarvestContext = {
    client,
    store,
    config,
    repoId: PROJECT.repoId,
    projectId: PROJECT.id,
    defaultBranch: 'main',
    webUrl: PROJECT.webUrl,
    options: {
      full: harvest.full ?? false,
      since: harvest.since ?? null,
      now: harvest.now ?? new Date('2026-03-14T00:00:00Z'),
      progress: harvest.progress ?? (() => {}),
    },
    configHash: configHash(config),
    warn: (message) => warnings.push(message),
    progress: (resource, pages, items) => progress.push([resource, pages, items]),
  };
  return { ctx, store, client, warnings, progress, close: () => closeStore(store) };
}

/**
 * The pagination headers GitLab sends with page `page` of an offset-paginated list: the
 * `x-*` headers (`x-next-page` empty on the last page) and a `Link` header with `next`
 * (unless last), `first` and `last`, whose URLs repeat the request's query.
 */
export function gitlabPageHeaders(
  path: string,
  query: Record<string, string>,
  page: { page: number; totalPages: number; total: number; perPage?: number },
): Record<string, string> {
  const perPage = page.perPage ?? 100;
  const url = (n: number) => {
    const search = new URLSearchParams({ ...query, page: String(n), per_page: String(perPage) });
    return `${GITLAB_HOST}${GITLAB_API_PATH}${path}?${search.toString()}`;
  };
  const links = [
    ...(page.page < page.totalPages ? [`<${url(page.page + 1)}>; rel="next"`] : []),
    ...(page.page > 1 ? [`<${url(page.page - 1)}>; rel="prev"`] : []),
    `<${url(1)}>; rel="first"`,
    `<${url(page.totalPages)}>; rel="last"`,
  ];
  return {
    'content-type': 'application/json',
    'x-page': String(page.page),
    'x-per-page': String(perPage),
    'x-next-page': page.page < page.totalPages ? String(page.page + 1) : '',
    'x-prev-page': page.page > 1 ? String(page.page - 1) : '',
    'x-total': String(page.total),
    'x-total-pages': String(page.totalPages),
    link: links.join(', '),
  };
}
