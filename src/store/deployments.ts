import type { Deployment } from '../domain/types.js';
import { statement, transaction, type Store } from './db.js';

/**
 * A deployment as a harvester writes it: the domain fact plus the ref it deployed (a branch
 * or tag, for data notes), which no metric reads. Leaving `ref` undefined keeps the stored one.
 */
export type StoredDeployment = Deployment & { ref?: string | null };

const UPSERT = `
  INSERT INTO deployments (
    id, repo_id, environment, tier, sha, ref, source, status, created_at, finished_at, url
  ) VALUES (
    @id, @repoId, @environment, @tier, @sha, @ref, @source, @status, @createdAt, @finishedAt, @url
  )
  ON CONFLICT (id) DO UPDATE SET
    repo_id = excluded.repo_id,
    environment = excluded.environment,
    tier = excluded.tier,
    sha = excluded.sha,
    ref = CASE WHEN @refKnown THEN excluded.ref ELSE deployments.ref END,
    source = excluded.source,
    status = excluded.status,
    created_at = excluded.created_at,
    finished_at = excluded.finished_at,
    url = excluded.url`;

const DELETE_STATUSES = 'DELETE FROM deployment_statuses WHERE deployment_id = ?';
const INSERT_STATUS = `
  INSERT INTO deployment_statuses (deployment_id, position, state, created_at) VALUES (?, ?, ?, ?)`;

/**
 * Inserts or updates deployments in one transaction, replacing each one's status history
 * with the one given (oldest first, as `Deployment.statuses`).
 */
export function upsertDeployments(store: Store, deployments: readonly StoredDeployment[]): void {
  if (deployments.length === 0) return;
  const upsert = statement(store, UPSERT);
  const deleteStatuses = statement(store, DELETE_STATUSES);
  const insertStatus = statement(store, INSERT_STATUS);
  transaction(store, () => {
    for (const deployment of deployments) {
      upsert.run({
        id: deployment.id,
        repoId: deployment.repoId,
        environment: deployment.environment,
        tier: deployment.tier,
        sha: deployment.sha,
        ref: deployment.ref ?? null,
        refKnown: deployment.ref === undefined ? 0 : 1,
        source: deployment.source,
        status: deployment.status,
        createdAt: deployment.createdAt,
        finishedAt: deployment.finishedAt,
        url: deployment.url,
      });
      deleteStatuses.run(deployment.id);
      deployment.statuses.forEach((status, position) => {
        insertStatus.run(deployment.id, position, status.state, status.at);
      });
    }
  });
}
