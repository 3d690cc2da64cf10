import { bombs } from '@defuse/drizzle';
import { and, inArray } from 'drizzle-orm';
import type { DbOrTx } from '../db/types.ts';
import type { Viewer } from '../viewer.ts';
import { visibleTo } from './bombs.ts';

/**
 * The human keys of the bombs that signals and gaps name, by id, for those the viewer may read:
 * a person is shown SHIP-12, never an id fragment, and a restricted bomb's key stays hidden.
 */
export async function bombKeysFor(db: DbOrTx, viewer: Viewer, ids: Iterable<string>): Promise<Map<string, string>> {
  const wanted = [...new Set(ids)];
  if (wanted.length === 0) return new Map();
  const rows = await db
    .select({ id: bombs.id, key: bombs.key })
    .from(bombs)
    .where(and(inArray(bombs.id, wanted), visibleTo(viewer)));
  return new Map(rows.map((r) => [r.id, r.key]));
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
