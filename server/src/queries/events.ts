import { bombs, departmentMembers, events } from '@defuse/drizzle';
import {
  type Bomb,
  type BombEventType,
  type DefuseEvent,
  type EventData,
  type EventType,
  isAdminEventType,
} from '@defuse/shared';
import { and, asc, eq, gt, lte, sql } from 'drizzle-orm';
import type { DbOrTx } from '../db/types.ts';
import { canSeeEvent, type EventAudience } from '../domain/event-visibility.ts';
import type { Viewer } from '../viewer.ts';

/**
 * An event to write, its `data` checked against its type's schema: `NewEvent` is the union over
 * every type, so each element of a list is checked on its own; `NewEvent<'bomb.filed'>` is one.
 */
export type NewEvent<T extends EventType = EventType> = {
  [K in T]: {
    type: K;
    bombId?: string | null;
    personId?: string | null;
    actorId: string | null;
    at: Date;
    data: EventData<K>;
  };
}[T];

type EventRow = typeof events.$inferSelect;

type WithoutBomb<T> = T extends unknown ? Omit<T, 'bomb'> : never;
/** A bomb event as an action decides it, before the bomb after the change is known. */
export type BombEventDraft = {
  [K in BombEventType]: { type: K; data: WithoutBomb<EventData<K>>; notify?: string };
}[BombEventType];

/**
 * The draft with the bomb after the change: every bomb event's data is its draft plus `bomb`
 * (BOMB_EVENT_DATA), which the compiler cannot follow through the union, hence the one cast.
 */
export function bombEvent(
  draft: BombEventDraft,
  bomb: Bomb,
  envelope: { actorId: string | null; at: Date },
): NewEvent<BombEventType> {
  return { type: draft.type, bombId: bomb.id, ...envelope, data: { ...draft.data, bomb } } as NewEvent<BombEventType>;
}

/** The event as answered, for a writer that has its seq without reading the row back (filing). */
export function writtenEvent(e: NewEvent, seq: number): DefuseEvent {
  return {
    seq,
    type: e.type,
    bombId: e.bombId ?? null,
    personId: e.personId ?? null,
    actorId: e.actorId,
    at: e.at.toISOString(),
    data: e.data,
  } as DefuseEvent;
}

/** Rows were written through NewEvent, so each row's data is its type's. */
export function toEvent(row: EventRow): DefuseEvent {
  return {
    seq: row.seq,
    type: row.type,
    bombId: row.bombId,
    personId: row.personId,
    actorId: row.actorId,
    at: row.at.toISOString(),
    data: row.data,
  } as DefuseEvent;
}

/**
 * The one place that writes events. Writers never wait on each other: readers deliver only up to
 * the settled seq (SettledSeq), which needs every writer to hold a transaction id before it takes
 * a seq — pg_current_xact_id() assigns one if the transaction has none yet.
 */
export async function appendEvents(
  tx: DbOrTx,
  list: NewEvent[],
  /** `afterWrite`: the transaction has already written a row, so it holds an id and the extra statement is skipped. */
  options: { afterWrite?: boolean } = {},
): Promise<DefuseEvent[]> {
  if (list.length === 0) return [];
  if (!options.afterWrite) await takeTransactionId(tx);
  const rows = await eventsInsert(tx, list).returning();
  return rows.map(toEvent).sort((a, b) => a.seq - b.seq);
}

/** Gives the transaction its id now: in one statement, rows may be written after seqs are drawn. */
export async function takeTransactionId(tx: DbOrTx): Promise<void> {
  await tx.execute(sql`select pg_current_xact_id()`);
}

/**
 * The insert of `list`, for a change that sends it with its other writes in one statement
 * (filing); the transaction must already hold its id (takeTransactionId, or pg_current_xact_id() in
 * one of its earlier statements).
 */
export function eventsInsert(tx: Pick<DbOrTx, 'insert'>, list: NewEvent[]) {
  return tx.insert(events).values(
    list.map((e) => ({
      type: e.type,
      bombId: e.bombId ?? null,
      personId: e.personId ?? null,
      actorId: e.actorId,
      at: e.at,
      data: e.data,
    })),
  );
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
 * Events in (after, upTo] in seq order, each with what visibility needs, read in one statement so
 * the bomb and the person's departments are those of the same moment. `upTo` is the settled seq
 * (SettledSeq): below it nothing can still commit, so a later read never finds a lower seq.
 */
export async function listEventsWithAudience(
  db: DbOrTx,
  after: number,
  limit: number,
  upTo: number,
): Promise<EventWithAudience[]> {
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
    .where(and(gt(events.seq, after), lte(events.seq, upTo)))
    .orderBy(asc(events.seq))
    .limit(limit);
  return rows.map((r) => ({
    event: toEvent(r.event),
    audience: {
      adminOnly: isAdminEventType(r.event.type),
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
  upTo: number,
): Promise<{ events: DefuseEvent[]; lastSeq: number }> {
  const rows = await listEventsWithAudience(db, after, limit, upTo);
  const last = rows.at(-1)?.event.seq;
  return {
    events: rows.filter((r) => canSeeEvent(viewer, r.audience)).map((r) => r.event),
    // a short page read everything up to the settled seq, rolled-back gaps included
    lastSeq: rows.length === limit && last !== undefined ? last : Math.max(after, upTo),
  };
}
