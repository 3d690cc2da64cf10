import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { settings } from '@defuse/drizzle';
import { NOTIFICATION_KINDS, type NotificationKind } from '@defuse/shared';
import { eq } from 'drizzle-orm';
import type { DbOrTx } from '../db/types.ts';

const SECRET_KEY = 'mail.unsubscribeSecret';

/** The key that signs unsubscribe links: made once, kept in the database, so every instance agrees. */
export async function unsubscribeSecret(db: DbOrTx, now: Date): Promise<string> {
  await db
    .insert(settings)
    .values({ key: SECRET_KEY, value: randomBytes(32).toString('base64url'), updatedAt: now })
    .onConflictDoNothing();
  const [row] = await db.select({ value: settings.value }).from(settings).where(eq(settings.key, SECRET_KEY));
  if (typeof row?.value !== 'string') throw new Error('unsubscribe secret missing');
  return row.value;
}

const mac = (secret: string, payload: string) => createHmac('sha256', secret).update(payload).digest('base64url');

/** What a link turns off: one kind of e-mail sent at once, or the digest. */
export type UnsubscribeTarget = NotificationKind | 'digest';

/** `personId.target.mac`: turns one kind of e-mail (or the digest) off for one person, with no sign-in. */
export function signUnsubscribe(secret: string, personId: string, kind: UnsubscribeTarget): string {
  const payload = `${personId}.${kind}`;
  return `${payload}.${mac(secret, payload)}`;
}

export function verifyUnsubscribe(secret: string, token: string): { personId: string; kind: UnsubscribeTarget } | null {
  const [personId, kind, given, ...rest] = token.split('.');
  if (!personId || !kind || !given || rest.length > 0) return null;
  if (kind !== 'digest' && !(NOTIFICATION_KINDS as readonly string[]).includes(kind)) return null;
  const want = Buffer.from(mac(secret, `${personId}.${kind}`));
  const got = Buffer.from(given);
  if (want.length !== got.length || !timingSafeEqual(want, got)) return null;
  return { personId, kind: kind as UnsubscribeTarget };
}
