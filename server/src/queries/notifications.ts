import { bombs, notifications } from '@defuse/drizzle';
import { type Locale, NOTIFICATION_KINDS, type Notification, type NotificationKind } from '@defuse/shared';
import { and, count, desc, eq, gt, inArray, isNull, lt, max, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { DbOrTx } from '../db/types.ts';
import { renderNotice } from '../domain/notification-text.ts';
import { decodeCursor, encodeCursor } from './cursor.ts';

const row = {
  id: notifications.id,
  kind: notifications.kind,
  bombId: notifications.bombId,
  bombKey: bombs.key,
  lessonId: notifications.lessonId,
  params: notifications.params,
  at: notifications.at,
  readAt: notifications.readAt,
};
type Row = {
  id: number;
  kind: string;
  bombId: string | null;
  bombKey: string | null;
  lessonId: string | null;
  params: Record<string, unknown>;
  at: Date;
  readAt: Date | null;
};

const isKind = (k: string): k is NotificationKind => (NOTIFICATION_KINDS as readonly string[]).includes(k);

/** One inbox row as the API shows it, its text in the reader's language. */
export function toNotification(r: Row, locale: Locale): Notification {
  const kind = isKind(r.kind) ? r.kind : 'commented';
  const text = renderNotice(kind, r.params, locale);
  return {
    id: String(r.id),
    kind,
    bombId: r.bombId,
    bombKey: r.bombKey,
    lessonId: r.lessonId,
    at: r.at.toISOString(),
    readAt: r.readAt?.toISOString() ?? null,
    title: text.title,
    body: text.body,
  };
}

const select = (db: DbOrTx) => db.select(row).from(notifications).leftJoin(bombs, eq(bombs.id, notifications.bombId));

/** Newest first, by id (keyset over notifications_person / notifications_unread). */
export async function listNotifications(
  db: DbOrTx,
  personId: string,
  locale: Locale,
  query: { unread: boolean; cursor: string | undefined; limit: number },
) {
  const before = query.cursor === undefined ? null : decodeCursor(query.cursor, z.number().int().positive());
  const rows = await select(db)
    .where(
      and(
        eq(notifications.personId, personId),
        query.unread ? isNull(notifications.readAt) : undefined,
        before === null ? undefined : lt(notifications.id, before),
      ),
    )
    .orderBy(desc(notifications.id))
    .limit(query.limit + 1);
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return {
    items: page.map((r) => toNotification(r, locale)),
    nextCursor: rows.length > query.limit && last ? encodeCursor(last.id) : null,
    unreadCount: await unreadCount(db, personId),
  };
}

export async function unreadCount(db: DbOrTx, personId: string): Promise<number> {
  const [r] = await db
    .select({ n: count() })
    .from(notifications)
    .where(and(eq(notifications.personId, personId), isNull(notifications.readAt)));
  return r?.n ?? 0;
}

/** Marks the person's own rows read (ids of someone else's are ignored, never revealed). */
export async function markRead(db: DbOrTx, personId: string, ids: number[] | 'all', now: Date): Promise<void> {
  await db
    .update(notifications)
    .set({ readAt: now })
    .where(
      and(
        eq(notifications.personId, personId),
        isNull(notifications.readAt),
        ids === 'all' ? undefined : inArray(notifications.id, ids),
      ),
    );
}

/** The person's newest row id: a socket opening now is sent only what comes after. */
export async function lastNotificationId(db: DbOrTx, personId: string): Promise<number> {
  const [r] = await db
    .select({ id: max(notifications.id) })
    .from(notifications)
    .where(eq(notifications.personId, personId));
  return r?.id ? Number(r.id) : 0;
}

/** The person's rows after `afterId`, oldest first, for the live socket. */
export function notificationsAfter(db: DbOrTx, personId: string, afterId: number, limit = 50) {
  return select(db)
    .where(and(eq(notifications.personId, personId), gt(notifications.id, afterId)))
    .orderBy(sql`${notifications.id} asc`)
    .limit(limit);
}
