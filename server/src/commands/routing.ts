import { departmentMembers, departments, people } from '@defuse/drizzle';
import type { RoutingTable } from '@defuse/shared';
import { inArray } from 'drizzle-orm';
import type { Deps } from '../deps.ts';
import { changedFields } from '../domain/changes.ts';
import { DomainError } from '../errors.ts';
import { appendAdminEvent } from '../queries/audit.ts';
import { getRoutingTable, putSetting } from '../queries/settings.ts';
import type { Viewer } from '../viewer.ts';
import { runChange } from './run-change.ts';

/**
 * Stores the routing table after checking every rule names a real department and, when it names
 * an assignee, a person who belongs to that department; a bad rule is a 400 naming it.
 */
export async function putRoutingTable(
  deps: Pick<Deps, 'db' | 'clock' | 'signal'>,
  { actor, table }: { actor: Viewer; table: RoutingTable },
): Promise<RoutingTable> {
  const now = deps.clock.now();
  const departmentIds = [...new Set([table.fallbackDepartmentId, ...table.rules.map((r) => r.departmentId)])];
  const personIds = [...new Set(table.rules.flatMap((r) => (r.assigneeId ? [r.assigneeId] : [])))];
  return runChange(deps, async (tx) => {
    const known = new Set(
      (await tx.select({ id: departments.id }).from(departments).where(inArray(departments.id, departmentIds))).map(
        (r) => r.id,
      ),
    );
    const memberships =
      personIds.length === 0
        ? []
        : await tx
            .select({ personId: departmentMembers.personId, departmentId: departmentMembers.departmentId })
            .from(departmentMembers)
            .where(inArray(departmentMembers.personId, personIds));
    const persons =
      personIds.length === 0
        ? new Set<string>()
        : new Set(
            (await tx.select({ id: people.id }).from(people).where(inArray(people.id, personIds))).map((r) => r.id),
          );
    const fields: { path: string; message: string }[] = [];
    if (!known.has(table.fallbackDepartmentId)) {
      fields.push({ path: 'fallbackDepartmentId', message: `No department ${table.fallbackDepartmentId}` });
    }
    table.rules.forEach((rule, i) => {
      if (!known.has(rule.departmentId)) {
        fields.push({ path: `rules.${i}.departmentId`, message: `Rule ${i + 1}: no department ${rule.departmentId}` });
      }
      if (rule.assigneeId && !persons.has(rule.assigneeId)) {
        fields.push({ path: `rules.${i}.assigneeId`, message: `Rule ${i + 1}: no person ${rule.assigneeId}` });
      } else if (
        rule.assigneeId &&
        !memberships.some((m) => m.personId === rule.assigneeId && m.departmentId === rule.departmentId)
      ) {
        fields.push({
          path: `rules.${i}.assigneeId`,
          message: `Rule ${i + 1}: ${rule.assigneeId} is not a member of the rule's department`,
        });
      }
    });
    if (fields.length > 0) throw new DomainError('validation_failed', 'The routing table names unknown things', fields);
    const before = await getRoutingTable(tx);
    await putSetting(tx, 'routing', table, now);
    const events = await appendAdminEvent(tx, actor, now, {
      type: 'admin.routing_updated',
      data: { changed: changedFields(before, table), before, after: table },
    });
    return { result: table, events };
  });
}
