import { notificationDeliveries, notifications } from '@defuse/drizzle';
import { NOTIFICATION_KINDS, type NotificationDelivery, type NotificationKind } from '@defuse/shared';
import { and, desc, eq, or, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { DbOrTx } from '../db/types.ts';
import { cursorId, decodeCursor, encodeCursor } from './cursor.ts';

const Cursor = z.tuple([z.iso.datetime({ offset: true }), cursorId]);
type Status = NotificationDelivery['status'];

/** The admin's delivery log, newest first, by keyset on (created_at, id). */
export async function listNotificationDeliveries(
  db: DbOrTx,
  query: { status?: Status | undefined; cursor?: string | undefined; limit: number },
) {
  const after = query.cursor === undefined ? null : decodeCursor(query.cursor, Cursor);
  const d = notificationDeliveries;
  const rows = await db
    .select({ d, kind: notifications.kind })
    .from(d)
    .innerJoin(notifications, eq(notifications.id, d.notificationId))
    .where(
      and(
        query.status ? eq(d.status, query.status) : undefined,
        after
          ? or(
              sql`${d.createdAt} < ${new Date(after[0])}`,
              and(eq(d.createdAt, new Date(after[0])), sql`${d.id} < ${after[1]}`),
            )
          : undefined,
      ),
    )
    .orderBy(desc(d.createdAt), desc(d.id))
    .limit(query.limit + 1);
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return {
    items: page.map(({ d: r, kind }) => ({
      id: r.id,
      channel: r.channel,
      status: r.status as Status,
      personId: r.personId,
      eventSeq: r.eventSeq,
      kind: ((NOTIFICATION_KINDS as readonly string[]).includes(kind) ? kind : 'commented') as NotificationKind,
      attempts: r.attempts,
      lastError: r.lastError,
      createdAt: r.createdAt.toISOString(),
      nextAttemptAt: r.nextAttemptAt.toISOString(),
      sentAt: r.sentAt?.toISOString() ?? null,
    })),
    nextCursor: rows.length > query.limit && last ? encodeCursor([last.d.createdAt.toISOString(), last.d.id]) : null,
  };
}
