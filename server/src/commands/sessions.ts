import { apiTokens, people, sessions } from '@defuse/drizzle';
import type { Person, SignIn } from '@defuse/shared';
import { and, eq, isNull } from 'drizzle-orm';
import { hashPassword, verifyPassword } from '../auth/passwords.ts';
import { type ResolvedSession, type SessionCache, TOUCH_EVERY_MS } from '../auth/session-cache.ts';
import { admitSignIn, signInSucceeded } from '../auth/sign-in-limit.ts';
import {
  API_TOKEN_PREFIX,
  hashToken,
  newToken,
  SESSION_ABSOLUTE_SECONDS,
  SESSION_IDLE_SECONDS,
} from '../auth/tokens.ts';
import type { Deps } from '../deps.ts';
import { addSeconds } from '../domain/deadlines.ts';
import { DomainError, rateLimited } from '../errors.ts';
import { getPerson, membershipsField, viewerFromRow } from '../queries/people.ts';
import type { Viewer } from '../viewer.ts';

export async function signIn(
  { db, clock }: Pick<Deps, 'db' | 'clock'>,
  { credentials, address }: { credentials: SignIn; address: string },
): Promise<{ token: string; person: Person }> {
  const now = clock.now();
  const email = credentials.email.trim().toLowerCase();
  // Counted before the password is checked: a burst cannot get more evaluated than the limits allow.
  const wait = await admitSignIn(db, { address, email, now });
  if (wait) {
    throw rateLimited('Too many sign-in attempts. Try again in a moment.', wait.retryAfterSeconds);
  }
  const [row] = await db.select().from(people).where(eq(people.email, email));
  const ok = await verifyPassword(row?.passwordHash ?? null, credentials.password);
  if (!row || !ok || row.disabledAt) {
    throw new DomainError('invalid_credentials', 'Email or password is wrong');
  }
  await signInSucceeded(db, { address, email });
  const token = newToken();
  await db.insert(sessions).values({
    tokenHash: hashToken(token),
    personId: row.id,
    createdAt: now,
    lastSeenAt: now,
    expiresAt: addSeconds(now, SESSION_ABSOLUTE_SECONDS),
  });
  const person = await getPerson(db, row.id);
  if (!person) throw new Error('person vanished during sign-in');
  return { token, person };
}

/** Ends the session; every instance closes the sockets opened with it. */
export async function signOut({ db, signal }: Pick<Deps, 'db' | 'signal'>, token: string): Promise<void> {
  const [ended] = await db
    .delete(sessions)
    .where(eq(sessions.tokenHash, hashToken(token)))
    .returning({ personId: sessions.personId });
  if (ended) signal.personChanged?.(ended.personId);
}

/** The viewer behind a session cookie, or null when it is unknown, idle too long, expired or disabled. */
export async function resolveSession(
  { db, clock }: Pick<Deps, 'db' | 'clock'>,
  token: string,
  cache?: SessionCache,
): Promise<ResolvedSession | null> {
  const now = clock.now();
  const tokenHash = hashToken(token);
  const cached = cache?.get(tokenHash, now);
  if (cached) return cached;
  const generation = cache?.begin() ?? 0;
  const [row] = await db
    .select({ session: sessions, person: people, memberships: membershipsField })
    .from(sessions)
    .innerJoin(people, eq(people.id, sessions.personId))
    .where(eq(sessions.tokenHash, tokenHash));
  if (!row || row.person.disabledAt) return null;
  const idleEnd = addSeconds(row.session.lastSeenAt, SESSION_IDLE_SECONDS);
  if (row.session.expiresAt <= now || idleEnd <= now) {
    await db.delete(sessions).where(eq(sessions.id, row.session.id));
    return null;
  }
  // Touch at most once a minute: a busy board should not write on every read.
  let lastSeenAt = row.session.lastSeenAt;
  if (now.getTime() - lastSeenAt.getTime() > TOUCH_EVERY_MS) {
    await db.update(sessions).set({ lastSeenAt: now }).where(eq(sessions.id, row.session.id));
    lastSeenAt = now;
  }
  const resolved = { viewer: viewerFromRow(row.person, row.memberships), sessionId: row.session.id };
  cache?.set(tokenHash, resolved, { now, lastSeenAt, expiresAt: row.session.expiresAt }, generation);
  return resolved;
}

export async function resolveApiToken(
  { db, clock }: Pick<Deps, 'db' | 'clock'>,
  token: string,
): Promise<Viewer | null> {
  if (!token.startsWith(API_TOKEN_PREFIX)) return null;
  const [row] = await db
    .select({ token: apiTokens, person: people, memberships: membershipsField })
    .from(apiTokens)
    .innerJoin(people, eq(people.id, apiTokens.personId))
    .where(and(eq(apiTokens.tokenHash, hashToken(token)), isNull(apiTokens.revokedAt)));
  if (!row || row.person.disabledAt) return null;
  const now = clock.now();
  if (row.token.expiresAt && row.token.expiresAt <= now) return null;
  // Written at most once a minute per token: a script polling every second is not a write a second.
  if (!row.token.lastUsedAt || now.getTime() - row.token.lastUsedAt.getTime() > TOUCH_EVERY_MS) {
    await db.update(apiTokens).set({ lastUsedAt: now }).where(eq(apiTokens.id, row.token.id));
  }
  return viewerFromRow(row.person, row.memberships);
}

export { hashPassword };
