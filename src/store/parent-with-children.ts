import { statement, transaction, type Store } from './db.js';

/**
 * How one kind of fact with an ordered list of children is written: a deployment with its
 * status history, a pull request with its commits.
 */
export interface ParentWithChildren<Item> {
  /** The parent's upsert; its `DO UPDATE … WHERE` must skip a row that would not change. */
  upsert: string;
  params: (item: Item) => Record<string, unknown>;
  id: (item: Item) => string;
  /** `SELECT id, <JSON array of child tuples ORDER BY position> AS children … IN json_each(?)`. */
  storedChildren: string;
  /** The item's children as the tuples `storedChildren` reads back, in order. */
  children: (item: Item) => unknown[][];
  deleteChildren: string;
  /** `INSERT … VALUES (parent id, position, …tuple)`. */
  insertChild: string;
}

/**
 * Upserts parents with their child lists in one transaction, replacing a list only when it
 * differs from the stored one (read for the whole batch in one query). Returns how many
 * items were new or changed: re-reading unchanged facts, which every incremental sync does
 * for what sits at its mark, writes nothing and counts nothing.
 */
export function upsertWithChildren<Item>(store: Store, items: readonly Item[], kind: ParentWithChildren<Item>): number {
  if (items.length === 0) return 0;
  const upsert = statement(store, kind.upsert);
  const deleteChildren = statement(store, kind.deleteChildren);
  const insertChild = statement(store, kind.insertChild);
  let changed = 0;
  transaction(store, () => {
    const rows = statement(store, kind.storedChildren).all(JSON.stringify(items.map(kind.id))) as Array<{ id: string; children: string }>;
    const stored = new Map(rows.map((row) => [row.id, row.children]));
    for (const item of items) {
      const id = kind.id(item);
      const rowChanged = upsert.run(kind.params(item)).changes > 0;
      const children = kind.children(item);
      const childrenChanged = (stored.get(id) ?? '[]') !== JSON.stringify(children);
      if (childrenChanged) {
        deleteChildren.run(id);
        children.forEach((child, position) => insertChild.run(id, position, ...child));
        stored.set(id, JSON.stringify(children));
      }
      if (rowChanged || childrenChanged) changed++;
    }
  });
  return changed;
}
