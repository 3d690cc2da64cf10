import { notificationPreferences } from '@defuse/drizzle';
import type { NotificationPreferences } from '@defuse/shared';
import { eq } from 'drizzle-orm';
import type { DbOrTx } from '../db/types.ts';
import type { Deps } from '../deps.ts';
import type { UnsubscribeTarget } from '../mail/unsubscribe.ts';
import { loadPreferences } from '../queries/notify-facts.ts';

export async function getPreferences(db: DbOrTx, personId: string): Promise<NotificationPreferences> {
  const prefs = (await loadPreferences(db, [personId])).get(personId);
  if (!prefs) throw new Error('preferences missing');
  return prefs;
}

async function store(db: DbOrTx, personId: string, value: NotificationPreferences, now: Date) {
  await db
    .insert(notificationPreferences)
    .values({ personId, value, updatedAt: now })
    .onConflictDoUpdate({ target: notificationPreferences.personId, set: { value, updatedAt: now } });
}

export async function updatePreferences(
  deps: Pick<Deps, 'db' | 'clock'>,
  personId: string,
  value: NotificationPreferences,
): Promise<NotificationPreferences> {
  await store(deps.db, personId, value, deps.clock.now());
  return value;
}

/** A one-click unsubscribe: that kind of e-mail (or the digest) off, the rest as it was. */
export async function unsubscribe(deps: Pick<Deps, 'db' | 'clock'>, personId: string, target: UnsubscribeTarget) {
  await deps.db.transaction(async (tx) => {
    // The row lock keeps a concurrent PUT from being overwritten with what was read before it.
    await tx.select().from(notificationPreferences).where(eq(notificationPreferences.personId, personId)).for('update');
    const prefs = await getPreferences(tx, personId);
    const next: NotificationPreferences =
      target === 'digest'
        ? { ...prefs, email: { ...prefs.email, digest: 'off' } }
        : { ...prefs, email: { ...prefs.email, kinds: prefs.email.kinds.filter((k) => k !== target) } };
    await store(tx, personId, next, deps.clock.now());
  });
}
