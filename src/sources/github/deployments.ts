import { saveSyncState, transaction, upsertDeployments, type StoredDeployment } from '../../store/index.js';
import { isoUtc } from '../../util/time.js';
import type { GitHubHarvestContext } from './context.js';
import { usableSyncState } from '../newest-first.js';
import { deploymentFromNode } from './convert.js';
import { DEPLOYMENTS_QUERY } from './queries/deployments.js';
import { deploymentsPayload, parseGraphqlData } from './schemas.js';

const RESOURCE = 'deployments';

/**
 * How far below the stored mark an incremental sync re-reads deployments. GitHub lists
 * deployments by creation time only, but a deployment's statuses keep changing after it is
 * created (queued → in_progress → success or failure, later `inactive`), so the deployments
 * created shortly before the last sync must be read again to learn how they ended. A week
 * covers deploy jobs, approval waits and retried runs; `inactive` arriving later does not
 * change a verdict (SPEC §5.1 counts success-then-inactive as success). The cost is one
 * request per 100 deployments of that week, usually the one request a re-sync makes anyway.
 */
export const DEPLOYMENT_REREAD_MARGIN_MS = 7 * 86_400_000;

/**
 * Harvests deployments to the configured environments (`deployments.from: "deployments"`)
 * with their status history, 100 a request, newest first (SPEC §7).
 *
 * This is `traverseNewestFirst`'s discipline (each page in one transaction with its state;
 * the mark moves only when a traversal completes; an interrupted one resumes from its
 * cursor) with one difference that traversal cannot express: it stops at deployments
 * created before the old mark *minus* the re-read margin, while the mark it stores stays the
 * newest creation time. (Shifting its `markOf` would shift the stored mark by the same
 * amount and cancel out.) Returns the number of deployments new or changed.
 */
export async function harvestDeployments(ctx: GitHubHarvestContext): Promise<number> {
  const { store, repoId: source } = ctx;
  const environments = ctx.config.deployments.environments ?? ['production'];
  const usable = usableSyncState(ctx, RESOURCE);
  const oldMark = usable?.highWater ? Date.parse(usable.highWater) : null;
  // A first harvest stops at --since; an incremental one a margin below the old mark.
  const since = oldMark === null ? ctx.options.since : null;
  const floor = oldMark !== null ? oldMark - DEPLOYMENT_REREAD_MARGIN_MS : since;
  let cursor = usable?.cursor ?? null;
  let newMark = cursor !== null && usable?.pendingHighWater ? Date.parse(usable.pendingHighWater) : null;
  let pages = 0;
  let written = 0;

  for (;;) {
    const data = await ctx.client.graphql<unknown>('Deployments', DEPLOYMENTS_QUERY, {
      owner: ctx.owner,
      name: ctx.name,
      environments,
      after: cursor,
    });
    const connection = parseGraphqlData('Deployments', deploymentsPayload, data).repository.deployments;
    pages++;
    const nodes = connection.nodes;
    if (newMark === null && nodes.length > 0) newMark = nodes[0]!.createdAt;
    const nextCursor = connection.pageInfo.hasNextPage ? connection.pageInfo.endCursor : null;
    const done = (floor !== null && nodes.some((node) => node.createdAt < floor)) || nextCursor === null;

    const deployments: StoredDeployment[] = [];
    for (const node of nodes) {
      if (since !== null && node.createdAt < since) continue;
      const deployment = deploymentFromNode(ctx.repoId, node);
      if (deployment === null) {
        ctx.warn(`${ctx.repoId}: a deployment created ${isoUtc(node.createdAt)} of ${node.commitOid} has no id or environment in GitHub's answer; skipped`);
        continue;
      }
      if (node.statuses !== null && node.statuses.totalCount > node.statuses.nodes.length) {
        ctx.warn(`${deployment.id}: only its latest ${node.statuses.nodes.length} of ${node.statuses.totalCount} statuses are stored`);
      }
      deployments.push(deployment);
    }
    const highWater = newMark ?? oldMark;
    transaction(store, () => {
      written += upsertDeployments(store, deployments);
      saveSyncState(store, {
        source,
        resource: RESOURCE,
        cursor: done ? null : nextCursor,
        highWater: done ? (highWater === null ? null : isoUtc(highWater)) : (usable?.highWater ?? null),
        pendingHighWater: done || newMark === null ? null : isoUtc(newMark),
        configHash: ctx.configHash,
        updatedAt: ctx.options.now.getTime(),
      });
    });
    ctx.progress(RESOURCE, pages, written);
    if (done) return written;
    cursor = nextCursor;
  }
}
