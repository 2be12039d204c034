import { createHash } from 'node:crypto';
import { getSyncState, saveSyncState, transaction, type Store, type SyncState } from '../store/index.js';
import { isoUtc } from '../util/time.js';

/**
 * SPEC §7's traversal of a resource read newest first (PRs by `updatedAt`, deployments by
 * `createdAt`, …), resumable at any page:
 * - each page is written in one transaction together with the sync state;
 * - the high-water mark (the newest item of a completed traversal) moves only when a
 *   traversal reaches the old mark or the end of the list;
 * - until then the state keeps the API cursor of the next page and the mark the running
 *   traversal will set, so an interrupted sync resumes where it stopped instead of skipping
 *   everything below the first page forever.
 */

export interface Page<Item> {
  items: Item[];
  /** The cursor of the next page, or null on the last page. */
  nextCursor: string | null;
}

export interface NewestFirstOptions<Item> {
  store: Store;
  source: string;
  resource: string;
  /** A hash of the source's config (`configHash`): a changed config starts over. */
  configHash: string;
  full: boolean;
  /** The harvest's clock (epoch ms): when the sync state is written (`doctor`, report notes). */
  now: number;
  /** Items older than this (epoch ms) are neither needed nor written: `--since` on a first harvest. */
  since: number | null;
  fetchPage: (cursor: string | null) => Promise<Page<Item>>;
  /** The item's ordering time (epoch ms): the list is sorted by it, newest first. */
  markOf: (item: Item) => number;
  /**
   * Writes the items of one page; runs inside the page's transaction. Returns how many were
   * new or changed: items read again unchanged are not news.
   */
  write: (items: Item[]) => number;
  onPage?: (pages: number, items: number) => void;
}

export async function traverseNewestFirst<Item>(options: NewestFirstOptions<Item>): Promise<{ pages: number; items: number }> {
  const { store, source, resource } = options;
  const usable = usableSyncState({ store, repoId: source, configHash: options.configHash, options }, resource);
  const oldMark = usable?.highWater ? Date.parse(usable.highWater) : null;
  // A first harvest stops at --since; an incremental one at the old mark.
  const floor = oldMark ?? (options.since ?? null);
  let cursor = usable?.cursor ?? null;
  let newMark = cursor !== null && usable?.pendingHighWater ? Date.parse(usable.pendingHighWater) : null;
  let pages = 0;
  let written = 0;

  for (;;) {
    const page = await options.fetchPage(cursor);
    pages++;
    if (newMark === null && page.items.length > 0) newMark = options.markOf(page.items[0]!);
    const wanted = oldMark === null && options.since !== null ? page.items.filter((item) => options.markOf(item) >= options.since!) : page.items;
    const reachedFloor = floor !== null && page.items.some((item) => options.markOf(item) < floor);
    const done = reachedFloor || page.nextCursor === null;
    const highWater = newMark ?? oldMark;
    let changed = 0;
    transaction(store, () => {
      changed = options.write(wanted);
      saveSyncState(store, {
        source,
        resource,
        cursor: done ? null : page.nextCursor,
        highWater: done ? (highWater === null ? null : isoUtc(highWater)) : usable?.highWater ?? null,
        pendingHighWater: done || newMark === null ? null : isoUtc(newMark),
        configHash: options.configHash,
        updatedAt: options.now,
      });
    });
    written += changed;
    options.onPage?.(pages, written);
    if (done) return { pages, items: written };
    cursor = page.nextCursor;
  }
}

/** What a harvester's context gives a newest-first traversal of one of its resources. */
export interface ResourceScope extends SyncScope {
  options: { full: boolean; since: number | null; now: Date };
  progress: (resource: string, pages: number, items: number) => void;
}

/**
 * `traverseNewestFirst` for one resource of a harvest: the store, source, config hash and
 * flags come from the harvester's context, and progress goes to its progress line. Returns
 * the number of items new or changed (as `write` counts them).
 */
export async function traverseResource<Item>(
  scope: ResourceScope,
  resource: string,
  list: Pick<NewestFirstOptions<Item>, 'fetchPage' | 'markOf' | 'write'>,
): Promise<number> {
  const { items } = await traverseNewestFirst<Item>({
    store: scope.store,
    source: scope.repoId,
    resource,
    configHash: scope.configHash,
    full: scope.options.full,
    now: scope.options.now.getTime(),
    since: scope.options.since,
    ...list,
    onPage: (pages, items) => scope.progress(resource, pages, items),
  });
  return items;
}

/** What decides whether a resource's stored sync state still applies. */
export interface SyncScope {
  store: Store;
  repoId: string;
  configHash: string;
  options: { full: boolean };
}

/**
 * A resource's stored sync state, unless `--full` or a changed source config says start over
 * (SPEC §7). The one place that rule lives: every harvester asks here.
 */
export function usableSyncState(scope: SyncScope, resource: string): SyncState | null {
  const stored = getSyncState(scope.store, scope.repoId, resource);
  return stored !== null && !scope.options.full && stored.configHash === scope.configHash ? stored : null;
}

/** A stable hash of a source's config: key order does not matter, values do. */
export function configHash(config: unknown): string {
  return createHash('sha256').update(stableStringify(config)).digest('hex').slice(0, 16);
}

function stableStringify(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, v]) => `${JSON.stringify(key)}:${stableStringify(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
