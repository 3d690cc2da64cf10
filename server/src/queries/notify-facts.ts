import { bombs, departmentMembers, notificationPreferences, people, products } from '@defuse/drizzle';
import {
  DEFAULT_NOTIFICATION_PREFERENCES,
  type NotificationPreferences,
  NotificationPreferencesSchema,
} from '@defuse/shared';
import { and, eq, inArray, isNull } from 'drizzle-orm';
import type { DbOrTx } from '../db/types.ts';
import type { NotifyBomb, NotifyDirectory } from '../domain/notify-recipients.ts';
import type { Viewer } from '../viewer.ts';
import { membershipsOf } from './people.ts';

/** Key, title and the product's PM of the bombs a batch of events is about. */
export async function loadNotifyBombs(db: DbOrTx, ids: string[]): Promise<Map<string, NotifyBomb>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .select({
      id: bombs.id,
      key: bombs.key,
      title: bombs.title,
      filedById: bombs.filedById,
      assigneeId: bombs.assigneeId,
      helperIds: bombs.helperIds,
      departmentId: bombs.departmentId,
      productPmId: products.pmId,
    })
    .from(bombs)
    .leftJoin(products, eq(products.id, bombs.productId))
    .where(inArray(bombs.id, ids));
  return new Map(rows.map(({ id, ...b }) => [id, b]));
}

/** Members and leads of the given departments, PMs and admins: enabled people only. */
export async function loadDirectory(db: DbOrTx, departmentIds: string[]): Promise<NotifyDirectory> {
  const members =
    departmentIds.length === 0
      ? []
      : await db
          .select({
            departmentId: departmentMembers.departmentId,
            personId: departmentMembers.personId,
            isLead: departmentMembers.isLead,
          })
          .from(departmentMembers)
          .innerJoin(people, eq(people.id, departmentMembers.personId))
          .where(and(inArray(departmentMembers.departmentId, departmentIds), isNull(people.disabledAt)));
  const managers = await db
    .select({ id: people.id, role: people.role })
    .from(people)
    .where(and(inArray(people.role, ['pm', 'admin']), isNull(people.disabledAt)));
  return {
    members: (d) => members.filter((m) => m.departmentId === d).map((m) => m.personId),
    leads: (d) => members.filter((m) => m.departmentId === d && m.isLead).map((m) => m.personId),
    pms: managers.filter((m) => m.role === 'pm').map((m) => m.id),
    admins: managers.filter((m) => m.role === 'admin').map((m) => m.id),
  };
}

/** The people who may be notified, as viewers (for the visibility rule); disabled people are left out. */
export async function loadRecipients(db: DbOrTx, ids: string[]): Promise<Map<string, Viewer>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .select({ id: people.id, name: people.name, role: people.role, locale: people.locale })
    .from(people)
    .where(and(inArray(people.id, ids), isNull(people.disabledAt)));
  const m = await membershipsOf(
    db,
    rows.map((r) => r.id),
  );
  return new Map(
    rows.map((r) => [
      r.id,
      {
        ...r,
        departmentIds: m.get(r.id)?.departmentIds ?? [],
        leadDepartmentIds: m.get(r.id)?.leadDepartmentIds ?? [],
      },
    ]),
  );
}

/** A stored preference that no longer parses (a kind renamed) falls back to the defaults rather than failing delivery. */
export function preferencesFrom(value: unknown): NotificationPreferences {
  const parsed = NotificationPreferencesSchema.safeParse(value);
  return parsed.success ? parsed.data : DEFAULT_NOTIFICATION_PREFERENCES;
}

export async function loadPreferences(db: DbOrTx, ids: string[]): Promise<Map<string, NotificationPreferences>> {
  const rows =
    ids.length === 0
      ? []
      : await db.select().from(notificationPreferences).where(inArray(notificationPreferences.personId, ids));
  const stored = new Map(rows.map((r) => [r.personId, preferencesFrom(r.value)]));
  return new Map(ids.map((id) => [id, stored.get(id) ?? DEFAULT_NOTIFICATION_PREFERENCES]));
}
