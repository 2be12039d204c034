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
  return rows(store, sql).map((row) => {
    const id = row[0] as string;
    return {
      id,
      repoId: row[1] as string,
      number: row[2] as number,
      title: row[3] as string,
      body: row[4] as string,
      author: row[5] as string | null,
      isBot: row[6] === 1,
      labels: JSON.parse(row[7] as string) as string[],
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
      commits: commitsByPr.get(id) ?? [],
    };
  });
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
