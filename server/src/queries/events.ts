import { bombs, departmentMembers, events } from '@defuse/drizzle';
import type { DefuseEvent, EventType } from '@defuse/shared';
import { and, asc, eq, gt, sql } from 'drizzle-orm';
import type { DbOrTx } from '../db/types.ts';
import { canSeeEvent, type EventAudience } from '../live/visibility.ts';
import type { Viewer } from '../viewer.ts';

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

export interface EventWithAudience {
  event: DefuseEvent;
  audience: EventAudience;
}

/**
 * Events after `after` in seq order, each with what visibility needs, read in one statement so
 * the bomb and the person's departments are those of the same moment. Seq order is commit order
 * (see EVENT_ORDER_LOCK), so what one read returns is a prefix: no later read finds a lower seq.
 */
export async function listEventsWithAudience(db: DbOrTx, after: number, limit: number): Promise<EventWithAudience[]> {
  const rows = await db
    .select({
      event: events,
      restricted: bombs.restricted,
      filedById: bombs.filedById,
      assigneeId: bombs.assigneeId,
      departmentId: bombs.departmentId,
      helperIds: bombs.helperIds,
      personDepartmentIds: sql<string[] | null>`case when ${events.personId} is null then null else array(
        select ${departmentMembers.departmentId}::text from ${departmentMembers}
        where ${departmentMembers.personId} = ${events.personId}) end`,
    })
    .from(events)
    .leftJoin(bombs, eq(bombs.id, events.bombId))
    .where(gt(events.seq, after))
    .orderBy(asc(events.seq))
    .limit(limit);
  return rows.map((r) => ({
    event: toEvent(r.event),
    audience: {
      bombId: r.event.bombId,
      personId: r.event.personId,
      bomb:
        r.restricted === null || r.filedById === null
          ? null
          : {
              restricted: r.restricted,
              filedById: r.filedById,
              assigneeId: r.assigneeId,
              departmentId: r.departmentId,
              helperIds: r.helperIds ?? [],
            },
      personDepartmentIds: r.personDepartmentIds,
    },
  }));
}

/**
 * Events after `after` that the viewer may see. `lastSeq` is the last seq scanned, visible or
 * not, so a client resumes past events it may not see instead of asking for them again.
 */
export async function listVisibleEventsAfter(
  db: DbOrTx,
  viewer: Viewer,
  after: number,
  limit: number,
): Promise<{ events: DefuseEvent[]; lastSeq: number }> {
  const rows = await listEventsWithAudience(db, after, limit);
  return {
    events: rows.filter((r) => canSeeEvent(viewer, r.audience)).map((r) => r.event),
    lastSeq: rows.at(-1)?.event.seq ?? after,
  };
}
