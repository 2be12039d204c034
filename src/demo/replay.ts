import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { DorametricsError, ExitCode } from '../util/errors.js';

/**
 * The bundled sample forge of `dorametrics demo` (issue 5): GitHub's and GitLab's recorded
 * answers, served to the real Octokit and gitbeaker clients through the `fetch` a harvester
 * accepts, so the demo runs the real sync code with no token and no network. The recording
 * is written by scripts/record-demo.js, which runs the same harvesters against the fake
 * forges of scripts/ and keeps every request and its answer.
 */

/** The recording, shipped in the package (`dist/demo/` → `fixtures/demo/`; from `src/demo/` too). */
export const RECORDING_URL = new URL('../../fixtures/demo/recording.json', import.meta.url);

/** How the recording is made again after a harvester changes the requests it sends. */
export const RECORD_COMMAND = 'npm run build && node scripts/record-demo.js';

/** The response headers the harvesters read: the only ones a recording keeps. */
export const RECORDED_HEADERS = [
  'content-type',
  'etag',
  'link',
  'x-next-page',
  'x-prev-page',
  'x-per-page',
  'x-page',
  'x-total',
  'x-total-pages',
  'x-ratelimit-remaining',
  'ratelimit-remaining',
] as const;

const recordedResponse = z
  .object({
    status: z.number().int().min(100).max(599),
    headers: z.record(z.string(), z.string()),
    /** Parsed JSON for a JSON content type, else the text; null without a body. */
    body: z.unknown(),
  })
  .strict();

const recordingSchema = z
  .object({
    description: z.string().optional(),
    responses: z.record(z.string(), recordedResponse),
  })
  .strict();

export type RecordedResponse = z.infer<typeof recordedResponse>;
export type Recording = z.infer<typeof recordingSchema>;

/** A request as the key of its recorded answer needs it. */
export interface RequestParts {
  method: string;
  url: URL;
  body: string | null;
}

/** The method, URL and body of whatever Octokit (url and init) or our GitLab client (a `Request`) hands to fetch. */
export async function requestParts(input: string | URL | Request, init?: RequestInit): Promise<RequestParts> {
  if (input instanceof Request) {
    const body = input.method === 'GET' || input.method === 'HEAD' ? null : await input.clone().text();
    return { method: input.method.toUpperCase(), url: new URL(input.url), body: body === '' ? null : body };
  }
  const body = init?.body;
  if (body !== undefined && body !== null && typeof body !== 'string') {
    throw new TypeError('the demo forge only answers requests with a text body');
  }
  return { method: (init?.method ?? 'GET').toUpperCase(), url: new URL(input), body: body ?? null };
}

/**
 * The key of a request in a recording: the method, the path and the query as sent, and for a
 * request with a body (GraphQL) its operation name and a hash of the body, so two queries
 * with other variables are two keys. Headers are not part of it: the token is not, and a
 * first sync into an empty store sends no `If-None-Match`.
 */
export function requestKey({ method, url, body }: RequestParts): string {
  const key = `${method} ${url.pathname}${url.search}`;
  if (body === null) return key;
  const operation = /\b(?:query|mutation)\s+(\w+)/.exec(body)?.[1] ?? 'anonymous';
  return `${key} ${operation} ${createHash('sha256').update(body).digest('hex').slice(0, 16)}`;
}

/** Reads and checks a recording (by default the bundled one). */
export function loadRecording(location: URL = RECORDING_URL): Recording {
  const file = fileURLToPath(location);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new DorametricsError(
      `the demo's recorded forge cannot be read from ${file}: ${(error as Error).message}`,
      ExitCode.failure,
      'reinstall dorametrics; in a clone, fixtures/demo/recording.json is part of the repository',
    );
  }
  const result = recordingSchema.safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new DorametricsError(
      `the demo's recorded forge ${file} is malformed at ${issue.path.join('.') || '(top level)'}: ${issue.message}`,
      ExitCode.failure,
      `record it again: ${RECORD_COMMAND}`,
    );
  }
  return result.data;
}

export interface ReplayFetch {
  fetch: typeof fetch;
  /** Requests answered so far, misses included. */
  readonly requests: number;
  /** The keys of requests the recording has no answer for, in order. */
  readonly misses: readonly string[];
}

/**
 * A `fetch` that answers each request with its recorded response, by key, and answers a
 * request the recording lacks with a 404 that says so: a harvester that changed its requests
 * fails loudly (in the demo's tests first) instead of showing a partial sample.
 */
export function createReplayFetch(recording: Recording): ReplayFetch {
  let requests = 0;
  const misses: string[] = [];
  const replay = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    requests++;
    const key = requestKey(await requestParts(input, init));
    const recorded = recording.responses[key];
    if (recorded === undefined) {
      misses.push(key);
      const message = `the demo's recording has no answer for ${key}; if the harvesters changed, record it again: ${RECORD_COMMAND}`;
      return new Response(JSON.stringify({ message }), { status: 404, headers: { 'content-type': 'application/json' } });
    }
    return recordedAnswer(recorded);
  };
  return {
    fetch: replay as typeof fetch,
    get requests() {
      return requests;
    },
    get misses() {
      return misses;
    },
  };
}

function recordedAnswer({ status, headers, body }: RecordedResponse): Response {
  const nullBody = status === 204 || status === 304 || body === null || body === undefined;
  const text = nullBody ? null : typeof body === 'string' && !isJson(headers) ? body : JSON.stringify(body);
  return new Response(text, { status, headers });
}

function isJson(headers: Record<string, string>): boolean {
  return /\bjson\b/.test(headers['content-type'] ?? '');
}
