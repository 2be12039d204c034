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
    url = excluded.url
  WHERE (deployments.repo_id, deployments.environment, deployments.tier, deployments.sha, deployments.ref,
         deployments.source, deployments.status, deployments.created_at, deployments.finished_at, deployments.url)
     IS NOT (excluded.repo_id, excluded.environment, excluded.tier, excluded.sha,
             CASE WHEN @refKnown THEN excluded.ref ELSE deployments.ref END,
             excluded.source, excluded.status, excluded.created_at, excluded.finished_at, excluded.url)`;

const DELETE_STATUSES = 'DELETE FROM deployment_statuses WHERE deployment_id = ?';
const INSERT_STATUS = `
  INSERT INTO deployment_statuses (deployment_id, position, state, created_at) VALUES (?, ?, ?, ?)`;
// The stored status histories of a page of deployments, in one query: id → [[state, at], …].
const STORED_STATUSES = `
  SELECT deployment_id AS id, json_group_array(json_array(state, created_at) ORDER BY position) AS statuses
  FROM deployment_statuses
  WHERE deployment_id IN (SELECT value FROM json_each(?))
  GROUP BY deployment_id`;

/**
 * Inserts or updates deployments in one transaction, replacing each one's status history
 * with the one given (oldest first, as `Deployment.statuses`). Returns how many were new or
 * changed: a re-read of an unchanged deployment (a forge lists some again on every
 * incremental sync) writes nothing and counts nothing.
 */
export function upsertDeployments(store: Store, deployments: readonly StoredDeployment[]): number {
  if (deployments.length === 0) return 0;
  const upsert = statement(store, UPSERT);
  const deleteStatuses = statement(store, DELETE_STATUSES);
  const insertStatus = statement(store, INSERT_STATUS);
  let changed = 0;
  transaction(store, () => {
    const stored = new Map(
      (statement(store, STORED_STATUSES).all(JSON.stringify(deployments.map((d) => d.id))) as Array<{ id: string; statuses: string }>).map(
        (row) => [row.id, row.statuses],
      ),
    );
    for (const deployment of deployments) {
      const rowChanged = upsert.run({
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
      }).changes > 0;
      const statuses = JSON.stringify(deployment.statuses.map((status) => [status.state, status.at]));
      const statusesChanged = (stored.get(deployment.id) ?? '[]') !== statuses;
      if (statusesChanged) {
        deleteStatuses.run(deployment.id);
        deployment.statuses.forEach((status, position) => {
          insertStatus.run(deployment.id, position, status.state, status.at);
        });
      }
      if (rowChanged || statusesChanged) changed++;
    }
  });
  return changed;
}
