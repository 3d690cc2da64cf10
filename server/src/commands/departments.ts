import { randomBytes } from 'node:crypto';
import { departmentMembers, departments, people } from '@defuse/drizzle';
import type { CreateDepartment, DepartmentSaved, UpdateDepartment } from '@defuse/shared';
import { eq, inArray } from 'drizzle-orm';
import type { DbOrTx, Tx } from '../db/types.ts';
import type { Deps } from '../deps.ts';
import { fieldChanges } from '../domain/changes.ts';
import { DomainError, invalidField, notFound } from '../errors.ts';
import { REFUSE_PRIVATE, targetProblem } from '../outbound/target-guard.ts';
import { appendAdminEvent, toAuditDepartment } from '../queries/audit.ts';
import { getDepartment } from '../queries/departments.ts';
import type { Viewer } from '../viewer.ts';
import { runChange } from './run-change.ts';

/**
 * A webhook URL being set: refused when it aims inward (a literal private address, a local name;
 * its resolved addresses are checked again at each delivery), else a fresh signing secret for it.
 */
function webhookChange(url: string | null | undefined, deps: Pick<Deps, 'outbound'>) {
  if (url === undefined) return {};
  if (url === null) return { webhookUrl: null, webhookSecret: null };
  const problem = targetProblem(url, deps.outbound ?? REFUSE_PRIVATE);
  if (problem) throw invalidField('webhookUrl', problem);
  return { webhookUrl: url, webhookSecret: randomBytes(32).toString('hex') };
}

async function assertPeopleExist(db: DbOrTx, ids: string[], path: string) {
  if (ids.length === 0) return;
  const found = await db.select({ id: people.id }).from(people).where(inArray(people.id, ids));
  const known = new Set(found.map((p) => p.id));
  const missing = ids.find((id) => !known.has(id));
  if (missing) throw invalidField(path, `No person ${missing}`);
}

async function assertSlugFree(db: DbOrTx, slug: string, exceptId?: string) {
  const [row] = await db.select({ id: departments.id }).from(departments).where(eq(departments.slug, slug));
  if (row && row.id !== exceptId)
    throw new DomainError('conflict', 'Slug already in use', [{ path: 'slug', message: 'Slug already in use' }]);
}

/**
 * Leads are members too; the two lists are merged into one membership set. Returns the people
 * whose membership may have changed (members before and after), whose live view follows it.
 */
async function replaceMembers(tx: Tx, departmentId: string, leadIds: string[], memberIds: string[]) {
  await assertPeopleExist(tx, leadIds, 'leadIds');
  await assertPeopleExist(tx, memberIds, 'memberIds');
  const before = await tx
    .delete(departmentMembers)
    .where(eq(departmentMembers.departmentId, departmentId))
    .returning({ personId: departmentMembers.personId });
  const leads = new Set(leadIds);
  const all = new Set([...leadIds, ...memberIds]);
  if (all.size > 0) {
    await tx
      .insert(departmentMembers)
      .values([...all].map((personId) => ({ departmentId, personId, isLead: leads.has(personId) })));
  }
  return new Set([...all, ...before.map((m) => m.personId)]);
}

export async function createDepartment(
  deps: Pick<Deps, 'db' | 'clock' | 'signal' | 'outbound'>,
  { actor, input }: { actor: Viewer; input: CreateDepartment },
): Promise<DepartmentSaved> {
  const { clock, signal } = deps;
  const webhook = webhookChange(input.webhookUrl, deps);
  const { department, affected } = await runChange(deps, async (tx) => {
    await assertSlugFree(tx, input.slug);
    const [row] = await tx
      .insert(departments)
      .values({ name: input.name, slug: input.slug, ...webhook, createdAt: clock.now() })
      .returning({ id: departments.id });
    if (!row) throw new Error('insert returned no row');
    const affected = await replaceMembers(tx, row.id, input.leadIds, input.memberIds);
    const department = await getDepartment(tx, row.id);
    if (!department) throw new Error('department vanished');
    const events = await appendAdminEvent(tx, actor, clock.now(), {
      type: 'admin.department_created',
      data: { departmentId: department.id, after: toAuditDepartment(department) },
    });
    return { result: { department, affected }, events };
  });
  for (const personId of affected) signal.personChanged?.(personId);
  return { department, ...(webhook.webhookSecret && { webhookSecret: webhook.webhookSecret }) };
}

export async function updateDepartment(
  deps: Pick<Deps, 'db' | 'clock' | 'signal' | 'outbound'>,
  { actor, id, patch }: { actor: Viewer; id: string; patch: UpdateDepartment },
): Promise<DepartmentSaved> {
  const { clock, signal } = deps;
  const webhook = webhookChange(patch.webhookUrl, deps);
  const { department, affected } = await runChange(deps, async (tx) => {
    const current = await getDepartment(tx, id);
    if (!current) throw notFound('No such department');
    if (patch.slug) await assertSlugFree(tx, patch.slug, id);
    const changes = {
      ...(patch.name !== undefined && { name: patch.name }),
      ...(patch.slug !== undefined && { slug: patch.slug }),
      ...webhook,
    };
    if (Object.keys(changes).length > 0) await tx.update(departments).set(changes).where(eq(departments.id, id));
    const affected =
      patch.leadIds === undefined && patch.memberIds === undefined
        ? new Set<string>()
        : await replaceMembers(tx, id, patch.leadIds ?? current.leadIds, patch.memberIds ?? current.memberIds);
    const department = await getDepartment(tx, id);
    if (!department) throw notFound('No such department');
    const change = fieldChanges(toAuditDepartment(current), toAuditDepartment(department));
    // A new webhook URL on the same origin is still a change: named, never shown.
    if (current.webhookUrl !== department.webhookUrl && !change.changed.includes('webhookOrigin')) {
      change.changed.push('webhookOrigin');
      change.before.webhookOrigin = toAuditDepartment(current).webhookOrigin;
      change.after.webhookOrigin = toAuditDepartment(department).webhookOrigin;
    }
    const events =
      change.changed.length > 0
        ? await appendAdminEvent(tx, actor, clock.now(), {
            type: 'admin.department_updated',
            data: { departmentId: id, ...change },
          })
        : [];
    return { result: { department, affected }, events };
  });
  for (const personId of affected) signal.personChanged?.(personId);
  return { department, ...(webhook.webhookSecret && { webhookSecret: webhook.webhookSecret }) };
}
