import { signInCounters } from '@defuse/drizzle';
import { and, eq, lt, type SQL, sql } from 'drizzle-orm';
import type { DbOrTx } from '../db/types.ts';
import { addSeconds } from '../domain/deadlines.ts';
import { accountDelaySeconds, SIGN_IN_LIMITS } from '../domain/sign-in-limits.ts';

/** Seconds to wait before trying again, or null when the attempt may be evaluated. */
export type Admission = { retryAfterSeconds: number } | null;

const { windowSeconds, perAddress, maxAccountDelaySeconds } = SIGN_IN_LIMITS;

/** accountDelaySeconds for attempts 1 … n, up to the first capped one (later attempts use the last). */
const DELAYS: number[] = [];
for (let n = 1; DELAYS.at(-1) !== maxAccountDelaySeconds; n++) DELAYS.push(accountDelaySeconds(n));

const iso = (t: Date) => sql`${t.toISOString()}::timestamptz`;

/** The attempts column after this attempt: 1 in a new window, one more in the current one. */
function nextAttempts(now: Date): SQL<number> {
  const edge = iso(addSeconds(now, -windowSeconds));
  return sql<number>`case when ${signInCounters.windowStart} <= ${edge} then 1 else ${signInCounters.attempts} + 1 end`;
}

function nextWindowStart(now: Date): SQL<Date> {
  const edge = iso(addSeconds(now, -windowSeconds));
  return sql<Date>`case when ${signInCounters.windowStart} <= ${edge} then ${iso(now)} else ${signInCounters.windowStart} end`;
}

/**
 * Counts one attempt from `address` and reads the count, in one statement, before the password
 * is checked: of a parallel burst, at most the limit get through, whatever its size.
 */
async function countAddress(db: DbOrTx, address: string, now: Date): Promise<Admission> {
  const [row] = await db
    .insert(signInCounters)
    .values({ scope: 'address', key: address, attempts: 1, windowStart: now, blockedUntil: now })
    .onConflictDoUpdate({
      target: [signInCounters.scope, signInCounters.key],
      set: { attempts: nextAttempts(now), windowStart: nextWindowStart(now) },
    })
    .returning({ attempts: signInCounters.attempts, windowStart: signInCounters.windowStart });
  if (!row || row.attempts <= perAddress) return null;
  const windowEnd = addSeconds(row.windowStart, windowSeconds);
  return { retryAfterSeconds: Math.max(1, Math.ceil((windowEnd.getTime() - now.getTime()) / 1000)) };
}

/**
 * Takes the account's next slot: only when its delay has passed, and then the delay after this
 * attempt (as if it fails; a success clears the row) is set in the same statement, so parallel
 * attempts on one account get one slot each, never the same one.
 */
async function countAccount(db: DbOrTx, email: string, now: Date): Promise<Admission> {
  const n = nextAttempts(now);
  const schedule = sql.join(
    DELAYS.map((d) => sql`${d}`),
    sql`, `,
  );
  const delay = sql`(array[${schedule}]::int[])[least(${n}, ${DELAYS.length})]`;
  const [row] = await db
    .insert(signInCounters)
    .values({
      scope: 'account',
      key: email,
      attempts: 1,
      windowStart: now,
      blockedUntil: addSeconds(now, accountDelaySeconds(1)),
    })
    .onConflictDoUpdate({
      target: [signInCounters.scope, signInCounters.key],
      set: {
        attempts: n,
        windowStart: nextWindowStart(now),
        blockedUntil: sql`${iso(now)} + make_interval(secs => ${delay})`,
      },
      setWhere: sql`${signInCounters.blockedUntil} <= ${iso(now)}`,
    })
    .returning({ attempts: signInCounters.attempts });
  if (row) return null;
  const [blocked] = await db
    .select({ until: signInCounters.blockedUntil })
    .from(signInCounters)
    .where(and(eq(signInCounters.scope, 'account'), eq(signInCounters.key, email)));
  const waitMs = (blocked?.until.getTime() ?? now.getTime()) - now.getTime();
  return { retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) };
}

/** The address first: a blocked address does not also move the account's delay. */
export async function admitSignIn(
  db: DbOrTx,
  { address, email, now }: { address: string; email: string; now: Date },
): Promise<Admission> {
  return (await countAddress(db, address, now)) ?? (await countAccount(db, email, now));
}

/** A success: the account starts afresh, and the address gets its attempt back (an office shares one). */
export async function signInSucceeded(db: DbOrTx, { address, email }: { address: string; email: string }) {
  await db.delete(signInCounters).where(and(eq(signInCounters.scope, 'account'), eq(signInCounters.key, email)));
  await db
    .update(signInCounters)
    .set({ attempts: sql`greatest(${signInCounters.attempts} - 1, 0)` })
    .where(and(eq(signInCounters.scope, 'address'), eq(signInCounters.key, address)));
}

/** Forgets counters whose window and delay are both over (a scheduler task). */
export async function pruneSignInCounters(db: DbOrTx, now: Date): Promise<void> {
  await db
    .delete(signInCounters)
    .where(and(lt(signInCounters.windowStart, addSeconds(now, -windowSeconds)), lt(signInCounters.blockedUntil, now)));
}
