/** The store's public surface (SPEC §4); the only place better-sqlite3 is imported is `db.ts`. */
export { closeStore, openStore, read, statement, transaction, withStore, BUSY_TIMEOUT_MS, type Store } from './db.js';
export { LATEST_VERSION } from './migrations.js';
export {
  ensureRepository,
  findRepositoryByForgeId,
  getForgeIdentity,
  getRepository,
  moveRepository,
  normalizeBaseUrl,
  setForgeIdentity,
  upsertRepositories,
  type ForgeIdentity,
  type MovedRows,
} from './repositories.js';
export { hasCommitWithPrefix, missingDeployedShas, oldestCommitTime, storedShas, upsertCommits } from './commits.js';
export { upsertPullRequests, type StoredPullRequest } from './pull-requests.js';
export { storedDeploymentIds, upsertDeployments, type StoredDeployment } from './deployments.js';
export { getIncident, upsertIncidents } from './incidents.js';
export { clearSyncState, getSyncState, listSyncStates, saveSyncState, type SyncState } from './sync-state.js';
export { listRepositoryIds, loadFacts, loadMetricFacts } from './facts.js';
