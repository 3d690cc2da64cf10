import { bombs } from '@defuse/drizzle';
import { inArray, sql } from 'drizzle-orm';
import type { DbOrTx } from '../db/types.ts';
import type { Viewer } from '../viewer.ts';
import { visibleTo } from './bombs.ts';

/**
 * The human keys of the bombs that signals and gaps name, by id, in one read: `readable` for those
 * the viewer may read (a person is shown SHIP-12, never an id fragment), `hidden` for those they may
 * not (their ids and keys must leave what the viewer is shown). The condition is read as a value:
 * null, from a null assignee, counts as unreadable.
 */
export async function bombKeysOf(
  db: DbOrTx,
  viewer: Viewer,
  ids: Iterable<string>,
): Promise<{ readable: Map<string, string>; hidden: Map<string, string> }> {
  const wanted = [...new Set(ids)];
  const readable = new Map<string, string>();
  const hidden = new Map<string, string>();
  if (wanted.length === 0) return { readable, hidden };
  const condition = visibleTo(viewer);
  const rows = await db
    .select({
      id: bombs.id,
      key: bombs.key,
      readable: condition === undefined ? sql<boolean>`true` : sql<boolean>`coalesce(${condition}, false)`,
    })
    .from(bombs)
    .where(inArray(bombs.id, wanted));
  for (const r of rows) (r.readable ? readable : hidden).set(r.id, r.key);
  return { readable, hidden };
}

/** The keys of the bombs the viewer may read, by id. */
export async function bombKeysFor(db: DbOrTx, viewer: Viewer, ids: Iterable<string>): Promise<Map<string, string>> {
  return (await bombKeysOf(db, viewer, ids)).readable;
}

/** The keys of `bombIds` found in `keys`, as the record a reason or gap carries. */
export function keysOf(bombIds: readonly string[], keys: Map<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const id of bombIds) {
    const key = keys.get(id);
    if (key !== undefined) out[id] = key;
  }
  return out;
}
