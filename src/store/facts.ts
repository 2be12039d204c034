import type {
  Commit,
  Deployment,
  DeploymentStatus,
  Facts,
  Forge,
  Incident,
  PullRequest,
  PullRequestCommit,
  PullRequestState,
  Repository,
} from '../domain/types.js';
import { read, statement, type Store } from './db.js';

/**
 * Loads every fact the metric engine reads (SPEC §4) with one query per table; child rows are
 * grouped in memory, never fetched per parent, so a store of 100k commits and 20k PRs loads in
 * a fraction of a second. Rows come back in raw (array) mode, which skips building an object
 * per row. Every array has a deterministic order: by id, or by repository and sha.
 */
export function loadFacts(store: Store): Facts {
  return read(store, () => {
    // One read transaction: the six queries see one snapshot even while a sync writes (WAL).
    const load = store.db.transaction(() => ({
      repositories: loadRepositories(store),
      commits: loadCommits(store),
      pullRequests: loadPullRequests(store),
      deployments: loadDeployments(store),
      incidents: loadIncidents(store),
    }));
    return load.deferred();
  });
}

type Row = unknown[];

function rows(store: Store, sql: string): Row[] {
  return statement(store, sql).raw(true).all() as Row[];
}

function loadRepositories(store: Store): Repository[] {
  return rows(store, 'SELECT id, forge, full_name, default_branch, web_url FROM repositories ORDER BY id').map(
    (row) => ({
      id: row[0] as string,
      forge: row[1] as Forge,
      fullName: row[2] as string,
      defaultBranch: row[3] as string | null,
      webUrl: row[4] as string | null,
    }),
  );
}

function loadCommits(store: Store): Commit[] {
  const result = rows(
    store,
    'SELECT repo_id, sha, authored_at, committed_at, author, parents FROM commits ORDER BY repo_id, sha',
  );
  const commits = new Array<Commit>(result.length);
  // Repository ids and authors repeat across 100k rows: keeping one copy of each spares the
  // garbage collector most of the strings it would otherwise carry into the old generation.
  const shared = new Map<string, string>();
  const intern = (text: string | null): string | null => {
    if (text === null) return null;
    const known = shared.get(text);
    if (known !== undefined) return known;
    shared.set(text, text);
    return text;
  };
  for (let i = 0; i < result.length; i++) {
    const row = result[i]!;
    const parents = row[5] as string;
    commits[i] = {
      repoId: intern(row[0] as string)!,
      sha: row[1] as string,
      authoredAt: row[2] as number | null,
      committedAt: row[3] as number | null,
      author: intern(row[4] as string | null),
      parents: parents === '' ? [] : parents.split(' '),
    };
  }
  return commits;
}

function loadPullRequests(store: Store): PullRequest[] {
  const commitsByPr = new Map<string, PullRequestCommit[]>();
  for (const row of rows(store, 'SELECT pr_id, sha, authored_at FROM pull_request_commits ORDER BY pr_id, position')) {
    const prId = row[0] as string;
    let list = commitsByPr.get(prId);
    if (!list) {
      list = [];
      commitsByPr.set(prId, list);
    }
    list.push({ sha: row[1] as string, authoredAt: row[2] as number | null });
  }
  const sql = `
    SELECT id, repo_id, number, title, body, author, is_bot, labels, created_at, first_commit_at,
           first_review_at, merged_at, merge_commit_sha, squash_commit_sha, head_sha, base_branch,
           state, is_draft, url
    FROM pull_requests ORDER BY id`;
  return rows(store, sql).map((row) => pullRequestFromRow(row, commitsByPr.get(row[0] as string) ?? []));
}

/** A PR from a row of the 19 columns both PR queries select, in the same order. */
function pullRequestFromRow(row: Row, commits: PullRequestCommit[]): PullRequest {
  return {
    id: row[0] as string,
    repoId: row[1] as string,
    number: row[2] as number,
    title: row[3] as string,
    body: row[4] as string,
    author: row[5] as string | null,
    isBot: row[6] === 1,
    labels: row[7] === '[]' ? [] : (JSON.parse(row[7] as string) as string[]),
    createdAt: row[8] as number,
    firstCommitAt: row[9] as number | null,
    firstReviewAt: row[10] as number | null,
    mergedAt: row[11] as number | null,
    mergeCommitSha: row[12] as string | null,
    squashCommitSha: row[13] as string | null,
    headSha: row[14] as string | null,
    baseBranch: row[15] as string | null,
    state: row[16] as PullRequestState,
    isDraft: row[17] === 1,
    url: row[18] as string | null,
    commits,
  };
}

function loadDeployments(store: Store): Deployment[] {
  const statusesByDeployment = new Map<string, DeploymentStatus[]>();
  const statusSql = 'SELECT deployment_id, state, created_at FROM deployment_statuses ORDER BY deployment_id, position';
  for (const row of rows(store, statusSql)) {
    const deploymentId = row[0] as string;
    let list = statusesByDeployment.get(deploymentId);
    if (!list) {
      list = [];
      statusesByDeployment.set(deploymentId, list);
    }
    list.push({ state: row[1] as string, at: row[2] as number });
  }
  const sql = `
    SELECT id, repo_id, environment, tier, sha, source, status, created_at, finished_at, url
    FROM deployments ORDER BY id`;
  return rows(store, sql).map((row) => {
    const id = row[0] as string;
    return {
      id,
      repoId: row[1] as string,
      environment: row[2] as string,
      tier: row[3] as string | null,
      sha: row[4] as string,
      source: row[5] as string,
      status: row[6] as string,
      createdAt: row[7] as number,
      finishedAt: row[8] as number | null,
      statuses: statusesByDeployment.get(id) ?? [],
      url: row[9] as string | null,
    };
  });
}

function loadIncidents(store: Store): Incident[] {
  const sql = `
    SELECT id, repo_id, title, body, source, created_at, resolved_at, severity, url
    FROM incidents ORDER BY id`;
  return rows(store, sql).map((row) => ({
    id: row[0] as string,
    repoId: row[1] as string,
    title: row[2] as string,
    body: row[3] as string,
    source: row[4] as string,
    createdAt: row[5] as number,
    resolvedAt: row[6] as number | null,
    severity: row[7] as string | null,
    url: row[8] as string | null,
  }));
}

/** What `loadMetricFacts` loads: the repositories in scope, and how much of each commit. */
export interface MetricFactsOptions {
  repoIds: readonly string[];
  /** Authored times and authors of every commit: only `leadTime.unit: "commit"` needs them. */
  commitDetail: boolean;
}

/** The ids of every repository the store knows (record, import and sync all add a row). */
export function listRepositoryIds(store: Store): string[] {
  return read(store, () => statement(store, 'SELECT id FROM repositories ORDER BY id').pluck(true).all() as string[]);
}

/**
 * Loads what the metric engine reads for the repositories in scope, and no more: the commit
 * graph as shas and parents (with authored times only when asked), merged PRs only (the
 * engine ignores the others), each PR's earliest commit time computed by SQLite instead of
 * its whole commit list (SPEC §5.4 only needs the minimum), and PR bodies only where they can
 * name a revert (SPEC §5.6 reads nothing else in them). Materialising fewer strings is what
 * keeps a 100k-commit report fast.
 */
export function loadMetricFacts(store: Store, options: MetricFactsOptions): Facts {
  const inScope = new Set(options.repoIds);
  return read(store, () => {
    const load = store.db.transaction((): Facts => {
      const facts: Facts = {
        repositories: loadRepositories(store).filter((repository) => inScope.has(repository.id)),
        commits: [],
        pullRequests: [],
        deployments: loadDeployments(store).filter((deployment) => inScope.has(deployment.repoId)),
        incidents: loadIncidents(store).filter((incident) => inScope.has(incident.repoId)),
      };
      for (const repoId of options.repoIds) {
        appendGraphCommits(store, repoId, options.commitDetail, facts.commits);
        appendMergedPullRequests(store, repoId, facts.pullRequests);
      }
      return facts;
    });
    return load.deferred();
  });
}

/**
 * One string per commit (`sha parent parent…`): better-sqlite3 builds a row array and a
 * string per column, and for 100k commits that allocation, not SQLite, is the cost.
 */
function appendGraphCommits(store: Store, repoId: string, detail: boolean, into: Commit[]): void {
  const lines = statement(store, "SELECT sha || ' ' || parents FROM commits WHERE repo_id = ? ORDER BY sha")
    .pluck(true)
    .all(repoId) as string[];
  const details = detail
    ? (statement(store, 'SELECT authored_at, committed_at, author FROM commits WHERE repo_id = ? ORDER BY sha').raw(true).all(repoId) as Row[])
    : null;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const space = line.indexOf(' ');
    const parents = line.slice(space + 1);
    const row = details?.[i];
    into.push({
      repoId,
      sha: line.slice(0, space),
      authoredAt: row ? (row[0] as number | null) : null,
      committedAt: row ? (row[1] as number | null) : null,
      author: row ? (row[2] as string | null) : null,
      parents: parents === '' ? [] : parents.split(' '),
    });
  }
}

function appendMergedPullRequests(store: Store, repoId: string, into: PullRequest[]): void {
  const sql = `
    SELECT p.id, p.repo_id, p.number, p.title,
           CASE WHEN p.body LIKE '%revert%' THEN p.body ELSE '' END,
           p.author, p.is_bot, p.labels, p.created_at,
           COALESCE((SELECT MIN(c.authored_at) FROM pull_request_commits c WHERE c.pr_id = p.id), p.first_commit_at),
           p.first_review_at, p.merged_at, p.merge_commit_sha, p.squash_commit_sha, p.head_sha, p.base_branch,
           p.state, p.is_draft, p.url
    FROM pull_requests p WHERE p.repo_id = ? AND p.merged_at IS NOT NULL ORDER BY p.id`;
  for (const row of statement(store, sql).raw(true).all(repoId) as Row[]) into.push(pullRequestFromRow(row, []));
}
