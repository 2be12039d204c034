/**
 * Numbered schema migrations (SPEC §4: "schema changes go through numbered migrations; an old
 * store is upgraded in place and never silently dropped"). Migration N brings a store from
 * `PRAGMA user_version` N−1 to N. Never edit a migration once released: add the next one.
 *
 * Every time is an INTEGER of epoch milliseconds, as in `src/domain/types.ts`. Tokens are
 * never stored (SPEC §7): no table has a column for one.
 */

export interface Migration {
  version: number;
  description: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'the facts of SPEC §4 and the sync state of SPEC §7',
    sql: `
      CREATE TABLE repositories (
        id             TEXT PRIMARY KEY,
        forge          TEXT NOT NULL,
        full_name      TEXT NOT NULL,
        default_branch TEXT,
        web_url        TEXT
      ) WITHOUT ROWID;

      -- WITHOUT ROWID: the (repo, sha) key is the only way commits are looked up, and the
      -- clustered key keeps 100k-commit stores compact.
      CREATE TABLE commits (
        repo_id      TEXT NOT NULL,
        sha          TEXT NOT NULL,
        authored_at  INTEGER,
        committed_at INTEGER,
        author       TEXT,
        parents      TEXT NOT NULL DEFAULT '',  -- space-separated shas, first parent first
        PRIMARY KEY (repo_id, sha)
      ) WITHOUT ROWID;

      CREATE TABLE pull_requests (
        id                TEXT PRIMARY KEY,
        repo_id           TEXT NOT NULL,
        number            INTEGER NOT NULL,
        title             TEXT NOT NULL DEFAULT '',
        body              TEXT NOT NULL DEFAULT '',
        author            TEXT,
        is_bot            INTEGER NOT NULL DEFAULT 0,
        labels            TEXT NOT NULL DEFAULT '[]',  -- JSON array of strings
        created_at        INTEGER NOT NULL,
        updated_at        INTEGER,
        closed_at         INTEGER,
        first_commit_at   INTEGER,
        first_review_at   INTEGER,
        merged_at         INTEGER,
        merge_commit_sha  TEXT,
        squash_commit_sha TEXT,
        head_sha          TEXT,
        base_branch       TEXT,
        state             TEXT NOT NULL,
        is_draft          INTEGER NOT NULL DEFAULT 0,
        url               TEXT
      );
      CREATE INDEX pull_requests_by_repo ON pull_requests (repo_id, number);

      -- SPEC §4: a squash or rebase merge leaves these commits off the default branch, so they
      -- are kept here. position keeps the forge's order.
      CREATE TABLE pull_request_commits (
        pr_id       TEXT NOT NULL REFERENCES pull_requests (id) ON DELETE CASCADE,
        sha         TEXT NOT NULL,
        authored_at INTEGER,
        position    INTEGER NOT NULL,
        PRIMARY KEY (pr_id, sha)
      ) WITHOUT ROWID;

      CREATE TABLE deployments (
        id          TEXT PRIMARY KEY,
        repo_id     TEXT NOT NULL,
        environment TEXT NOT NULL,
        tier        TEXT,
        sha         TEXT NOT NULL,
        ref         TEXT,
        source      TEXT NOT NULL,
        status      TEXT NOT NULL,
        created_at  INTEGER NOT NULL,
        finished_at INTEGER,
        url         TEXT
      );
      CREATE INDEX deployments_by_repo ON deployments (repo_id, environment, finished_at);

      CREATE TABLE deployment_statuses (
        deployment_id TEXT NOT NULL REFERENCES deployments (id) ON DELETE CASCADE,
        position      INTEGER NOT NULL,  -- oldest first
        state         TEXT NOT NULL,
        created_at    INTEGER NOT NULL,
        PRIMARY KEY (deployment_id, position)
      ) WITHOUT ROWID;

      CREATE TABLE incidents (
        id          TEXT PRIMARY KEY,
        repo_id     TEXT NOT NULL,
        title       TEXT NOT NULL DEFAULT '',
        body        TEXT NOT NULL DEFAULT '',
        source      TEXT NOT NULL,
        created_at  INTEGER NOT NULL,
        resolved_at INTEGER,
        severity    TEXT,
        url         TEXT
      );
      CREATE INDEX incidents_by_repo ON incidents (repo_id, created_at);

      -- SPEC §7: high_water is the mark an incremental sync stops at; cursor is how far down an
      -- interrupted newest-first traversal got, and pending_high_water the mark that traversal
      -- will set once it reaches the old one. Marks are TEXT because a resource may order by
      -- time (ISO) or by something else (a commit sha).
      CREATE TABLE sync_state (
        source             TEXT NOT NULL,
        resource           TEXT NOT NULL,
        cursor             TEXT,
        high_water         TEXT,
        pending_high_water TEXT,
        config_hash        TEXT,
        updated_at         INTEGER NOT NULL,
        PRIMARY KEY (source, resource)
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 2,
    description: 'the ETag of each resource, for conditional requests',
    // SPEC §7: REST lists are read with If-None-Match; a 304 costs no rate limit. The ETag of
    // the last first page read is kept with the resource's cursor.
    sql: `ALTER TABLE sync_state ADD COLUMN etag TEXT;`,
  },
  {
    version: 3,
    description: "the forge's own id of each repository, and the API it was read from",
    // A repository keeps its forge id when it is renamed, moved or transferred; with the id and
    // the API base URL a later sync recognises it under its new name and moves its facts there
    // instead of starting a second history beside the first.
    sql: `
      ALTER TABLE repositories ADD COLUMN forge_id INTEGER;
      ALTER TABLE repositories ADD COLUMN api_base_url TEXT;
      CREATE INDEX repositories_by_forge_id ON repositories (forge, forge_id);
    `,
  },
];

/** The schema version this dorametrics writes. */
export const LATEST_VERSION = MIGRATIONS.reduce((max, migration) => Math.max(max, migration.version), 0);
