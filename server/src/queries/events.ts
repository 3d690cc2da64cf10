import { bombs, events } from '@defuse/drizzle';
import type { DefuseEvent, EventType } from '@defuse/shared';
import { and, asc, eq, gt, lte, sql } from 'drizzle-orm';
import type { DbOrTx } from '../db/types.ts';
import { isManager, type Viewer } from '../viewer.ts';

export interface NewEvent {
  type: EventType;
  bombId?: string | null;
  personId?: string | null;
  actorId: string | null;
  at: Date;
  data: Record<string, unknown>;
}

type EventRow = typeof events.$inferSelect;

export function toEvent(row: EventRow): DefuseEvent {
  return {
    seq: row.seq,
    type: row.type as EventType,
    bombId: row.bombId,
    personId: row.personId,
    actorId: row.actorId,
    at: row.at.toISOString(),
    data: row.data,
  };
}

/**
 * The one place that writes events. Writers never wait on each other: readers deliver only up to
 * the settled seq (SettledSeq), which needs every writer to hold a transaction id before it takes
 * a seq — pg_current_xact_id() assigns one if the transaction has none yet.
 */
export async function appendEvents(tx: DbOrTx, list: NewEvent[]): Promise<DefuseEvent[]> {
  if (list.length === 0) return [];
  await tx.execute(sql`select pg_current_xact_id()`);
  const rows = await tx
    .insert(events)
    .values(
      list.map((e) => ({
        type: e.type,
        bombId: e.bombId ?? null,
        personId: e.personId ?? null,
        actorId: e.actorId,
        at: e.at,
        data: e.data,
      })),
    )
    .returning();
  return rows.map(toEvent).sort((a, b) => a.seq - b.seq);
}

export async function listEventsAfter(db: DbOrTx, after: number, limit: number): Promise<DefuseEvent[]> {
  const rows = await db.select().from(events).where(gt(events.seq, after)).orderBy(asc(events.seq)).limit(limit);
  return rows.map(toEvent);
}

export async function listBombEvents(db: DbOrTx, bombId: string): Promise<DefuseEvent[]> {
  const rows = await db
    .select()
    .from(events)
    .where(and(sql`${events.bombId} = ${bombId}`))
    .orderBy(asc(events.seq));
  return rows.map(toEvent);
}

export async function lastEventSeq(db: DbOrTx): Promise<number> {
  const [row] = await db.select({ seq: sql<string | null>`max(${events.seq})` }).from(events);
  return row?.seq ? Number(row.seq) : 0;
}

/**
 * Events after `after` that the viewer may see: bomb events of bombs it can read, person events
 * about itself (managers see all). `lastSeq` is the last seq scanned, visible or not, so a
 * client resumes past events it may not see instead of asking for them again.
 */
export async function listVisibleEventsAfter(
  db: DbOrTx,
  viewer: Viewer,
  after: number,
  limit: number,
  /** The settled seq: nothing above it is read, however committed it looks. */
  upTo: number,
): Promise<{ events: DefuseEvent[]; lastSeq: number }> {
  const rows = await db
    .select({
      event: events,
      restricted: bombs.restricted,
      filedById: bombs.filedById,
      assigneeId: bombs.assigneeId,
      departmentId: bombs.departmentId,
      helperIds: bombs.helperIds,
    })
    .from(events)
    .leftJoin(bombs, eq(bombs.id, events.bombId))
    .where(and(gt(events.seq, after), lte(events.seq, upTo)))
    .orderBy(asc(events.seq))
    .limit(limit);
  const visible = rows.filter((r) => canSeeEvent(viewer, r.event, r));
  const last = rows.at(-1);
  const lastSeq = rows.length === limit && last ? last.event.seq : Math.max(after, upTo);
  return { events: visible.map((r) => toEvent(r.event)), lastSeq };
}

export function canSeeEvent(
  viewer: Viewer,
  event: { bombId: string | null; personId: string | null },
  bomb: {
    restricted: boolean | null;
    filedById: string | null;
    assigneeId: string | null;
    departmentId: string | null;
    helperIds: string[] | null;
  },
): boolean {
  if (isManager(viewer)) return true;
  if (event.bombId) {
    if (!bomb.restricted) return true;
    return (
      bomb.filedById === viewer.id ||
      bomb.assigneeId === viewer.id ||
      (bomb.helperIds ?? []).includes(viewer.id) ||
      (bomb.departmentId !== null && viewer.departmentIds.includes(bomb.departmentId))
    );
  }
  return event.personId === viewer.id;
}
