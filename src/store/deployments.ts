import type { Deployment } from '../domain/types.js';
import { read, statement, type Store } from './db.js';
import { upsertWithChildren, type ParentWithChildren } from './parent-with-children.js';

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

/**
 * Inserts or updates deployments in one transaction, replacing each one's status history
 * with the one given (oldest first, as `Deployment.statuses`). Returns how many were new or
 * changed (`upsertWithChildren`).
 */
export function upsertDeployments(store: Store, deployments: readonly StoredDeployment[]): number {
  return upsertWithChildren(store, deployments, DEPLOYMENT_WITH_STATUSES);
}

const DEPLOYMENT_WITH_STATUSES: ParentWithChildren<StoredDeployment> = {
  upsert: UPSERT,
  id: (deployment) => deployment.id,
  params: (deployment) => ({
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
  }),
  storedChildren: `
    SELECT deployment_id AS id, json_group_array(json_array(state, created_at) ORDER BY position) AS children
    FROM deployment_statuses
    WHERE deployment_id IN (SELECT value FROM json_each(?))
    GROUP BY deployment_id`,
  children: (deployment) => deployment.statuses.map((status) => [status.state, status.at]),
  deleteChildren: 'DELETE FROM deployment_statuses WHERE deployment_id = ?',
  insertChild: 'INSERT INTO deployment_statuses (deployment_id, position, state, created_at) VALUES (?, ?, ?, ?)',
};

/** Of `ids`, those stored as deployments (one query). */
export function storedDeploymentIds(store: Store, ids: readonly string[]): Set<string> {
  if (ids.length === 0) return new Set();
  const sql = 'SELECT id FROM deployments WHERE id IN (SELECT value FROM json_each(?))';
  return new Set(read(store, () => statement(store, sql).pluck(true).all(JSON.stringify(ids)) as string[]));
}
