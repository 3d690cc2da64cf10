import { departmentMembers, people } from '@defuse/drizzle';
import type { Person } from '@defuse/shared';
import { asc, eq, inArray } from 'drizzle-orm';
import type { DbOrTx } from '../db/types.ts';
import type { Viewer } from '../viewer.ts';

export type PersonRow = typeof people.$inferSelect;

export async function membershipsOf(db: DbOrTx, personIds: string[]) {
  if (personIds.length === 0) return new Map<string, { departmentIds: string[]; leadDepartmentIds: string[] }>();
  const rows = await db.select().from(departmentMembers).where(inArray(departmentMembers.personId, personIds));
  const map = new Map<string, { departmentIds: string[]; leadDepartmentIds: string[] }>();
  for (const id of personIds) map.set(id, { departmentIds: [], leadDepartmentIds: [] });
  for (const r of rows) {
    const m = map.get(r.personId);
    if (!m) continue;
    m.departmentIds.push(r.departmentId);
    if (r.isLead) m.leadDepartmentIds.push(r.departmentId);
  }
  return map;
}

export function toPerson(row: PersonRow, departmentIds: string[]): Person {
  return {
    id: row.id,
    name: row.name,
    email: row.email,
    role: row.role,
    departmentIds,
    locale: row.locale,
    disabled: row.disabledAt !== null,
  };
}

export async function getPerson(db: DbOrTx, id: string): Promise<Person | undefined> {
  const [row] = await db.select().from(people).where(eq(people.id, id));
  if (!row) return undefined;
  const m = await membershipsOf(db, [id]);
  return toPerson(row, m.get(id)?.departmentIds ?? []);
}

export async function listPeople(db: DbOrTx): Promise<Person[]> {
  const rows = await db.select().from(people).orderBy(asc(people.name));
  const m = await membershipsOf(
    db,
    rows.map((r) => r.id),
  );
  return rows.map((r) => toPerson(r, m.get(r.id)?.departmentIds ?? []));
}

export async function loadViewer(db: DbOrTx, row: PersonRow): Promise<Viewer> {
  const m = (await membershipsOf(db, [row.id])).get(row.id);
  return {
    id: row.id,
    name: row.name,
    role: row.role,
    locale: row.locale,
    departmentIds: m?.departmentIds ?? [],
    leadDepartmentIds: m?.leadDepartmentIds ?? [],
  };
}
