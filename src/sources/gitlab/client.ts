import { createRequesterFn } from '@gitbeaker/requester-utils';
import { Gitlab } from '@gitbeaker/rest';
import { ForgeError } from '../../util/errors.js';

/**
 * The only importer of gitbeaker (STYLE layout). gitbeaker's resources with our own request
 * handler: its built-in one retries 429 and 502 on a fixed schedule and ignores `Retry-After`
 * (issue 4), cannot count requests, and fetches through a global we cannot hand a fake. This
 * one honours `Retry-After` (and `RateLimit-Reset`), backs off on 5xx and network errors,
 * counts every attempt, and fails with a `ForgeError` naming the endpoint and the status,
 * never the token.
 */

export interface GitLabClientOptions {
  /** `https://gitlab.com` or a self-managed host. */
  host: string;
  /** Sent as `PRIVATE-TOKEN`, or as `JOB-TOKEN` when `jobToken` is set. */
  token: string;
  jobToken?: boolean;
  fetch?: typeof fetch;
  /** Milliseconds per second of `Retry-After` and per backoff step (tests shrink it). */
  retryUnitMs?: number;
  maxRetries?: number;
}

export interface GitLabClient {
  api: InstanceType<typeof Gitlab<false>>;
  readonly requests: number;
  /** The last `RateLimit-Remaining` seen, for progress and `doctor`. */
  readonly rateLimitRemaining: number | null;
}

interface RequestOptions {
  prefixUrl?: string;
  searchParams?: string;
  method?: string;
  headers?: Record<string, string>;
  body?: unknown;
  asStream?: boolean;
  rateLimiters?: unknown;
  agent?: unknown;
  [key: string]: unknown;
}

export function createGitLabClient(options: GitLabClientOptions): GitLabClient {
  const unit = options.retryUnitMs ?? 1000;
  const maxRetries = options.maxRetries ?? 3;
  const fetchImpl = options.fetch ?? globalThis.fetch;
  let requests = 0;
  let rateLimitRemaining: number | null = null;

  async function handle(endpoint: string, requestOptions: RequestOptions) {
    const { prefixUrl, searchParams, method = 'GET', asStream: _asStream, rateLimiters: _limiters, agent: _agent, ...init } = requestOptions;
    const base = prefixUrl?.endsWith('/') ? prefixUrl : `${prefixUrl ?? ''}/`;
    const url = new URL(endpoint, base);
    url.search = searchParams ?? '';
    const name = `${method} ${url.pathname}`;
    for (let attempt = 0; ; attempt++) {
      requests++;
      let response: Response;
      try {
        response = await fetchImpl(new Request(url, { ...(init as RequestInit), method }));
      } catch (error) {
        if (attempt < maxRetries) {
          await sleep(backoffSeconds(attempt) * unit);
          continue;
        }
        const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
        throw new ForgeError(name, undefined, cause, 'check the network and the source\'s baseUrl');
      }
      const remaining = response.headers.get('ratelimit-remaining');
      if (remaining !== null) rateLimitRemaining = Number(remaining);
      if (response.ok) return parseResponse(response);
      if ((response.status === 429 || response.status >= 500) && attempt < maxRetries) {
        await response.body?.cancel();
        await sleep(waitSeconds(response, attempt) * unit);
        continue;
      }
      throw new ForgeError(name, response.status, await errorDetail(response), hintFor(response.status));
    }
  }

  const requesterFn = createRequesterFn((_service, request) => Promise.resolve(request), handle as never);
  const api = new Gitlab({
    host: options.host.replace(/\/+$/, ''),
    ...(options.jobToken ? { jobToken: options.token } : { token: options.token }),
    requesterFn,
  } as never) as GitLabClient['api'];

  return {
    api,
    get requests() {
      return requests;
    },
    get rateLimitRemaining() {
      return rateLimitRemaining;
    },
  };
}

async function parseResponse(response: Response) {
  const headers: Record<string, string> = Object.fromEntries(response.headers.entries());
  // gitbeaker pages by `x-next-page`; a proxy may strip GitLab's `x-*` headers and keep `Link`.
  if (headers['x-next-page'] === undefined && headers.link !== undefined) {
    const next = /<([^>]+)>;\s*rel="next"/.exec(headers.link)?.[1];
    const page = next === undefined ? null : new URL(next).searchParams.get('page');
    if (page !== null) headers['x-next-page'] = page;
  }
  const type = (response.headers.get('content-type') ?? '').split(';')[0]!.trim();
  let body: unknown = null;
  if (response.status !== 204) {
    if (type === 'application/json') body = (await response.json()) ?? {};
    else body = await response.text();
  }
  return { body, headers, status: response.status };
}

/** `Retry-After` (seconds or a date), else `RateLimit-Reset` (epoch seconds), else backoff. */
function waitSeconds(response: Response, attempt: number): number {
  const retryAfter = response.headers.get('retry-after');
  if (retryAfter !== null) {
    const seconds = Number(retryAfter);
    if (Number.isFinite(seconds)) return Math.max(seconds, 0);
    const date = Date.parse(retryAfter);
    if (!Number.isNaN(date)) return Math.max((date - Date.now()) / 1000, 0);
  }
  const reset = Number(response.headers.get('ratelimit-reset'));
  if (response.status === 429 && Number.isFinite(reset) && reset > 0) return Math.max(reset - Date.now() / 1000, 0) + 1;
  return backoffSeconds(attempt);
}

/** 1 s, 4 s, 9 s, … as Octokit's retry plugin does. */
function backoffSeconds(attempt: number): number {
  return (attempt + 1) ** 2;
}

async function errorDetail(response: Response): Promise<string> {
  const text = await response.text();
  try {
    const json = JSON.parse(text) as { message?: unknown; error?: unknown };
    const detail = json.message ?? json.error;
    if (typeof detail === 'string') return detail;
    if (detail !== undefined) return JSON.stringify(detail);
  } catch {
    // Not JSON: fall through to the status text.
  }
  return response.statusText || `HTTP ${response.status}`;
}

function hintFor(status: number): string | undefined {
  switch (status) {
    case 401:
      return 'the token was refused: check the environment variable the source names (GITLAB_TOKEN by default, or CI_JOB_TOKEN)';
    case 403:
      return 'the token lacks access: it needs the read_api scope (or read access through CI_JOB_TOKEN)';
    case 404:
      return 'check the project path and baseUrl; a private project also answers 404 to a token without access to it';
    default:
      return status >= 500 || status === 429 ? 'GitLab kept failing after retries; run sync again later, it resumes where it stopped' : undefined;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
