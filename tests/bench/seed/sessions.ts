import { people, sessions } from '@defuse/drizzle';
import { hashToken, newToken, SESSION_COOKIE } from '@defuse/server/auth/tokens';
import type { Db } from '@defuse/server/db/types';
import { eq } from 'drizzle-orm';

/** A signed-in browser's headers for a seeded person, with a session written straight to the table. */
export async function signIn(
  db: Db,
  email: string,
  origin: string,
  now: Date,
): Promise<{ id: string; headers: { cookie: string; origin: string } }> {
  const [row] = await db.select({ id: people.id }).from(people).where(eq(people.email, email));
  if (!row) throw new Error(`no ${email}`);
  const token = newToken();
  await db.insert(sessions).values({
    tokenHash: hashToken(token),
    personId: row.id,
    createdAt: now,
    lastSeenAt: now,
    expiresAt: new Date(now.getTime() + 86_400_000),
  });
  return { id: row.id, headers: { cookie: `${SESSION_COOKIE}=${token}`, origin } };
}
