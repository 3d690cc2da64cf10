import { bombs, events } from '@defuse/drizzle';
import type { DefuseEvent, EventType } from '@defuse/shared';
import { and, asc, eq, gt, sql } from 'drizzle-orm';
import type { DbOrTx } from '../db/types.ts';
import { isManager, type Viewer } from '../viewer.ts';

/** Serialises event inserts until commit, so seq order is commit order and no reader skips a seq. */
const EVENT_ORDER_LOCK = 7_234_002;

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
 * The one place that writes events. Call it last in a change's transaction: the lock it takes is
 * held until commit, so keep the work after it short.
 */
export async function appendEvents(tx: DbOrTx, list: NewEvent[]): Promise<DefuseEvent[]> {
  if (list.length === 0) return [];
  await tx.execute(sql`select pg_advisory_xact_lock(${EVENT_ORDER_LOCK})`);
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
    .where(gt(events.seq, after))
    .orderBy(asc(events.seq))
    .limit(limit);
  const visible = rows.filter((r) => canSeeEvent(viewer, r.event, r));
  const last = rows.at(-1);
  return { events: visible.map((r) => toEvent(r.event)), lastSeq: last ? last.event.seq : after };
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
