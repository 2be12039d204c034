import { upsertIncidents } from '../../store/index.js';
import { traverseResource } from '../newest-first.js';
import type { GitLabHarvestContext } from './context.js';
import { incidentRow, updatedAfter } from './convert.js';
import { storedMark, UPDATED_AFTER_SLACK_MS } from './merge-requests.js';
import { issueItem, listPage, type IssueItem, updatedPageQuery } from './schemas.js';

const RESOURCE = 'incidents';

/**
 * Harvests the project's incidents (`incidents.from: "incidents"`, SPEC §3): its issues of
 * type incident, open and closed, 100 a request, most recently updated first, down to the
 * stored mark minus a minute of slack, each page in one transaction with its cursor. Closing
 * an incident moves its `updated_at`, so a re-sync lists the ones resolved since. Returns
 * the number of incidents new or changed (0, reading nothing, when the source has no incident source).
 */
export async function harvestIncidents(ctx: GitLabHarvestContext): Promise<number> {
  if (ctx.config.incidents?.from !== 'incidents') return 0;
  const endpoint = `GET /api/v4/projects/${ctx.projectId}/issues`;
  const after = updatedAfter(storedMark(ctx, RESOURCE), ctx.options.since, UPDATED_AFTER_SLACK_MS);

  return traverseResource<IssueItem>(ctx, RESOURCE, {
    fetchPage: async (cursor) => {
      const page = await listPage(endpoint, issueItem, () =>
        ctx.client.api.Issues.all({ projectId: ctx.projectId, issueType: 'incident', ...updatedPageQuery(cursor, after) } as never),
      );
      return { items: page.items, nextCursor: page.next === null ? null : String(page.next) };
    },
    markOf: (item) => item.updated_at,
    write: (items) => upsertIncidents(ctx.store, items.map((item) => incidentRow(ctx.repoId, item))),
  });
}
