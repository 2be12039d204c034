import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createReplayFetch, loadRecording, requestKey, requestParts, type Recording } from '../../src/demo/replay.js';
import { DorametricsError } from '../../src/util/errors.js';
import { runCli } from '../helpers/run-cli.js';
import { tempDir } from '../helpers/store.js';

// The demo reads the bundled recording through `loadRecording`; one test hands it a recording
// with a request missing, as a harvester that changed its requests would meet it.
const drop = vi.hoisted(() => ({ keys: [] as RegExp[] }));
vi.mock('../../src/demo/replay.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../src/demo/replay.js')>();
  return {
    ...original,
    loadRecording: (location?: URL) => {
      const recording = original.loadRecording(location);
      const responses = Object.fromEntries(Object.entries(recording.responses).filter(([key]) => !drop.keys.some((re) => re.test(key))));
      return { ...recording, responses };
    },
  };
});

beforeEach(() => {
  nock.disableNetConnect();
  drop.keys = [];
});

afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

const graphqlBody = (owner: string) => JSON.stringify({ query: 'query PullRequests($owner: String!) { viewer { login } }', variables: { owner } });

describe('requestKey', () => {
  it('is the method, the path and the query; for a body, its GraphQL operation and a hash of it', async () => {
    expect(requestKey(await requestParts('https://api.github.com/repos/acme/shop/issues?labels=incident&per_page=100'))).toBe(
      'GET /repos/acme/shop/issues?labels=incident&per_page=100',
    );
    const post = requestKey(await requestParts('https://api.github.com/graphql', { method: 'POST', body: graphqlBody('acme') }));
    expect(post).toMatch(/^POST \/graphql PullRequests [0-9a-f]{16}$/);
    expect(requestKey(await requestParts('https://api.github.com/graphql', { method: 'POST', body: graphqlBody('acme') }))).toBe(post);
    expect(requestKey(await requestParts('https://api.github.com/graphql', { method: 'POST', body: graphqlBody('other') }))).not.toBe(post);
  });

  it('reads a Request (as the GitLab client sends one) like a URL and its init; headers, the token among them, are no part of it', async () => {
    const url = 'https://gitlab.com/api/v4/projects/acme%2Fpayments';
    const request = new Request(url, { headers: { 'PRIVATE-TOKEN': 'demo-token-not-a-secret' } });
    expect(requestKey(await requestParts(request))).toBe('GET /api/v4/projects/acme%2Fpayments');
    expect(requestKey(await requestParts(request))).toBe(requestKey(await requestParts(url)));
  });
});

describe('createReplayFetch', () => {
  const recording: Recording = {
    responses: {
      'GET /repos/acme/shop': { status: 200, headers: { 'content-type': 'application/json; charset=utf-8', etag: '"abc"' }, body: { full_name: 'acme/shop' } },
      'GET /not-modified': { status: 304, headers: {}, body: null },
    },
  };

  it('answers a recorded request with its status, headers and body', async () => {
    const replay = createReplayFetch(recording);
    const response = await replay.fetch('https://api.github.com/repos/acme/shop');
    expect(response.status).toBe(200);
    expect(response.headers.get('etag')).toBe('"abc"');
    expect(await response.json()).toEqual({ full_name: 'acme/shop' });
    expect((await replay.fetch('https://api.github.com/not-modified')).status).toBe(304);
    expect(replay.requests).toBe(2);
    expect(replay.misses).toEqual([]);
  });

  it('answers an unknown request 404, saying which and how to record it again, and remembers it', async () => {
    const replay = createReplayFetch(recording);
    const response = await replay.fetch('https://api.github.com/repos/acme/shop/pulls?page=2');
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({
      message:
        "the demo's recording has no answer for GET /repos/acme/shop/pulls?page=2; if the harvesters changed, record it again: npm run build && node scripts/record-demo.js",
    });
    expect(replay.misses).toEqual(['GET /repos/acme/shop/pulls?page=2']);
  });
});

describe('loadRecording', () => {
  it('reads the bundled recording', () => {
    const { responses } = loadRecording();
    expect(Object.keys(responses)).toContain('GET /repos/acme/shop');
    expect(Object.keys(responses)).toContain('GET /api/v4/projects/acme%2Fpayments');
  });

  it('a malformed recording fails naming the file and the field, with exit 3', () => {
    const file = path.join(tempDir(), 'recording.json');
    writeFileSync(file, JSON.stringify({ responses: { 'GET /x': { status: 'ok', headers: {}, body: null } } }));
    let error: unknown;
    try {
      loadRecording(pathToFileURL(file));
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(DorametricsError);
    expect((error as DorametricsError).exitCode).toBe(3);
    expect((error as DorametricsError).message).toContain(`${file} is malformed at responses.GET /x.status`);
  });
});

describe('dorametrics demo with a request missing from the recording', () => {
  it('fails loudly (exit 3) naming the request and how to record it again, instead of showing a partial sample', async () => {
    drop.keys = [/^POST \/graphql PullRequests /];
    const result = await runCli(['demo', '--format', 'json'], { cwd: tempDir() });
    expect(result.code).toBe(3);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(
      /^dorametrics: the demo's recording has no answer for POST \/graphql PullRequests [0-9a-f]{16} \(github:acme\/shop\)\n {2}hint: the harvesters send requests the recording lacks; record it again: npm run build && node scripts\/record-demo\.js\n$/,
    );
  });
});
