import { apiTokens, departmentMembers, departments, people, sessions } from '@defuse/drizzle';
import type { CreatePerson, Person, UpdatePerson } from '@defuse/shared';
import { and, eq, inArray, isNull, ne, notInArray } from 'drizzle-orm';
import { hashPassword } from '../auth/passwords.ts';
import type { DbOrTx } from '../db/types.ts';
import type { Deps } from '../deps.ts';
import { fieldChanges } from '../domain/changes.ts';
import { DomainError, invalidField, notFound } from '../errors.ts';
import { appendAdminEvent, toAuditPerson } from '../queries/audit.ts';
import { getPerson } from '../queries/people.ts';
import type { Viewer } from '../viewer.ts';
import { runChange } from './run-change.ts';

async function assertDepartmentsExist(db: DbOrTx, ids: string[], path: string) {
  if (ids.length === 0) return;
  const found = await db.select({ id: departments.id }).from(departments).where(inArray(departments.id, ids));
  const known = new Set(found.map((d) => d.id));
  const missing = ids.find((id) => !known.has(id));
  if (missing) throw invalidField(path, `No department ${missing}`);
}

async function assertEmailFree(db: DbOrTx, email: string, exceptId?: string) {
  const [row] = await db.select({ id: people.id }).from(people).where(eq(people.email, email));
  if (row && row.id !== exceptId)
    throw new DomainError('conflict', 'Email already in use', [{ path: 'email', message: 'Email already in use' }]);
}

export async function createPerson(
  deps: Pick<Deps, 'db' | 'clock' | 'signal'>,
  { actor, input }: { actor: Viewer; input: CreatePerson },
): Promise<Person> {
  const { clock } = deps;
  const passwordHash = await hashPassword(input.password);
  return runChange(deps, async (tx) => {
    await assertEmailFree(tx, input.email);
    await assertDepartmentsExist(tx, input.departmentIds, 'departmentIds');
    const [row] = await tx
      .insert(people)
      .values({
        name: input.name,
        email: input.email,
        role: input.role,
        locale: input.locale ?? 'ja',
        passwordHash,
        createdAt: clock.now(),
      })
      .returning({ id: people.id });
    if (!row) throw new Error('insert returned no row');
    if (input.departmentIds.length > 0) {
      await tx
        .insert(departmentMembers)
        .values([...new Set(input.departmentIds)].map((departmentId) => ({ departmentId, personId: row.id })));
    }
    const person = await getPerson(tx, row.id);
    if (!person) throw new Error('person vanished');
    const events = await appendAdminEvent(tx, actor, clock.now(), {
      type: 'admin.person_created',
      data: { personId: person.id, after: toAuditPerson(person) },
    });
    return { result: person, events };
  });
}

/**
 * Applies an admin's change (`admin`: audited as admin.person_updated) or the person's own; every
 * instance re-checks the person's sockets after it. `bySessionId` is the session making the change:
 * it survives its own person's new password.
 */
export async function updatePerson(
  deps: Pick<Deps, 'db' | 'clock' | 'signal'>,
  {
    id,
    patch,
    admin,
    bySessionId = null,
  }: { id: string; patch: UpdatePerson; admin?: Viewer; bySessionId?: string | null },
): Promise<Person> {
  const { clock, signal } = deps;
  const passwordHash = patch.password ? await hashPassword(patch.password) : undefined;
  const person = await runChange(deps, async (tx) => {
    const [existing] = await tx.select({ id: people.id }).from(people).where(eq(people.id, id)).for('update');
    if (!existing) throw notFound('No such person');
    const before = await getPerson(tx, id);
    if (patch.email) await assertEmailFree(tx, patch.email, id);
    const changes = {
      ...(patch.name !== undefined && { name: patch.name }),
      ...(patch.email !== undefined && { email: patch.email }),
      ...(patch.role !== undefined && { role: patch.role }),
      ...(patch.locale !== undefined && { locale: patch.locale }),
      ...(passwordHash !== undefined && { passwordHash }),
      ...(patch.disabled !== undefined && { disabledAt: patch.disabled ? clock.now() : null }),
    };
    if (Object.keys(changes).length > 0) await tx.update(people).set(changes).where(eq(people.id, id));
    // Disabling a person or changing their password ends every session they hold (but the one
    // changing their own password) and revokes every API token: a leaked secret dies with the old password.
    if (patch.disabled || passwordHash) {
      const keep = !patch.disabled && bySessionId ? ne(sessions.id, bySessionId) : undefined;
      await tx.delete(sessions).where(and(eq(sessions.personId, id), keep));
      await tx
        .update(apiTokens)
        .set({ revokedAt: clock.now() })
        .where(and(eq(apiTokens.personId, id), isNull(apiTokens.revokedAt)));
    }
    if (patch.departmentIds) {
      const wanted = [...new Set(patch.departmentIds)];
      await assertDepartmentsExist(tx, wanted, 'departmentIds');
      await tx
        .delete(departmentMembers)
        .where(
          and(
            eq(departmentMembers.personId, id),
            wanted.length > 0 ? notInArray(departmentMembers.departmentId, wanted) : undefined,
          ),
        );
      if (wanted.length > 0) {
        await tx
          .insert(departmentMembers)
          .values(wanted.map((departmentId) => ({ departmentId, personId: id })))
          .onConflictDoNothing();
      }
    }
    const after = await getPerson(tx, id);
    if (!before || !after) throw notFound('No such person');
    const change = fieldChanges(toAuditPerson(before), toAuditPerson(after));
    const audited = admin && (change.changed.length > 0 || passwordHash !== undefined);
    const events = audited
      ? await appendAdminEvent(tx, admin, clock.now(), {
          type: 'admin.person_updated',
          data: { personId: id, ...change, ...(passwordHash !== undefined && { passwordChanged: true as const }) },
        })
      : [];
    return { result: after, events };
  });
  // Disabled or a new password: their sockets close; a new role or departments: what they see changes.
  signal.personChanged?.(id);
  return person;
}
