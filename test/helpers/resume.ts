import { closeStore, openStore } from '../../src/store/index.js';

/**
 * What the resume tests compare: every fact and cursor in a store, in a stable order (the
 * sync state without its write time).
 */
export function storeDump(path: string): unknown {
  const store = openStore(path);
  try {
    const all = (sql: string) => store.db.prepare(sql).all();
    return {
      repositories: all('SELECT * FROM repositories ORDER BY id'),
      commits: all('SELECT * FROM commits ORDER BY repo_id, sha'),
      pullRequests: all('SELECT * FROM pull_requests ORDER BY id'),
      pullRequestCommits: all('SELECT * FROM pull_request_commits ORDER BY pr_id, sha'),
      deployments: all('SELECT * FROM deployments ORDER BY id'),
      statuses: all('SELECT * FROM deployment_statuses ORDER BY deployment_id, position'),
      incidents: all('SELECT * FROM incidents ORDER BY id'),
      syncState: all('SELECT source, resource, cursor, high_water, pending_high_water, config_hash, etag FROM sync_state ORDER BY source, resource'),
    };
  } finally {
    closeStore(store);
  }
}

/**
 * A fetch that dies on its `failAt`-th request, like a killed process: a 401, which no client
 * retries, carrying the forge's own message.
 */
export function dyingFetch(fake: { fetch: typeof fetch }, failAt: number, message: string): typeof fetch {
  let count = 0;
  return async (input, init) => {
    count++;
    if (count === failAt) return new Response(JSON.stringify({ message }), { status: 401, headers: { 'content-type': 'application/json' } });
    return fake.fetch(input as string, init);
  };
}
