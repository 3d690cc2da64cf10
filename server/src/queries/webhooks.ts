import { departments, webhookDeliveries } from '@defuse/drizzle';
import type { ListWebhookDeliveriesQuery, WebhookDelivery, WebhookDeliveryStatus } from '@defuse/shared';
import { and, desc, eq, inArray, isNotNull, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../db/types.ts';

export interface Notification {
  departmentId: string | null;
  eventSeq: number;
  text: string;
}

/** Queues a `{text}` message for each department that has a webhook; the deliver task sends it. */
export async function enqueueWebhooks(db: DbOrTx, list: Notification[], now: Date): Promise<void> {
  const ids = [...new Set(list.flatMap((n) => (n.departmentId ? [n.departmentId] : [])))];
  if (ids.length === 0) return;
  const hooks = await db
    .select({ id: departments.id, url: departments.webhookUrl })
    .from(departments)
    .where(and(inArray(departments.id, ids), isNotNull(departments.webhookUrl)));
  const urlOf = new Map(hooks.flatMap((h) => (h.url ? [[h.id, h.url] as const] : [])));
  const rows = list.flatMap((n) => {
    const url = n.departmentId ? urlOf.get(n.departmentId) : undefined;
    return url && n.departmentId
      ? [
          {
            departmentId: n.departmentId,
            eventSeq: n.eventSeq,
            url,
            payload: { text: n.text },
            nextAttemptAt: now,
            createdAt: now,
          },
        ]
      : [];
  });
  if (rows.length > 0) await db.insert(webhookDeliveries).values(rows).onConflictDoNothing();
}

type DeliveryRow = typeof webhookDeliveries.$inferSelect;

export function toDelivery(r: DeliveryRow): WebhookDelivery {
  return {
    id: r.id,
    departmentId: r.departmentId,
    eventSeq: r.eventSeq,
    url: r.url,
    payload: r.payload as { text: string },
    status: r.status as WebhookDeliveryStatus,
    attempts: r.attempts,
    nextAttemptAt: r.nextAttemptAt.toISOString(),
    lastError: r.lastError,
    createdAt: r.createdAt.toISOString(),
    deliveredAt: r.deliveredAt ? r.deliveredAt.toISOString() : null,
  };
}

export async function listDeliveries(db: DbOrTx, query: ListWebhookDeliveriesQuery): Promise<WebhookDelivery[]> {
  const where: SQL[] = [];
  if (query.departmentId) where.push(eq(webhookDeliveries.departmentId, query.departmentId));
  if (query.status) where.push(eq(webhookDeliveries.status, query.status));
  const rows = await db
    .select()
    .from(webhookDeliveries)
    .where(and(...where))
    .orderBy(desc(webhookDeliveries.createdAt), desc(webhookDeliveries.eventSeq))
    .limit(query.limit);
  return rows.map(toDelivery);
}
