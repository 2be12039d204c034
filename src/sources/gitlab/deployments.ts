import { upsertDeployments } from '../../store/index.js';
import { traverseResource } from '../newest-first.js';
import type { GitLabHarvestContext } from './context.js';
import { deploymentRow, updatedAfter } from './convert.js';
import { storedMark, UPDATED_AFTER_SLACK_MS } from './merge-requests.js';
import { deploymentItem, environmentItem, listPage, type DeploymentItem, updatedPageQuery } from './schemas.js';

const RESOURCE = 'deployments';

/**
 * Sent on a first harvest. GitLab pairs the `updated_at` filter with the `updated_at` order
 * (`DeploymentsFinder`: "`updated_at` filter and `updated_at` sorting must be paired"), so
 * the order is never sent without a filter.
 */
const BEGINNING = new Date(0).toISOString();

/**
 * Harvests the project's deployments to production (`deployments.from: "deployments"`),
 * 100 a request, most recently updated first, down to the stored mark minus a minute of
 * slack (SPEC §7: by `updated_after` with `order_by=updated_at`), each page in one
 * transaction with its cursor. A deployment's status changes after it is created
 * (`created` → `running` → `success`/`failed`/`canceled`), which moves its `updated_at`,
 * so a re-sync lists exactly the deployments that began or ended since.
 *
 * A deployment is kept when its environment is one of the configured `environments`
 * (default `production`, case-insensitive) or its environment's tier is `production` (SPEC
 * §5.1). The deployments list does not carry the tier, so the environments list
 * (`GET /projects/:id/environments`, 100 a request) is read once per sync, and only when a
 * deployment newer than the stored mark goes to an environment the config does not name: a
 * sync with nothing new costs one request.
 * Returns the number of deployments new or changed.
 */
export async function harvestDeployments(ctx: GitLabHarvestContext): Promise<number> {
  const endpoint = `GET /api/v4/projects/${ctx.projectId}/deployments`;
  const configured = new Set((ctx.config.deployments.environments ?? ['production']).map((name) => name.toLowerCase()));
  const mark = storedMark(ctx, RESOURCE);
  const after = updatedAfter(mark, ctx.options.since, UPDATED_AFTER_SLACK_MS) ?? BEGINNING;
  // Deployments re-listed in the minute of slack were decided by an earlier sync.
  const isNew = (item: DeploymentItem) => mark === null || item.updated_at > Date.parse(mark);
  const undecided = (item: DeploymentItem) => !configured.has(item.environment.name.toLowerCase()) && isNew(item);
  let tiers: Map<string, string | null> | null = null;

  return traverseResource<DeploymentItem>(ctx, RESOURCE, {
    fetchPage: async (cursor) => {
      const page = await listPage(endpoint, deploymentItem, () =>
        // GitLab wants `updated_after` with this sort, so `after` is never null here.
        ctx.client.api.Deployments.all(ctx.projectId, updatedPageQuery(cursor, after) as never),
      );
      if (tiers === null && page.items.some(undecided)) tiers = await environmentTiers(ctx);
      return { items: page.items, nextCursor: page.next === null ? null : String(page.next) };
    },
    markOf: (item) => item.updated_at,
    write: (items) => {
      const rows = items.flatMap((item) => {
        const name = item.environment.name;
        const tier = tiers?.get(name) ?? null;
        return configured.has(name.toLowerCase()) || tier === 'production' ? [deploymentRow(ctx.repoId, item, tier)] : [];
      });
      return upsertDeployments(ctx.store, rows);
    },
  });
}

/** Every environment's tier by name (null before GitLab 13.10 had tiers), 100 a request. */
async function environmentTiers(ctx: GitLabHarvestContext): Promise<Map<string, string | null>> {
  const endpoint = `GET /api/v4/projects/${ctx.projectId}/environments`;
  const tiers = new Map<string, string | null>();
  for (let page: number | null = 1; page !== null; ) {
    const current: number = page;
    const list = await listPage(endpoint, environmentItem, () =>
      ctx.client.api.Environments.all(ctx.projectId, { perPage: 100, page: current, maxPages: 1, showExpanded: true } as never),
    );
    for (const environment of list.items) tiers.set(environment.name, environment.tier?.toLowerCase() ?? null);
    page = list.next;
  }
  return tiers;
}
