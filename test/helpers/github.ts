import { schema } from '@octokit/graphql-schema';
import { buildClientSchema, parse, validate, type IntrospectionQuery } from 'graphql';
import nock from 'nock';
import { afterEach, beforeEach } from 'vitest';
import { sourceSchema } from '../../src/config/schema.js';
import { createGitHubClient, type GitHubClient } from '../../src/sources/github/client.js';
import type { GitHubHarvestContext, GitHubSourceConfig } from '../../src/sources/github/context.js';
import { configHash } from '../../src/sources/newest-first.js';
import type { HarvestOptions } from '../../src/sources/types.js';
import { closeStore, openStore, type Store } from '../../src/store/index.js';
import { tempStorePath } from './store.js';

/** The API host every GitHub test talks to through nock; real network is disabled. */
export const GITHUB_API = 'https://api.github.com';

/**
 * A token that must never appear in anything we write: tests grep the store, reports, logs
 * and errors for it.
 */
export const SENTINEL_TOKEN = 'ghp_SENTINELtokenMustNeverLeak0123456789';

/** Disables real network for the file's tests and checks that every interceptor was used. */
export function useNock(): void {
  beforeEach(() => {
    nock.disableNetConnect();
  });
  afterEach(() => {
    const pending = nock.pendingMocks();
    nock.cleanAll();
    nock.enableNetConnect();
    if (pending.length > 0) throw new Error(`unused nock interceptors: ${pending.join(', ')}`);
  });
}

/** A client against the nock host, with retry waits shrunk (1 ms per second of retry-after). */
export function testClient(baseUrl = GITHUB_API): GitHubClient {
  return createGitHubClient({ baseUrl, token: SENTINEL_TOKEN, retryUnitMs: 1 });
}

export interface GitHubHarness {
  ctx: GitHubHarvestContext;
  store: Store;
  client: GitHubClient;
  warnings: string[];
  progress: Array<[string, number, number]>;
  /** Closes the store (also one given as `store`). */
  close: () => void;
}

export interface GitHubHarnessOptions {
  /** Where to open the store (a fresh temporary path unless given); ignored when `store` is given. */
  storePath?: string;
  /** An open store to harvest into (e.g. one a previous harness wrote). */
  store?: Store;
  client?: GitHubClient;
  /** Source config beyond `type` and `repo` (e.g. `deployments`, `incidents`). */
  config?: Record<string, unknown>;
  /** Harvest options; an option left out (or undefined) is not full, no since, 2026-03-14, no progress. */
  options?: Partial<HarvestOptions>;
}

/**
 * A harvest context for acme/shop (`github:acme/shop`, default branch `main`) with a fresh
 * client unless given (so requests count from 0), on a store (a fresh temporary one unless
 * given), collecting warnings and progress.
 */
export function githubHarness(options: GitHubHarnessOptions = {}): GitHubHarness {
  const store = options.store ?? openStore(options.storePath ?? tempStorePath());
  const client = options.client ?? testClient();
  const config = sourceSchema.parse({ type: 'github', repo: 'acme/shop', ...options.config }) as GitHubSourceConfig;
  const harvest = options.options ?? {};
  const warnings: string[] = [];
  const progress: Array<[string, number, number]> = [];
  const ctx: GitHubHarvestContext = {
    client,
    store,
    config,
    repoId: 'github:acme/shop',
    owner: 'acme',
    name: 'shop',
    defaultBranch: 'main',
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

// The published introspection result: the SDL copy of this version declares two fields twice,
// which graphql-js rightly refuses to build.
const githubSchema = buildClientSchema(schema.json as unknown as IntrospectionQuery);

/** The validation errors GitHub's published GraphQL schema finds in a document (none is good). */
export function githubSchemaErrors(document: string): string[] {
  return validate(githubSchema, parse(document)).map((error) => error.message);
}

/**
 * Routes every request to `host` (through nock, so the real Octokit's fetch is intercepted)
 * to a fake GitHub API (scripts/fake-github.js). For CLI-level tests, where no fetch can be
 * passed in.
 */
export function serveFake(fake: { fetch: typeof fetch }, host = GITHUB_API): void {
  const forward = (method: string) =>
    async function (this: { req: { headers: Record<string, string> } }, uri: string, body: unknown) {
      const headers = this.req.headers;
      const response = await fake.fetch(new URL(uri, host).href, {
        method,
        headers,
        ...(method === 'POST' ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
      });
      const text = await response.text();
      return [response.status, text, Object.fromEntries(response.headers.entries())] as [number, string, Record<string, string>];
    };
  nock(host).persist().get(/.*/).reply(forward('GET'));
  nock(host).persist().post(/.*/).reply(forward('POST'));
}
