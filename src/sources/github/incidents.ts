import type { Incident } from '../../domain/types.js';
import { saveSyncState, transaction, upsertIncidents } from '../../store/index.js';
import { ForgeError } from '../../util/errors.js';
import { isoUtc } from '../../util/time.js';
import { forgeError } from './client.js';
import type { GitHubHarvestContext } from './context.js';
import { usableSyncState } from '../newest-first.js';
import { incidentFromIssue, isPullRequestItem } from './convert.js';
import { parsePayload } from '../parse.js';
import { issuesPayload } from './schemas.js';

const RESOURCE = 'incidents';

/**
 * Harvests incidents from issues carrying one of the configured labels (`incidents.from:
 * "issues"`, SPEC §3) through REST `GET /repos/{owner}/{repo}/issues`, which also lists pull
 * requests (dropped here). GitHub ANDs comma-separated labels, so each label is its own list,
 * with its own sync state (`incidents:<label>`): an ETag for a conditional first page (a 304
 * costs no rate limit and means nothing changed), and `since`, the newest `updated_at` of
 * the last completed read, so a re-sync lists only what changed. An issue carrying two of
 * the labels is written once. Returns the number of incidents new or changed.
 */
export async function harvestIncidentIssues(ctx: GitHubHarvestContext): Promise<number> {
  const labels = ctx.config.incidents?.labels ?? [];
  const seen = new Set<number>();
  const counters = { pages: 0, changed: 0 };
  for (const label of labels) {
    await harvestLabel(ctx, label, seen, counters);
  }
  return counters.changed;
}

async function harvestLabel(
  ctx: GitHubHarvestContext,
  label: string,
  seen: Set<number>,
  counters: { pages: number; changed: number },
): Promise<void> {
  const { store, repoId: source } = ctx;
  const resource = `${RESOURCE}:${label}`;
  const endpoint = `GET /repos/${ctx.owner}/${ctx.name}/issues?labels=${label}`;
  const usable = usableSyncState(ctx, resource);
  // An interrupted read resumes at the next-page URL it stored.
  let cursor = usable?.cursor ?? null;
  let newMark = cursor !== null && usable?.pendingHighWater ? Date.parse(usable.pendingHighWater) : null;
  let etag = cursor !== null ? (usable?.etag ?? null) : null;
  const since = usable?.highWater ? Date.parse(usable.highWater) : ctx.options.since;

  for (;;) {
    let response;
    try {
      response =
        cursor === null
          ? await ctx.client.octokit.request('GET /repos/{owner}/{repo}/issues', {
              owner: ctx.owner,
              repo: ctx.name,
              state: 'all',
              labels: label,
              sort: 'updated',
              direction: 'desc',
              per_page: 100,
              ...(since !== null ? { since: isoSeconds(since) } : {}),
              headers: usable?.etag ? { 'if-none-match': usable.etag } : {},
            })
          : await ctx.client.octokit.request({ method: 'GET', url: sameHost(ctx, endpoint, cursor) });
    } catch (error) {
      // 304 Not Modified: the first page is what we read last time, so nothing changed.
      if (cursor === null && (error as { status?: unknown }).status === 304) {
        counters.pages++;
        ctx.progress(RESOURCE, counters.pages, counters.changed);
        return;
      }
      throw forgeError(endpoint, error);
    }
    counters.pages++;
    const issues = parsePayload(endpoint, issuesPayload, response.data);
    if (cursor === null) etag = typeof response.headers.etag === 'string' ? response.headers.etag : null;
    // The list is sorted by `updated_at`, newest first: its first item is the next `since`.
    if (newMark === null && issues.length > 0) newMark = issues[0]!.updated_at;
    const nextCursor = nextLink(response.headers.link);
    const done = nextCursor === null;

    const incidents: Incident[] = [];
    for (const issue of issues) {
      if (isPullRequestItem(issue) || seen.has(issue.number)) continue;
      seen.add(issue.number);
      incidents.push(incidentFromIssue(ctx.repoId, issue));
    }
    const highWater = newMark ?? since;
    transaction(store, () => {
      counters.changed += upsertIncidents(store, incidents);
      saveSyncState(store, {
        source,
        resource,
        cursor: nextCursor,
        highWater: done ? (highWater === null ? null : isoUtc(highWater)) : (usable?.highWater ?? null),
        pendingHighWater: done || newMark === null ? null : isoUtc(newMark),
        configHash: ctx.configHash,
        etag,
        updatedAt: ctx.options.now.getTime(),
      });
    });
    ctx.progress(RESOURCE, counters.pages, counters.changed);
    if (done) return;
    cursor = nextCursor;
  }
}

/** The `rel="next"` URL of a `Link` header (GitHub's REST pagination), or null on the last page. */
export function nextLink(link: string | undefined): string | null {
  if (!link) return null;
  for (const part of link.split(',')) {
    const match = /<([^>]+)>\s*;\s*rel="([^"]+)"/.exec(part);
    if (match && match[2]!.split(/\s+/).includes('next')) return match[1]!;
  }
  return null;
}

/** The token goes only to the configured host (SPEC §7): a next-page URL elsewhere is refused. */
function sameHost(ctx: GitHubHarvestContext, endpoint: string, url: string): string {
  if (new URL(url).origin !== new URL(ctx.config.baseUrl).origin) {
    throw new ForgeError(endpoint, undefined, `the next page is on another host (${new URL(url).host})`, 'run sync with --full');
  }
  return url;
}

/** `since` as GitHub documents it: `YYYY-MM-DDTHH:MM:SSZ`. */
function isoSeconds(instant: number): string {
  return new Date(instant).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
