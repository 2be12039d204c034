import { Octokit } from '@octokit/rest';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import Bottleneck from 'bottleneck';
import { ForgeError } from '../../util/errors.js';
import { TOOL_VERSION } from '../../version.js';

/**
 * The only importer of Octokit (STYLE layout). One client per configured repository: REST
 * and GraphQL on the configured host, throttled and retried by Octokit's own plugins, every
 * attempt counted so tests and `npm run bench` can hold the request cost to its lower bound.
 */

const HarvestOctokit = Octokit.plugin(throttling, retry);
export type GitHubOctokit = InstanceType<typeof HarvestOctokit>;

export interface GitHubClientOptions {
  /** REST base URL: `https://api.github.com`, or `https://HOST/api/v3` for GHES. */
  baseUrl: string;
  token: string;
  /** A fetch implementation (the demo serves recorded pages through it). */
  fetch?: typeof fetch;
  /**
   * Milliseconds per second of `retry-after` and per backoff step (1000 in real use; tests
   * shrink it so that a 60 s secondary-limit wait costs 60 ms).
   */
  retryUnitMs?: number;
  /** Retries of one request for rate limits, 5xx and network errors before giving up. */
  maxRetries?: number;
}

export interface GitHubClient {
  octokit: GitHubOctokit;
  /** Requests sent so far, retries included. */
  readonly requests: number;
  /** The last `x-ratelimit-remaining` seen, for progress and `doctor`. */
  readonly rateLimitRemaining: number | null;
  /** Runs a GraphQL document; errors become `ForgeError`s naming the query. */
  graphql<T>(name: string, query: string, variables: Record<string, unknown>): Promise<T>;
}

export function createGitHubClient(options: GitHubClientOptions): GitHubClient {
  const unit = options.retryUnitMs ?? 1000;
  const maxRetries = options.maxRetries ?? 3;
  let requests = 0;
  let rateLimitRemaining: number | null = null;
  const octokit = new HarvestOctokit({
    auth: options.token,
    baseUrl: options.baseUrl.replace(/\/+$/, ''),
    userAgent: `dorametrics/${TOOL_VERSION}`,
    // Counted at the fetch, beneath the retry and throttling plugins: every attempt is a request.
    request: {
      fetch: (input: string | URL | Request, init?: RequestInit) => {
        requests++;
        return (options.fetch ?? globalThis.fetch)(input, init);
      },
    },
    // Octokit logs request details on warnings; we report failures ourselves, token-free.
    log: { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} },
    throttle: {
      retryAfterBaseValue: unit,
      // GraphQL queries share the plugin's "write" group; they are reads, run one at a time
      // anyway, and need not be spaced a second apart like mutations.
      write: new Bottleneck.Group({ maxConcurrent: 1, minTime: 0 }),
      onRateLimit: (_retryAfter: number, _options: unknown, _octokit: unknown, retryCount: number) => retryCount < maxRetries,
      onSecondaryRateLimit: (_retryAfter: number, _options: unknown, _octokit: unknown, retryCount: number) =>
        retryCount < maxRetries,
    },
    retry: { retries: maxRetries, retryAfterBaseValue: unit },
  });
  octokit.hook.after('request', (response) => {
    const remaining = response.headers['x-ratelimit-remaining'];
    if (remaining !== undefined) rateLimitRemaining = Number(remaining);
  });

  return {
    octokit,
    get requests() {
      return requests;
    },
    get rateLimitRemaining() {
      return rateLimitRemaining;
    },
    async graphql<T>(name: string, query: string, variables: Record<string, unknown>): Promise<T> {
      try {
        return await octokit.graphql<T>(query, variables);
      } catch (error) {
        throw forgeError(`GitHub GraphQL ${name}`, error);
      }
    },
  };
}

/**
 * A failed request as one line naming the endpoint and the status (SPEC §2, exit 3), with a
 * hint for the usual causes. Built from the status and GitHub's message only: Octokit's error
 * carries the request, headers included, and nothing of it may reach a message (the token).
 */
export function forgeError(endpoint: string, error: unknown): ForgeError {
  if (error instanceof ForgeError) return error;
  // Octokit reports a failed fetch (no answer at all) as status 500 without a response: that is
  // the network, not GitHub answering 500.
  const answered = (error as { response?: unknown }).response !== undefined || (error as { errors?: unknown }).errors !== undefined;
  const rawStatus = typeof (error as { status?: unknown }).status === 'number' ? (error as { status: number }).status : undefined;
  const status = answered || rawStatus !== 500 ? rawStatus : undefined;
  const data = (error as { response?: { data?: unknown } }).response?.data;
  const githubMessage =
    typeof data === 'object' && data !== null && typeof (data as { message?: unknown }).message === 'string'
      ? (data as { message: string }).message
      : undefined;
  const graphqlErrors = (error as { errors?: Array<{ message?: string }> }).errors;
  const detail =
    githubMessage ??
    graphqlErrors?.map((e) => e.message).filter(Boolean).join('; ') ??
    (status === undefined ? networkDetail(error) : `HTTP ${status}`);
  return new ForgeError(endpoint, status, scrub(detail), rateLimitHint(error) ?? hintFor(status));
}

/** When GitHub says no requests are left: until when (`x-ratelimit-reset`, epoch seconds). */
function rateLimitHint(error: unknown): string | undefined {
  const headers = (error as { response?: { headers?: Record<string, string | undefined> } }).response?.headers;
  if (headers?.['x-ratelimit-remaining'] !== '0') return undefined;
  const reset = Number(headers['x-ratelimit-reset']);
  const until = Number.isFinite(reset) && reset > 0 ? ` until ${new Date(reset * 1000).toISOString()}` : '';
  return `GitHub's rate limit for this token is spent${until}; run sync again then, it resumes where it stopped`;
}

function networkDetail(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error as Error).message ?? 'request failed';
}

function hintFor(status: number | undefined): string | undefined {
  switch (status) {
    case 401:
      return 'the token was refused: check the environment variable the source names (GITHUB_TOKEN by default)';
    case 403:
      return 'the token lacks access (scopes: repo, or read access to contents, pull requests, deployments, issues, actions), or a rate limit outlasted the retries';
    case 404:
      return 'check the repository name and baseUrl; a private repository also answers 404 to a token without access to it';
    case undefined:
      return 'check the network and the source\'s baseUrl';
    default:
      return status >= 500 ? 'GitHub kept failing after retries; run sync again later, it resumes where it stopped' : undefined;
  }
}

/** Defence in depth: nothing shaped like a GitHub token survives into a message. */
export function scrub(text: string): string {
  return text.replace(/\b(gh[pousr]_[A-Za-z0-9_]{20,}|github_pat_[A-Za-z0-9_]{20,})\b/g, '[token]');
}
