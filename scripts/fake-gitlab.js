// A fake GitLab REST API (v4) for end-to-end tests: an in-memory model of projects (commits
// with their parents, branches, merge requests with their commits and notes, environments
// with their tier, deployments with their job, issues of type incident) answering the
// endpoints the GitLab harvester uses, with GitLab's documented payload shapes, its offset
// pagination headers (x-page, x-next-page, x-prev-page, x-per-page, x-total, x-total-pages,
// Link) and the filters and orders the harvester sends. Anything else answers 404, as GitLab's
// router does. It is a `fetch`: pass it to the harvester, or let nock route to it. Every
// request is recorded (method, path with query, which token header it carried, status).
//
// The model is plain data that a test may change between syncs (push a commit, merge a
// merge request, close an incident): every answer is computed from it at request time.

/**
 * @typedef {import('./fake-gitlab.js').FakeGitLabProject} FakeGitLabProject
 * @typedef {import('./fake-gitlab.js').FakeGitLabCommit} FakeGitLabCommit
 * @typedef {import('./fake-gitlab.js').FakeGitLabUser} FakeGitLabUser
 * @typedef {import('./fake-gitlab.js').FakeGitLabRequest} FakeGitLabRequest
 */

const MAX_PER_PAGE = 100;
const DEFAULT_PER_PAGE = 20;
const RATE_LIMIT = 2000;

/**
 * @param {Record<string, FakeGitLabProject>} projects keyed by path with namespace ("acme/payments")
 * @param {{ baseUrl?: string, privateTokens?: string[], jobTokens?: string[] }} [options]
 */
export function createFakeGitLab(projects, { baseUrl = 'https://gitlab.com', privateTokens, jobTokens } = {}) {
  /** @type {FakeGitLabRequest[]} */
  const requests = [];
  const base = new URL(baseUrl);
  const webBase = `${base.origin}${base.pathname.replace(/\/+$/, '')}`;
  const apiPrefix = `${base.pathname.replace(/\/+$/, '')}/api/v4`;
  const auth = { privateTokens, jobTokens };
  let rateLimitRemaining = RATE_LIMIT;

  /** @param {string|URL|Request} input @param {RequestInit} [init] */
  async function fetch(input, init = {}) {
    const request = input instanceof Request ? input : null;
    const url = new URL(request ? request.url : typeof input === 'string' ? input : input.href);
    const method = (init.method ?? request?.method ?? 'GET').toUpperCase();
    const headers = new Headers(init.headers ?? request?.headers);
    const credential = credentialOf(headers);
    const record = { method, path: url.pathname + url.search, auth: credential.kind, status: 0 };
    requests.push(record);
    const response = answer(url, method, credential);
    record.status = response.status;
    rateLimitRemaining = Math.max(rateLimitRemaining - 1, 0);
    response.headers.set('ratelimit-limit', String(RATE_LIMIT));
    response.headers.set('ratelimit-remaining', String(rateLimitRemaining));
    return response;
  }

  function answer(url, method, credential) {
    if (url.origin !== base.origin || !url.pathname.startsWith(`${apiPrefix}/`)) return notFound();
    if (!authorized(auth, credential)) return json(401, { message: '401 Unauthorized' });
    if (method !== 'GET' && method !== 'HEAD') return notFound();
    const path = url.pathname.slice(apiPrefix.length);
    const query = url.searchParams;
    const segments = path.split('/').slice(1).map((segment) => decodeURIComponent(segment));
    if (segments.length === 1 && segments[0] === 'user') {
      return json(200, { id: 1, username: 'fake-user', name: 'Fake User', state: 'active', locked: false, bot: false, web_url: `${webBase}/fake-user` });
    }
    if (segments[0] !== 'projects' || segments.length < 2) return notFound();
    const found = findProject(projects, segments[1], fake.redirects);
    if (!found) return json(404, { message: '404 Project Not Found' });
    const [fullPath, project] = found;
    const ctx = { fullPath, project, url, query, webBase, id: project.id };
    const rest = segments.slice(2);
    const route = rest.join('/');

    if (route === '') return json(200, projectPayload(ctx));
    if (route === 'repository/commits') return listCommits(ctx);
    if (rest.length === 3 && rest[0] === 'repository' && rest[1] === 'commits') return showCommit(ctx, rest[2]);
    if (route === 'repository/compare') return compare(ctx);
    if (route === 'merge_requests') return listMergeRequests(ctx);
    if (rest.length === 3 && rest[0] === 'merge_requests' && /^\d+$/.test(rest[1])) {
      const mr = project.mergeRequests.find((item) => item.iid === Number(rest[1]));
      if (!mr) return json(404, { message: '404 Not found' });
      if (rest[2] === 'commits') return mergeRequestCommits(ctx, mr);
      if (rest[2] === 'notes') return mergeRequestNotes(ctx, mr);
      return notFound();
    }
    if (route === 'environments') return listEnvironments(ctx);
    if (route === 'deployments') return listDeployments(ctx);
    if (route === 'issues') return listIssues(ctx);
    return notFound();
  }

  const fake = { fetch, requests, projects, redirects: /** @type {Record<string, string>} */ ({}) };
  return fake;
}

// ---------------------------------------------------------------------------------------------
// Authentication

/** The token a request carries, and in which header (GitLab reads these three). */
function credentialOf(headers) {
  const jobToken = headers.get('job-token');
  if (jobToken !== null) return { kind: 'JOB-TOKEN', token: jobToken };
  const privateToken = headers.get('private-token');
  if (privateToken !== null) return { kind: 'PRIVATE-TOKEN', token: privateToken };
  const authorization = headers.get('authorization');
  if (authorization !== null && /^bearer\s/i.test(authorization)) return { kind: 'Authorization', token: authorization.replace(/^bearer\s+/i, '') };
  return { kind: null, token: null };
}

/**
 * Without configured tokens every request with a token is let in; with them, a request must
 * carry one of them in the matching header. No token at all is a 401 (every project of the
 * fake is private).
 */
function authorized(auth, credential) {
  if (credential.token === null) return false;
  if (auth.privateTokens === undefined && auth.jobTokens === undefined) return true;
  if (credential.kind === 'JOB-TOKEN') return (auth.jobTokens ?? []).includes(credential.token);
  return (auth.privateTokens ?? []).includes(credential.token);
}

// ---------------------------------------------------------------------------------------------
// Responses

function json(status, body, headers = {}) {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
}

/** GitLab's answer to a path no route matches. */
function notFound() {
  return json(404, { error: '404 Not Found' });
}

/**
 * One page of an offset-paginated list, as GitLab answers it: `per_page` (default 20, at most
 * 100) and `page` (default 1) from the query, the x-* headers (`x-next-page` and `x-prev-page`
 * empty where there is none) and a Link header whose URLs repeat the request's query.
 */
function paginated(ctx, items) {
  const perPage = Math.min(Math.max(integer(ctx.query.get('per_page')) ?? DEFAULT_PER_PAGE, 1), MAX_PER_PAGE);
  const page = Math.max(integer(ctx.query.get('page')) ?? 1, 1);
  const total = items.length;
  const totalPages = Math.max(Math.ceil(total / perPage), 1);
  const slice = items.slice((page - 1) * perPage, page * perPage);
  const link = (n) => {
    const next = new URL(ctx.url);
    next.searchParams.set('page', String(n));
    next.searchParams.set('per_page', String(perPage));
    return next.href;
  };
  const links = [
    ...(page < totalPages ? [`<${link(page + 1)}>; rel="next"`] : []),
    ...(page > 1 ? [`<${link(page - 1)}>; rel="prev"`] : []),
    `<${link(1)}>; rel="first"`,
    `<${link(totalPages)}>; rel="last"`,
  ];
  return json(200, slice, {
    'x-page': String(page),
    'x-per-page': String(perPage),
    'x-next-page': page < totalPages ? String(page + 1) : '',
    'x-prev-page': page > 1 ? String(page - 1) : '',
    'x-total': String(total),
    'x-total-pages': String(totalPages),
    link: links.join(', '),
  });
}

function integer(text) {
  if (text === null || !/^\d+$/.test(text)) return null;
  return Number(text);
}

/** An ISO 8601 query parameter as epoch ms, undefined when absent, NaN when not a time. */
function timeParam(query, name) {
  const value = query.get(name);
  return value === null ? undefined : Date.parse(value);
}

function badRequest(message) {
  return json(400, { message: `400 Bad request - ${message}` });
}

/** GitLab's time format: always milliseconds and `Z`. */
function iso(text) {
  return text === null || text === undefined ? null : new Date(text).toISOString();
}

function ms(text) {
  return Date.parse(text);
}

/** Sorts by `key` (a number), `asc` or `desc`, ties by id in the same direction, as GitLab's finders do. */
function ordered(items, key, sort, id = (item) => item.id) {
  const sign = sort === 'asc' ? 1 : -1;
  return [...items].sort((a, b) => sign * (key(a) - key(b) || id(a) - id(b)));
}

// ---------------------------------------------------------------------------------------------
// Projects

/** By id, by path, or by a path the project had before a rename or move (GitLab's redirect routes). */
function findProject(projects, key, redirects) {
  if (/^\d+$/.test(key)) return Object.entries(projects).find(([, project]) => project.id === Number(key)) ?? null;
  const byPath = (path) => Object.entries(projects).find(([fullPath]) => fullPath.toLowerCase() === path.toLowerCase()) ?? null;
  const redirect = Object.entries(redirects).find(([from]) => from.toLowerCase() === key.toLowerCase());
  return byPath(key) ?? (redirect ? byPath(redirect[1]) : null);
}

function defaultBranch(project) {
  return project.defaultBranch ?? 'main';
}

function projectPayload(ctx) {
  const { fullPath, project, webBase } = ctx;
  const [namespace] = fullPath.split('/');
  const name = fullPath.split('/').at(-1);
  return {
    id: project.id,
    description: null,
    name,
    name_with_namespace: `${namespace} / ${name}`,
    path: name,
    path_with_namespace: fullPath,
    created_at: '2025-01-01T00:00:00.000Z',
    default_branch: project.commits.length === 0 ? null : defaultBranch(project),
    tag_list: [],
    topics: [],
    ssh_url_to_repo: `git@${new URL(webBase).host}:${fullPath}.git`,
    http_url_to_repo: `${webBase}/${fullPath}.git`,
    web_url: `${webBase}/${fullPath}`,
    readme_url: null,
    forks_count: 0,
    avatar_url: null,
    star_count: 0,
    last_activity_at: '2026-01-01T00:00:00.000Z',
    namespace: { id: 1, name: namespace, path: namespace, kind: 'group', full_path: fullPath.split('/').slice(0, -1).join('/'), parent_id: null, avatar_url: null, web_url: `${webBase}/groups/${namespace}` },
    visibility: 'private',
    archived: false,
    empty_repo: project.commits.length === 0,
    _links: {
      self: `${webBase}/api/v4/projects/${project.id}`,
      issues: `${webBase}/api/v4/projects/${project.id}/issues`,
      merge_requests: `${webBase}/api/v4/projects/${project.id}/merge_requests`,
      repo_branches: `${webBase}/api/v4/projects/${project.id}/repository/branches`,
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Commits

function commitsById(project) {
  return new Map(project.commits.map((commit) => [commit.id, commit]));
}

/** A branch name, a full sha or a sha prefix (at least 4 hex digits), as git resolves a ref. */
function resolveRef(project, ref) {
  if (ref === null) return null;
  const branches = project.branches ?? {};
  if (Object.hasOwn(branches, ref)) return branches[ref];
  if (/^[0-9a-f]{4,40}$/i.test(ref)) {
    const lower = ref.toLowerCase();
    const matches = project.commits.filter((commit) => commit.id.startsWith(lower));
    if (matches.length === 1) return matches[0].id;
  }
  return null;
}

/** Every commit reachable from `sha` (itself included); `firstParent` follows first parents only. */
function ancestors(project, sha, firstParent = false) {
  const byId = commitsById(project);
  const seen = new Set();
  const stack = [sha];
  while (stack.length > 0) {
    const current = stack.pop();
    if (seen.has(current) || !byId.has(current)) continue;
    seen.add(current);
    const parents = byId.get(current).parent_ids;
    stack.push(...(firstParent ? parents.slice(0, 1) : parents));
  }
  return seen;
}

/** `git log` order: newest committed first; a commit defined later first among equal times. */
function logOrder(project, shas) {
  const position = new Map(project.commits.map((commit, index) => [commit.id, index]));
  const byId = commitsById(project);
  return [...shas]
    .map((sha) => byId.get(sha))
    .sort((a, b) => ms(committedDate(b)) - ms(committedDate(a)) || position.get(b.id) - position.get(a.id));
}

function committedDate(commit) {
  return commit.committed_date ?? commit.authored_date;
}

/** `API::Entities::Commit`. */
function commitPayload(ctx, commit) {
  const title = commit.title ?? `Commit ${commit.id.slice(0, 8)}`;
  const author = commit.author_name ?? 'Dev Eloper';
  const email = `${author.split(' ')[0].toLowerCase()}@example.com`;
  return {
    id: commit.id,
    short_id: commit.id.slice(0, 8),
    created_at: iso(committedDate(commit)),
    parent_ids: [...commit.parent_ids],
    title,
    message: `${title}\n`,
    author_name: author,
    author_email: email,
    authored_date: iso(commit.authored_date),
    committer_name: author,
    committer_email: email,
    committed_date: iso(committedDate(commit)),
    trailers: {},
    extended_trailers: {},
    web_url: `${ctx.webBase}/${ctx.fullPath}/-/commit/${commit.id}`,
  };
}

/** `GET /projects/:id/repository/commits`: `ref_name` (default branch), `since`, `until`, `first_parent`. */
function listCommits(ctx) {
  const { project, query } = ctx;
  const refName = query.get('ref_name') ?? defaultBranch(project);
  const tip = resolveRef(project, refName);
  if (tip === null) return paginated(ctx, []);
  const since = timeParam(query, 'since');
  const until = timeParam(query, 'until');
  if (Number.isNaN(since) || Number.isNaN(until)) return badRequest('since, until are invalid');
  const commits = logOrder(project, ancestors(project, tip, query.get('first_parent') === 'true'))
    .filter((commit) => since === undefined || ms(committedDate(commit)) >= since)
    .filter((commit) => until === undefined || ms(committedDate(commit)) <= until);
  return paginated(ctx, commits.map((commit) => commitPayload(ctx, commit)));
}

/** `GET /projects/:id/repository/commits/:sha` (with its stats unless `stats=false`). */
function showCommit(ctx, ref) {
  const sha = resolveRef(ctx.project, ref);
  const commit = sha === null ? undefined : commitsById(ctx.project).get(sha);
  if (!commit) return json(404, { message: '404 Commit Not Found' });
  const payload = commitPayload(ctx, commit);
  if (ctx.query.get('stats') !== 'false') payload.stats = { additions: 1, deletions: 0, total: 1 };
  return json(200, { ...payload, last_pipeline: null, status: null, project_id: ctx.id });
}

/**
 * `GET /projects/:id/repository/compare?from=…&to=…`: the commits of `to` that `from` does not
 * reach, oldest first, not paginated; `commit` is the last of them. An unknown ref is a 404.
 */
function compare(ctx) {
  const { project, query } = ctx;
  const fromRef = query.get('from');
  const toRef = query.get('to');
  if (fromRef === null || toRef === null) return badRequest(`${fromRef === null ? 'from' : 'to'} is missing`);
  const from = resolveRef(project, fromRef);
  const to = resolveRef(project, toRef);
  if (from === null || to === null) return json(404, { message: '404 Ref Not Found' });
  const reached = ancestors(project, from);
  const commits = logOrder(project, [...ancestors(project, to)].filter((sha) => !reached.has(sha))).reverse().map((commit) => commitPayload(ctx, commit));
  return json(200, {
    commit: commits.at(-1) ?? null,
    commits,
    diffs: [],
    compare_timeout: false,
    compare_same_ref: from === to,
    web_url: `${ctx.webBase}/${ctx.fullPath}/-/compare/${from}...${to}`,
  });
}

// ---------------------------------------------------------------------------------------------
// Merge requests

/** `UserBasic`. */
function userPayload(ctx, user) {
  return {
    id: user.id,
    username: user.username,
    name: user.name ?? user.username,
    state: 'active',
    locked: false,
    avatar_url: `https://secure.gravatar.com/avatar/${user.id}?s=80&d=identicon`,
    web_url: `${ctx.webBase}/${user.username}`,
  };
}

function mergeRequestPayload(ctx, mr) {
  const merged = mr.state === 'merged';
  const author = userPayload(ctx, mr.author);
  const draft = mr.draft ?? false;
  return {
    id: ctx.id * 1000 + mr.iid,
    iid: mr.iid,
    project_id: ctx.id,
    title: mr.title ?? `MR ${mr.iid}`,
    description: mr.description ?? '',
    state: mr.state,
    created_at: iso(mr.created_at),
    updated_at: iso(mr.updated_at),
    merged_by: merged ? author : null,
    merge_user: merged ? author : null,
    merged_at: merged ? iso(mr.merged_at) : null,
    merge_after: null,
    prepared_at: iso(mr.created_at),
    closed_by: mr.state === 'closed' ? author : null,
    closed_at: mr.state === 'closed' ? iso(mr.closed_at ?? mr.updated_at) : null,
    target_branch: mr.target_branch ?? defaultBranch(ctx.project),
    source_branch: mr.source_branch ?? `feature-${mr.iid}`,
    user_notes_count: (mr.notes ?? []).filter((note) => !note.system).length,
    upvotes: 0,
    downvotes: 0,
    author,
    assignees: [author],
    assignee: author,
    reviewers: [],
    source_project_id: ctx.id,
    target_project_id: ctx.id,
    labels: [...(mr.labels ?? [])],
    draft,
    imported: false,
    imported_from: 'none',
    work_in_progress: draft,
    milestone: null,
    merge_when_pipeline_succeeds: false,
    merge_status: merged ? 'merged' : 'can_be_merged',
    detailed_merge_status: merged ? 'merged' : 'mergeable',
    sha: mr.sha,
    merge_commit_sha: merged ? (mr.merge_commit_sha ?? null) : null,
    squash_commit_sha: merged ? (mr.squash_commit_sha ?? null) : null,
    discussion_locked: null,
    should_remove_source_branch: true,
    force_remove_source_branch: true,
    reference: `!${mr.iid}`,
    references: { short: `!${mr.iid}`, relative: `!${mr.iid}`, full: `${ctx.fullPath}!${mr.iid}` },
    web_url: `${ctx.webBase}/${ctx.fullPath}/-/merge_requests/${mr.iid}`,
    time_stats: { time_estimate: 0, total_time_spent: 0, human_time_estimate: null, human_total_time_spent: null },
    squash: mr.squash_commit_sha != null,
    squash_on_merge: mr.squash_commit_sha != null,
    task_completion_status: { count: 0, completed_count: 0 },
    has_conflicts: false,
    blocking_discussions_resolved: true,
  };
}

const MR_ORDER_KEYS = {
  created_at: (mr) => ms(mr.created_at),
  updated_at: (mr) => ms(mr.updated_at),
  merged_at: (mr) => ms(mr.merged_at ?? mr.updated_at),
};

/**
 * `GET /projects/:id/merge_requests`: `state` (opened, closed, locked, merged, all), `order_by`
 * (created_at by default, updated_at, merged_at), `sort` (desc by default), `updated_after` /
 * `updated_before` / `created_after` / `created_before` (inclusive), `target_branch`, `labels`.
 */
function listMergeRequests(ctx) {
  const { project, query } = ctx;
  const state = query.get('state') ?? 'all';
  if (!['opened', 'closed', 'locked', 'merged', 'all'].includes(state)) return badRequest('state does not have a valid value');
  const orderBy = query.get('order_by') ?? 'created_at';
  const key = MR_ORDER_KEYS[orderBy];
  if (!key) return badRequest('order_by does not have a valid value');
  const sort = query.get('sort') ?? 'desc';
  if (sort !== 'asc' && sort !== 'desc') return badRequest('sort does not have a valid value');
  const bounds = timeBounds(query);
  if (bounds === null) return badRequest('a time filter is invalid');
  const target = query.get('target_branch');
  const labels = (query.get('labels') ?? '').split(',').filter(Boolean);
  const items = project.mergeRequests
    .filter((mr) => state === 'all' || mr.state === state)
    .filter((mr) => bounds.accepts(mr))
    .filter((mr) => target === null || (mr.target_branch ?? defaultBranch(project)) === target)
    .filter((mr) => labels.every((label) => (mr.labels ?? []).includes(label)));
  return paginated(ctx, ordered(items, key, sort, (mr) => mr.iid).map((mr) => mergeRequestPayload(ctx, mr)));
}

/** `updated_after`, `updated_before`, `created_after`, `created_before`: all inclusive; null when one is not a time. */
function timeBounds(query) {
  const updatedAfter = timeParam(query, 'updated_after');
  const updatedBefore = timeParam(query, 'updated_before');
  const createdAfter = timeParam(query, 'created_after');
  const createdBefore = timeParam(query, 'created_before');
  if ([updatedAfter, updatedBefore, createdAfter, createdBefore].some((value) => Number.isNaN(value))) return null;
  return {
    accepts: (item) =>
      (updatedAfter === undefined || ms(item.updated_at) >= updatedAfter) &&
      (updatedBefore === undefined || ms(item.updated_at) <= updatedBefore) &&
      (createdAfter === undefined || ms(item.created_at) >= createdAfter) &&
      (createdBefore === undefined || ms(item.created_at) <= createdBefore),
  };
}

/** `GET /projects/:id/merge_requests/:iid/commits`: newest first (as GitLab lists them), paginated. */
function mergeRequestCommits(ctx, mr) {
  const byId = commitsById(ctx.project);
  const commits = mr.commits.map((sha) => {
    const commit = byId.get(sha);
    if (!commit) throw new Error(`fake GitLab: merge request !${mr.iid} names commit ${sha}, which the project does not have`);
    return commit;
  });
  // The model lists them oldest first; GitLab answers newest first.
  return paginated(ctx, [...commits].reverse().map((commit) => commitPayload(ctx, commit)));
}

/** `GET /projects/:id/merge_requests/:iid/notes`: `order_by` created_at (default) or updated_at, `sort` desc by default. */
function mergeRequestNotes(ctx, mr) {
  const { query } = ctx;
  const orderBy = query.get('order_by') ?? 'created_at';
  if (orderBy !== 'created_at' && orderBy !== 'updated_at') return badRequest('order_by does not have a valid value');
  const sort = query.get('sort') ?? 'desc';
  if (sort !== 'asc' && sort !== 'desc') return badRequest('sort does not have a valid value');
  const notes = ordered(mr.notes ?? [], (note) => ms(orderBy === 'updated_at' ? (note.updated_at ?? note.created_at) : note.created_at), sort);
  return paginated(
    ctx,
    notes.map((note) => ({
      id: note.id,
      type: null,
      body: note.body,
      attachment: null,
      author: userPayload(ctx, note.author),
      created_at: iso(note.created_at),
      updated_at: iso(note.updated_at ?? note.created_at),
      system: note.system ?? false,
      noteable_id: ctx.id * 1000 + mr.iid,
      noteable_type: 'MergeRequest',
      project_id: ctx.id,
      commit_id: null,
      resolvable: false,
      confidential: false,
      internal: false,
      imported: false,
      imported_from: 'none',
      noteable_iid: mr.iid,
      commands_changes: {},
    })),
  );
}

// ---------------------------------------------------------------------------------------------
// Environments and deployments

function environmentPayload(ctx, environment, { withTier }) {
  const slug = environment.name.toLowerCase().replace(/[^a-z0-9]+/g, '-');
  return {
    id: environment.id,
    name: environment.name,
    slug,
    external_url: `https://${slug}.${ctx.fullPath.split('/').at(-1)}.example.com`,
    created_at: '2025-11-02T10:00:00.000Z',
    updated_at: '2026-03-01T10:00:00.000Z',
    // `EnvironmentBasic` (embedded in a deployment) has no tier and no state.
    ...(withTier ? { state: environment.state ?? 'available', tier: environment.tier ?? 'other' } : {}),
  };
}

/** `GET /projects/:id/environments`: `name`, `search`, `states`; by id, paginated. */
function listEnvironments(ctx) {
  const { project, query } = ctx;
  const name = query.get('name');
  const search = query.get('search');
  const states = query.get('states');
  const items = [...project.environments]
    .sort((a, b) => a.id - b.id)
    .filter((environment) => name === null || environment.name === name)
    .filter((environment) => search === null || environment.name.includes(search))
    .filter((environment) => states === null || (environment.state ?? 'available') === states);
  return paginated(ctx, items.map((environment) => environmentPayload(ctx, environment, { withTier: true })));
}

const JOB_STATUS = { success: 'success', failed: 'failed', canceled: 'canceled', running: 'running', created: 'created', blocked: 'manual' };

function deploymentPayload(ctx, deployment) {
  const environment = ctx.project.environments.find((item) => item.name === deployment.environment);
  if (!environment) throw new Error(`fake GitLab: deployment ${deployment.id} names environment ${deployment.environment}, which the project does not have`);
  const commit = commitsById(ctx.project).get(deployment.sha);
  const user = userPayload(ctx, deployment.user ?? { id: 12, username: 'deployer', name: 'Deploy Er' });
  const jobId = 7000 + deployment.id;
  const deployable =
    deployment.deployable === false
      ? null
      : {
          id: jobId,
          status: JOB_STATUS[deployment.status] ?? deployment.status,
          stage: 'deploy',
          name: `deploy:${deployment.environment}`,
          ref: deployment.ref,
          tag: false,
          coverage: null,
          allow_failure: false,
          created_at: iso(deployment.created_at),
          started_at: iso(deployment.created_at),
          finished_at: iso(deployment.finished_at ?? null),
          erased_at: null,
          duration: deployment.finished_at ? (ms(deployment.finished_at) - ms(deployment.created_at)) / 1000 : null,
          queued_duration: 1.2,
          user,
          commit: commit ? commitPayload(ctx, commit) : null,
          pipeline: {
            id: 3000 + deployment.id,
            iid: deployment.id,
            project_id: ctx.id,
            sha: deployment.sha,
            ref: deployment.ref,
            status: JOB_STATUS[deployment.status] ?? deployment.status,
            source: 'push',
            created_at: iso(deployment.created_at),
            updated_at: iso(deployment.updated_at),
            web_url: `${ctx.webBase}/${ctx.fullPath}/-/pipelines/${3000 + deployment.id}`,
          },
          web_url: `${ctx.webBase}/${ctx.fullPath}/-/jobs/${jobId}`,
          project: { ci_job_token_scope_enabled: false },
          artifacts: [],
          runner: null,
          artifacts_expire_at: null,
          tag_list: [],
        };
  return {
    id: deployment.id,
    iid: deployment.iid ?? deployment.id,
    ref: deployment.ref,
    sha: deployment.sha,
    created_at: iso(deployment.created_at),
    updated_at: iso(deployment.updated_at),
    status: deployment.status,
    user,
    environment: environmentPayload(ctx, environment, { withTier: false }),
    deployable,
  };
}

const DEPLOYMENT_ORDER_KEYS = {
  id: (deployment) => deployment.id,
  iid: (deployment) => deployment.iid ?? deployment.id,
  created_at: (deployment) => ms(deployment.created_at),
  updated_at: (deployment) => ms(deployment.updated_at),
  finished_at: (deployment) => ms(deployment.finished_at ?? deployment.updated_at),
};

/**
 * `GET /projects/:id/deployments`: `order_by` (id by default, iid, created_at, updated_at,
 * finished_at), `sort` (asc by default), `updated_after` / `updated_before` (inclusive, and,
 * as GitLab's DeploymentsFinder insists, paired with `order_by=updated_at` both ways),
 * `finished_after` / `finished_before` (paired with `order_by=finished_at`, and with `status=success`),
 * `environment` (a name), `status`.
 */
function listDeployments(ctx) {
  const { project, query } = ctx;
  const orderBy = query.get('order_by') ?? 'id';
  const key = DEPLOYMENT_ORDER_KEYS[orderBy];
  if (!key) return badRequest('order_by does not have a valid value');
  const sort = query.get('sort') ?? 'asc';
  if (sort !== 'asc' && sort !== 'desc') return badRequest('sort does not have a valid value');
  const updatedAfter = timeParam(query, 'updated_after');
  const updatedBefore = timeParam(query, 'updated_before');
  const finishedAfter = timeParam(query, 'finished_after');
  const finishedBefore = timeParam(query, 'finished_before');
  if ([updatedAfter, updatedBefore, finishedAfter, finishedBefore].some((value) => Number.isNaN(value))) return badRequest('a time filter is invalid');
  const byUpdated = updatedAfter !== undefined || updatedBefore !== undefined;
  const byFinished = finishedAfter !== undefined || finishedBefore !== undefined;
  if (byUpdated && byFinished) return badRequest('Both `updated_at` filter and `finished_at` filter can not be specified');
  if (byUpdated !== (orderBy === 'updated_at')) return badRequest('`updated_at` filter and `updated_at` sorting must be paired');
  if (byFinished !== (orderBy === 'finished_at')) return badRequest('`finished_at` filter and `finished_at` sorting must be paired');
  if (byFinished && query.get('status') !== 'success') return badRequest('`finished_at` filter requires `success` status filter');
  const environment = query.get('environment');
  const status = query.get('status');
  const items = project.deployments
    .filter((deployment) => environment === null || deployment.environment === environment)
    .filter((deployment) => status === null || deployment.status === status)
    .filter((deployment) => updatedAfter === undefined || ms(deployment.updated_at) >= updatedAfter)
    .filter((deployment) => updatedBefore === undefined || ms(deployment.updated_at) <= updatedBefore)
    .filter((deployment) => finishedAfter === undefined || (deployment.finished_at != null && ms(deployment.finished_at) >= finishedAfter))
    .filter((deployment) => finishedBefore === undefined || (deployment.finished_at != null && ms(deployment.finished_at) <= finishedBefore));
  return paginated(ctx, ordered(items, key, sort).map((deployment) => deploymentPayload(ctx, deployment)));
}

// ---------------------------------------------------------------------------------------------
// Issues

function issuePayload(ctx, issue) {
  const type = issue.issue_type ?? 'issue';
  const closed = issue.closed_at != null;
  const author = userPayload(ctx, issue.author ?? { id: 13, username: 'oncall', name: 'On Call' });
  return {
    id: ctx.id * 1000 + issue.iid,
    iid: issue.iid,
    project_id: ctx.id,
    title: issue.title,
    description: issue.description ?? null,
    state: closed ? 'closed' : 'opened',
    created_at: iso(issue.created_at),
    updated_at: iso(issue.updated_at),
    closed_at: closed ? iso(issue.closed_at) : null,
    closed_by: closed ? author : null,
    labels: [...(issue.labels ?? [])],
    milestone: null,
    assignees: [],
    author,
    type: type.toUpperCase(),
    assignee: null,
    user_notes_count: 0,
    merge_requests_count: 0,
    upvotes: 0,
    downvotes: 0,
    due_date: null,
    confidential: false,
    discussion_locked: null,
    issue_type: type,
    web_url: `${ctx.webBase}/${ctx.fullPath}/-/issues/${type === 'incident' ? 'incident/' : ''}${issue.iid}`,
    time_stats: { time_estimate: 0, total_time_spent: 0, human_time_estimate: null, human_total_time_spent: null },
    task_completion_status: { count: 0, completed_count: 0 },
    has_tasks: false,
    _links: {
      self: `${ctx.webBase}/api/v4/projects/${ctx.id}/issues/${issue.iid}`,
      notes: `${ctx.webBase}/api/v4/projects/${ctx.id}/issues/${issue.iid}/notes`,
      award_emoji: `${ctx.webBase}/api/v4/projects/${ctx.id}/issues/${issue.iid}/award_emoji`,
      project: `${ctx.webBase}/api/v4/projects/${ctx.id}`,
      closed_as_duplicate_of: null,
    },
    references: { short: `#${issue.iid}`, relative: `#${issue.iid}`, full: `${ctx.fullPath}#${issue.iid}` },
    severity: issue.severity ?? 'UNKNOWN',
    moved_to_id: null,
    service_desk_reply_to: null,
  };
}

const ISSUE_ORDER_KEYS = { created_at: (issue) => ms(issue.created_at), updated_at: (issue) => ms(issue.updated_at) };

/**
 * `GET /projects/:id/issues`: `issue_type` (issue, incident, test_case, task), `state` (opened,
 * closed, all by default), `order_by` (created_at by default, updated_at), `sort` (desc by
 * default), `updated_after` / `updated_before` / `created_after` / `created_before` (inclusive), `labels`.
 */
function listIssues(ctx) {
  const { project, query } = ctx;
  const issueType = query.get('issue_type');
  if (issueType !== null && !['issue', 'incident', 'test_case', 'task'].includes(issueType)) return badRequest('issue_type does not have a valid value');
  const state = query.get('state') ?? 'all';
  if (!['opened', 'closed', 'all'].includes(state)) return badRequest('state does not have a valid value');
  const orderBy = query.get('order_by') ?? 'created_at';
  const key = ISSUE_ORDER_KEYS[orderBy];
  if (!key) return badRequest('order_by does not have a valid value');
  const sort = query.get('sort') ?? 'desc';
  if (sort !== 'asc' && sort !== 'desc') return badRequest('sort does not have a valid value');
  const bounds = timeBounds(query);
  if (bounds === null) return badRequest('a time filter is invalid');
  const labels = (query.get('labels') ?? '').split(',').filter(Boolean);
  const items = project.issues
    .filter((issue) => issueType === null || (issue.issue_type ?? 'issue') === issueType)
    .filter((issue) => state === 'all' || (state === 'closed') === (issue.closed_at != null))
    .filter((issue) => bounds.accepts(issue))
    .filter((issue) => labels.every((label) => (issue.labels ?? []).includes(label)));
  return paginated(ctx, ordered(items, key, sort, (issue) => issue.iid).map((issue) => issuePayload(ctx, issue)));
}
