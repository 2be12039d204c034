import { describe, expect, it } from 'vitest';
import { closeStore, getSyncState, openStore, statement, type Store } from '../../src/store/index.js';
import { configHash, traverseNewestFirst, type Page } from '../../src/sources/newest-first.js';
import { tempStorePath } from '../helpers/store.js';

/** A fake resource: items with an updated time, served newest first, `size` a page. */
interface Item {
  id: number;
  updated: number;
}

function server(items: Item[], size = 2) {
  const sorted = () => [...items].sort((a, b) => b.updated - a.updated);
  const calls: Array<string | null> = [];
  let failAt: number | null = null;
  return {
    calls,
    failOnPage(n: number | null) {
      failAt = n;
    },
    async fetchPage(cursor: string | null): Promise<Page<Item>> {
      calls.push(cursor);
      const start = cursor === null ? 0 : Number(cursor);
      if (failAt !== null && start / size + 1 === failAt) throw new Error('network down');
      const all = sorted();
      const next = start + size < all.length ? String(start + size) : null;
      return { items: all.slice(start, start + size), nextCursor: next };
    },
  };
}

function traverse(store: Store, fake: ReturnType<typeof server>, extra: { full?: boolean; since?: number | null; hash?: string } = {}) {
  return traverseNewestFirst<Item>({
    store,
    source: 'github:acme/shop',
    resource: 'things',
    configHash: extra.hash ?? 'h1',
    full: extra.full ?? false,
    now: Date.parse('2026-11-29T12:00:00Z'),
    since: extra.since ?? null,
    fetchPage: (cursor) => fake.fetchPage(cursor),
    markOf: (item) => item.updated,
    write: (items) => {
      const insert = statement(store, 'INSERT OR REPLACE INTO things (id, updated) VALUES (?, ?)');
      for (const item of items) insert.run(item.id, item.updated);
      return items.length;
    },
  });
}

async function withThings(fn: (store: Store) => Promise<void>): Promise<void> {
  const store = openStore(tempStorePath());
  try {
    store.db.exec('CREATE TABLE things (id INTEGER PRIMARY KEY, updated INTEGER)');
    await fn(store);
  } finally {
    closeStore(store);
  }
}

const rows = (store: Store) => store.db.prepare('SELECT id, updated FROM things ORDER BY id').all();
const DAY = 86_400_000;
const T = Date.parse('2026-11-01T00:00:00Z');
const five = () => [1, 2, 3, 4, 5].map((id) => ({ id, updated: T + id * DAY }));

describe('SPEC §7 newest-first traversal', () => {
  it('a first sync reads every page; an unchanged re-sync reads one page', async () => {
    await withThings(async (store) => {
      const fake = server(five());
      expect(await traverse(store, fake)).toEqual({ pages: 3, items: 5 });
      expect(getSyncState(store, 'github:acme/shop', 'things')).toMatchObject({
        cursor: null, highWater: new Date(T + 5 * DAY).toISOString(), pendingHighWater: null,
      });
      fake.calls.length = 0;
      await traverse(store, fake);
      expect(fake.calls).toEqual([null]);
    });
  });

  it('an interrupted traversal resumes from its cursor and then moves the mark', async () => {
    await withThings(async (store) => {
      const items = five();
      const fake = server(items);
      await traverse(store, fake);
      // Three items change; the next sync dies on its second page.
      for (const item of items.slice(0, 3)) item.updated += 10 * DAY;
      fake.failOnPage(2);
      await expect(traverse(store, fake)).rejects.toThrow('network down');
      const interrupted = getSyncState(store, 'github:acme/shop', 'things')!;
      // The mark did not move: the old traversal's end was not reached.
      expect(interrupted).toMatchObject({ cursor: '2', highWater: new Date(T + 5 * DAY).toISOString(), pendingHighWater: new Date(T + 13 * DAY).toISOString() });
      fake.failOnPage(null);
      fake.calls.length = 0;
      await traverse(store, fake);
      // Resumes at '2' ([1, 5]: 5 sits exactly at the old mark, not below it), then '4' ([4], below it).
      expect(fake.calls).toEqual(['2', '4']);
      expect(getSyncState(store, 'github:acme/shop', 'things')).toMatchObject({ cursor: null, highWater: new Date(T + 13 * DAY).toISOString() });
      expect(rows(store)).toEqual(items.map((item) => ({ id: item.id, updated: item.updated })));
    });
  });

  it('--since bounds a first harvest; --full and a changed config start over', async () => {
    await withThings(async (store) => {
      const fake = server(five());
      await traverse(store, fake, { since: T + 4 * DAY });
      expect(rows(store)).toEqual([{ id: 4, updated: T + 4 * DAY }, { id: 5, updated: T + 5 * DAY }]);
      expect(fake.calls).toEqual([null, '2']);
      fake.calls.length = 0;
      await traverse(store, fake, { full: true });
      expect(fake.calls).toEqual([null, '2', '4']);
      fake.calls.length = 0;
      await traverse(store, fake, { hash: 'h2' });
      expect(fake.calls).toEqual([null, '2', '4']);
      expect(rows(store)).toHaveLength(5);
    });
  });

  it('configHash ignores key order but not values', () => {
    expect(configHash({ a: 1, b: [1, 2] })).toBe(configHash({ b: [1, 2], a: 1 }));
    expect(configHash({ a: 1, b: [1, 2] })).not.toBe(configHash({ a: 1, b: [2, 1] }));
  });
});
