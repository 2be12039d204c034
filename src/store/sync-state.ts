import { read, statement, transaction, type Store } from './db.js';

/**
 * Where the next incremental sync of one resource of one source starts (SPEC §7). Call
 * `saveSyncState` inside the same `transaction` as the page it covers (STYLE habit 5).
 */
export interface SyncState {
  /** The configured source, e.g. `github:acme/shop`. */
  source: string;
  /** The resource within it, e.g. `pull_requests`, `deployments`. */
  resource: string;
  /** How far down an interrupted newest-first traversal got (an API cursor or a time). */
  cursor: string | null;
  /** The mark an incremental traversal stops at. */
  highWater: string | null;
  /** The mark the running traversal will set as `highWater` once it reaches the old one. */
  pendingHighWater: string | null;
  /** A hash of the source's config: a changed config forces a full re-harvest. */
  configHash: string | null;
  /** The ETag of the resource's last first page, for a conditional request (REST only). */
  etag?: string | null;
  /** When this state was written, epoch ms. */
  updatedAt: number;
}

interface SyncStateRow {
  source: string;
  resource: string;
  cursor: string | null;
  high_water: string | null;
  pending_high_water: string | null;
  config_hash: string | null;
  etag: string | null;
  updated_at: number;
}

const UPSERT = `
  INSERT INTO sync_state (source, resource, cursor, high_water, pending_high_water, config_hash, etag, updated_at)
  VALUES (@source, @resource, @cursor, @highWater, @pendingHighWater, @configHash, @etag, @updatedAt)
  ON CONFLICT (source, resource) DO UPDATE SET
    cursor = excluded.cursor,
    high_water = excluded.high_water,
    pending_high_water = excluded.pending_high_water,
    config_hash = excluded.config_hash,
    etag = excluded.etag,
    updated_at = excluded.updated_at`;

const COLUMNS = 'source, resource, cursor, high_water, pending_high_water, config_hash, etag, updated_at';

export function getSyncState(store: Store, source: string, resource: string): SyncState | null {
  const row = read(
    store,
    () => statement(store, `SELECT ${COLUMNS} FROM sync_state WHERE source = ? AND resource = ?`).get(source, resource) as
      | SyncStateRow
      | undefined,
  );
  return row ? fromRow(row) : null;
}

/** Every stored state, by source then resource (for `doctor` and tests). */
export function listSyncStates(store: Store): SyncState[] {
  const rows = read(
    store,
    () => statement(store, `SELECT ${COLUMNS} FROM sync_state ORDER BY source, resource`).all() as SyncStateRow[],
  );
  return rows.map(fromRow);
}

export function saveSyncState(store: Store, state: SyncState): void {
  const upsert = statement(store, UPSERT);
  transaction(store, () => {
    upsert.run({ ...state, etag: state.etag ?? null });
  });
}

/** Forgets a source's states (all its resources, or one): the next sync is a full one. */
export function clearSyncState(store: Store, source: string, resource?: string): void {
  transaction(store, () => {
    if (resource === undefined) {
      statement(store, 'DELETE FROM sync_state WHERE source = ?').run(source);
    } else {
      statement(store, 'DELETE FROM sync_state WHERE source = ? AND resource = ?').run(source, resource);
    }
  });
}

function fromRow(row: SyncStateRow): SyncState {
  return {
    source: row.source,
    resource: row.resource,
    cursor: row.cursor,
    highWater: row.high_water,
    pendingHighWater: row.pending_high_water,
    configHash: row.config_hash,
    etag: row.etag,
    updatedAt: row.updated_at,
  };
}
