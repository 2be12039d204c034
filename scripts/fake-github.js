// A fake GitHub API for end-to-end tests and `npm run bench`: it answers GraphQL by
// executing the query against GitHub's published schema (@octokit/graphql-schema) over an
// in-memory repository, so any document our harvesters send is answered as GitHub would
// shape it; and it answers the REST endpoints the harvest uses. It is a `fetch`: pass it to
// the harvester, or let nock route to it. Every request is counted.
import { schema } from '@octokit/graphql-schema';
import { buildClientSchema, graphql } from 'graphql';

const githubSchema = buildClientSchema(schema.json);

/**
 * @typedef {{ oid: string, parents: string[], authoredDate: string, committedDate?: string, login?: string }} FakeCommit
 * @typedef {{ number: number, title?: string, body?: string, author: string, bot?: boolean, createdAt: string, updatedAt: string,
 *   mergedAt?: string|null, closedAt?: string|null, mergeCommit?: string|null, baseRefName?: string, headRefOid?: string,
 *   isDraft?: boolean, labels?: string[], commits: Array<{ oid: string, authoredDate: string }>,
 *   reviews?: Array<{ login: string, submittedAt: string|null, state?: string }> }} FakePullRequest
 * @typedef {{ databaseId: number, sha: string, environment: string, createdAt: string,
 *   statuses: Array<{ state: string, createdAt: string }> }} FakeDeployment
 * @typedef {{ number: number, title: string, body?: string, labels: string[], createdAt: string, updatedAt: string,
 *   closedAt?: string|null, pullRequest?: boolean }} FakeIssue
 * @typedef {{ defaultBranch?: string, head: string, commits: FakeCommit[], pullRequests: FakePullRequest[],
 *   deployments: FakeDeployment[], issues: FakeIssue[] }} FakeRepository
 */

/** @param {Record<string, FakeRepository>} repositories keyed by "owner/name" */
export function createFakeGitHub(repositories, { baseUrl = 'https://api.github.com' } = {}) {
  /** @type {Array<{ method: string, path: string, operation?: string }>} */
  const requests = [];
  const base = new URL(baseUrl);
  const graphqlPath = base.pathname.replace(/\/api\/v3\/?$/, '/api').replace(/\/$/, '') + '/graphql';

  /** @type {Record<string, string>} old "owner/name" → current: a renamed or transferred repository */
  const redirects = {};
  /** The repository at a name, following renames as GitHub does (REST redirects, GraphQL followRenames). */
  function lookup(owner, name) {
    const key = `${owner}/${name}`;
    const fullName = repositories[key] ? key : redirects[key];
    return fullName && repositories[fullName] ? { fullName, repo: repositories[fullName] } : { fullName: key, repo: undefined };
  }

  const root = {
    repository: ({ owner, name }) => {
      const { fullName, repo } = lookup(owner, name);
      return repo ? repositoryNode(fullName, repo) : null;
    },
    rateLimit: () => ({ limit: 5000, remaining: 4990, used: 10, cost: 1, resetAt: '2030-01-01T00:00:00Z', nodeCount: 100 }),
  };

  /** @param {string|URL|Request} input @param {RequestInit} [init] */
  async function fetch(input, init = {}) {
    const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
    const method = (init.method ?? 'GET').toUpperCase();
    const headers = new Headers(init.headers);
    if (url.pathname === graphqlPath && method === 'POST') {
      const body = JSON.parse(String(init.body));
      const operation = /(?:query|mutation)\s+(\w+)/.exec(body.query)?.[1] ?? 'anonymous';
      requests.push({ method, path: url.pathname, operation });
      const result = await graphql({ schema: githubSchema, source: body.query, rootValue: root, variableValues: body.variables ?? {} });
      if (result.errors) return json(200, { data: result.data ?? null, errors: result.errors.map((e) => ({ message: e.message, path: e.path })) });
      return json(200, { data: result.data });
    }
    requests.push({ method, path: url.pathname + url.search });
    return rest(url, method, headers);
  }

  function rest(url, method, headers) {
    const prefix = base.pathname.replace(/\/$/, '');
    const path = url.pathname.startsWith(prefix) ? url.pathname.slice(prefix.length) : url.pathname;
    let match;
    if ((match = /^\/repos\/([^/]+)\/([^/]+)$/.exec(path))) {
      const { fullName, repo } = lookup(match[1], match[2]);
      if (!repo) return json(404, { message: 'Not Found' });
      return conditional(headers, {
        id: repo.id ?? idOf(fullName),
        full_name: fullName,
        default_branch: repo.defaultBranch ?? 'main',
        html_url: `https://github.com/${fullName}`,
      });
    }
    if ((match = /^\/repos\/([^/]+)\/([^/]+)\/issues$/.exec(path))) {
      const { repo } = lookup(match[1], match[2]);
      if (!repo) return json(404, { message: 'Not Found' });
      const labels = (url.searchParams.get('labels') ?? '').split(',').filter(Boolean);
      const since = url.searchParams.get('since');
      const perPage = Number(url.searchParams.get('per_page') ?? 30);
      const page = Number(url.searchParams.get('page') ?? 1);
      const all = [...repo.issues]
        .filter((issue) => labels.every((label) => issue.labels.includes(label)))
        .filter((issue) => !since || issue.updatedAt >= since)
        .sort((a, b) => (a.updatedAt < b.updatedAt ? 1 : -1))
        .map((issue) => issuePayload(`${match[1]}/${match[2]}`, issue));
      const slice = all.slice((page - 1) * perPage, page * perPage);
      const extra = {};
      if (page * perPage < all.length) {
        const next = new URL(url);
        next.searchParams.set('page', String(page + 1));
        extra.link = `<${next.href}>; rel="next"`;
      }
      return conditional(headers, slice, extra);
    }
    if ((match = /^\/repos\/([^/]+)\/([^/]+)\/compare\/(.+)\.\.\.(.+)$/.exec(path))) {
      const { repo } = lookup(match[1], match[2]);
      const head = repo?.commits.find((c) => c.oid === match[4] || c.oid.startsWith(match[4]));
      if (!repo || !head) return json(404, { message: 'Not Found' });
      const baseAncestors = ancestors(repo, repo.head);
      const onHead = [...ancestors(repo, head.oid)].filter((oid) => !baseAncestors.has(oid));
      const commits = onHead.map((oid) => commitPayload(repo, oid)).reverse();
      return json(200, {
        status: 'diverged', ahead_by: commits.length, behind_by: 0, total_commits: commits.length,
        base_commit: commitPayload(repo, repo.head), merge_base_commit: commitPayload(repo, repo.head), commits, files: [],
      });
    }
    if (path === '/rate_limit') {
      const rate = { limit: 5000, used: 10, remaining: 4990, reset: 1893456000 };
      return json(200, { resources: { core: rate, graphql: rate }, rate });
    }
    if (path === '/user') return json(200, { login: 'octocat', id: 1, type: 'User' });
    return json(404, { message: `Not Found (fake GitHub has no ${method} ${path})` });
  }

  return { fetch, requests, repositories, redirects };
}

function json(status, body, headers = {}) {
  return new Response(status === 304 ? null : JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', 'x-ratelimit-remaining': '4990', ...headers },
  });
}

/** ETag support: the same body answers 304 to a matching If-None-Match. */
function conditional(headers, body, extra = {}) {
  const etag = `"${hash(JSON.stringify(body))}"`;
  if (headers.get('if-none-match') === etag) return json(304, null, { etag, ...extra });
  return json(200, body, { etag, ...extra });
}

function hash(text) {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return (h >>> 0).toString(16);
}

function ancestors(repo, oid) {
  const byOid = new Map(repo.commits.map((c) => [c.oid, c]));
  const seen = new Set();
  const stack = [oid];
  while (stack.length > 0) {
    const current = stack.pop();
    if (seen.has(current) || !byOid.has(current)) continue;
    seen.add(current);
    stack.push(...byOid.get(current).parents);
  }
  return seen;
}

function commitPayload(repo, oid) {
  const commit = repo.commits.find((c) => c.oid === oid);
  return {
    sha: commit.oid,
    commit: {
      author: { name: commit.login ?? 'dev', date: commit.authoredDate },
      committer: { name: commit.login ?? 'dev', date: commit.committedDate ?? commit.authoredDate },
      message: `commit ${commit.oid.slice(0, 7)}`,
    },
    author: commit.login ? { login: commit.login } : null,
    parents: commit.parents.map((sha) => ({ sha })),
  };
}

function issuePayload(fullName, issue) {
  return {
    number: issue.number,
    title: issue.title,
    body: issue.body ?? null,
    state: issue.closedAt ? 'closed' : 'open',
    html_url: `https://github.com/${fullName}/issues/${issue.number}`,
    labels: issue.labels.map((name) => ({ name })),
    created_at: issue.createdAt,
    updated_at: issue.updatedAt,
    closed_at: issue.closedAt ?? null,
    user: { login: 'oncall', type: 'User' },
    ...(issue.pullRequest ? { pull_request: { url: `https://api.github.com/repos/${fullName}/pulls/${issue.number}` } } : {}),
  };
}

/** A connection over `items` with GitHub's cursor pagination (`first`/`after`, `last`). */
function connection(items, { first, after, last } = {}) {
  let start = after ? Number(Buffer.from(after, 'base64').toString().split(':')[1]) + 1 : 0;
  let end = first !== undefined && first !== null ? start + first : items.length;
  if (last !== undefined && last !== null && (first === undefined || first === null)) start = Math.max(items.length - last, start);
  end = Math.min(end, items.length);
  const slice = items.slice(start, end);
  const cursor = (i) => Buffer.from(`cursor:${i}`).toString('base64');
  return {
    totalCount: items.length,
    nodes: slice,
    edges: slice.map((node, i) => ({ node, cursor: cursor(start + i) })),
    pageInfo: {
      hasNextPage: end < items.length,
      hasPreviousPage: start > 0,
      endCursor: slice.length > 0 ? cursor(end - 1) : null,
      startCursor: slice.length > 0 ? cursor(start) : null,
    },
  };
}

function repositoryNode(fullName, repo) {
  const commitsByOid = new Map(repo.commits.map((c) => [c.oid, c]));
  const commitNode = (oid) => {
    const commit = commitsByOid.get(oid);
    if (!commit) return null;
    return {
      __typename: 'Commit',
      id: `C_${oid}`,
      oid,
      abbreviatedOid: oid.slice(0, 7),
      authoredDate: commit.authoredDate,
      committedDate: commit.committedDate ?? commit.authoredDate,
      message: `commit ${oid.slice(0, 7)}`,
      url: `https://github.com/${fullName}/commit/${oid}`,
      author: { name: commit.login ?? 'dev', email: 'dev@example.com', date: commit.authoredDate, user: commit.login ? { login: commit.login } : null },
      parents: (args) => connection(commit.parents.map(commitNode).filter(Boolean), args),
      history: (args) => connection(historyFrom(oid), args),
    };
  };
  // Newest first by committed date, as `git log` and GitHub's history connection list them.
  const historyFrom = (oid) =>
    [...ancestors(repo, oid)]
      .map((sha) => commitsByOid.get(sha))
      .sort((a, b) => ((b.committedDate ?? b.authoredDate) < (a.committedDate ?? a.authoredDate) ? -1 : 1))
      .map((c) => commitNode(c.oid));
  const branch = repo.defaultBranch ?? 'main';
  const ref = { __typename: 'Ref', id: `REF_${branch}`, name: branch, prefix: 'refs/heads/', target: () => commitNode(repo.head) };
  const prNode = (pr) => ({
    __typename: 'PullRequest',
    id: `PR_${fullName}_${pr.number}`,
    number: pr.number,
    title: pr.title ?? `PR ${pr.number}`,
    body: pr.body ?? '',
    url: `https://github.com/${fullName}/pull/${pr.number}`,
    isDraft: pr.isDraft ?? false,
    state: pr.mergedAt ? 'MERGED' : pr.closedAt ? 'CLOSED' : 'OPEN',
    merged: Boolean(pr.mergedAt),
    createdAt: pr.createdAt,
    updatedAt: pr.updatedAt,
    mergedAt: pr.mergedAt ?? null,
    closedAt: pr.closedAt ?? pr.mergedAt ?? null,
    baseRefName: pr.baseRefName ?? branch,
    headRefName: `feature/${pr.number}`,
    headRefOid: pr.headRefOid ?? pr.commits.at(-1)?.oid ?? '0'.repeat(40),
    author: pr.bot ? { __typename: 'Bot', login: pr.author } : { __typename: 'User', login: pr.author },
    mergeCommit: pr.mergeCommit ? { oid: pr.mergeCommit, __typename: 'Commit' } : null,
    labels: (args) => connection((pr.labels ?? []).map((name) => ({ name, id: `L_${name}` })), args),
    commits: (args) =>
      connection(
        pr.commits.map((c, i) => ({ id: `PRC_${pr.number}_${i}`, commit: { __typename: 'Commit', oid: c.oid, authoredDate: c.authoredDate, committedDate: c.authoredDate } })),
        args,
      ),
    reviews: (args) =>
      connection(
        (pr.reviews ?? []).map((r, i) => ({ id: `R_${pr.number}_${i}`, author: { __typename: 'User', login: r.login }, submittedAt: r.submittedAt, state: r.state ?? 'APPROVED' })),
        args,
      ),
  });
  const deploymentNode = (d) => {
    const latest = d.statuses.at(-1);
    return {
      __typename: 'Deployment',
      id: `D_${d.databaseId}`,
      databaseId: d.databaseId,
      commitOid: d.sha,
      environment: d.environment,
      createdAt: d.createdAt,
      updatedAt: latest?.createdAt ?? d.createdAt,
      state: (latest?.state ?? 'pending').toUpperCase(),
      ref: { name: branch },
      latestStatus: latest ? { state: latest.state.toUpperCase(), createdAt: latest.createdAt } : null,
      statuses: (args) => connection(d.statuses.map((s) => ({ state: s.state.toUpperCase(), createdAt: s.createdAt, id: `DS_${d.databaseId}_${s.createdAt}` })), args),
    };
  };
  return {
    __typename: 'Repository',
    id: `R_${fullName}`,
    name: fullName.split('/')[1],
    nameWithOwner: fullName,
    url: `https://github.com/${fullName}`,
    defaultBranchRef: ref,
    ref: ({ qualifiedName }) => (qualifiedName === branch || qualifiedName === `refs/heads/${branch}` ? ref : null),
    object: ({ oid, expression }) => commitNode(oid ?? expression),
    pullRequest: ({ number }) => {
      const pr = repo.pullRequests.find((p) => p.number === number);
      return pr ? prNode(pr) : null;
    },
    pullRequests: (args) =>
      connection(
        [...repo.pullRequests]
          .sort((a, b) => (a.updatedAt < b.updatedAt ? 1 : a.updatedAt > b.updatedAt ? -1 : b.number - a.number))
          .map(prNode),
        args,
      ),
    deployments: (args) =>
      connection(
        repo.deployments
          .filter((d) => !args.environments || args.environments.includes(d.environment))
          .sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : b.databaseId - a.databaseId))
          .map(deploymentNode),
        args,
      ),
  };
}

/** A stable repository id for a name (FNV-1a, 32 bits): the same fake gives the same ids every run. */
function idOf(fullName) {
  let hash = 0x811c9dc5;
  for (const char of fullName) hash = Math.imul(hash ^ char.charCodeAt(0), 0x01000193) >>> 0;
  return hash % 1_000_000_000;
}
