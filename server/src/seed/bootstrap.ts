import { people } from '@defuse/drizzle';
import { count } from 'drizzle-orm';
import { hashPassword } from '../auth/passwords.ts';
import type { Deps } from '../deps.ts';

export async function isEmpty(db: Deps['db']): Promise<boolean> {
  const [row] = await db.select({ n: count() }).from(people);
  return (row?.n ?? 0) === 0;
}

/** The admin from DEFUSE_ADMIN_EMAIL / _PASSWORD, created only while nobody exists. */
export async function bootstrapAdmin(
  { db, clock }: Pick<Deps, 'db' | 'clock'>,
  admin: { email: string; password: string },
): Promise<boolean> {
  if (!(await isEmpty(db))) return false;
  await db.insert(people).values({
    name: 'Admin',
    email: admin.email,
    role: 'admin',
    locale: 'ja',
    passwordHash: await hashPassword(admin.password),
    createdAt: clock.now(),
  });
  return true;
}
