import { departmentMembers, people } from '@defuse/drizzle';
import type { Person } from '@defuse/shared';
import { asc, eq, inArray, sql } from 'drizzle-orm';
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
  return toViewer(row, m?.departmentIds ?? [], m?.leadDepartmentIds ?? []);
}

const toViewer = (row: PersonRow, departmentIds: string[], leadDepartmentIds: string[]): Viewer => ({
  id: row.id,
  name: row.name,
  role: row.role,
  locale: row.locale,
  departmentIds,
  leadDepartmentIds,
});

/**
 * A select field with the person's memberships as `[[departmentId, isLead], …]` JSON text, so a
 * request's viewer comes in the same query as its session (auth runs on every request).
 */
export const membershipsField = sql<string>`(select coalesce(json_agg(json_build_array(${departmentMembers.departmentId}, ${departmentMembers.isLead})), '[]')::text from ${departmentMembers} where ${departmentMembers.personId} = ${people.id})`;

export function viewerFromRow(row: PersonRow, memberships: string): Viewer {
  const pairs = JSON.parse(memberships) as [string, boolean][];
  return toViewer(
    row,
    pairs.map(([id]) => id),
    pairs.filter(([, lead]) => lead).map(([id]) => id),
  );
}
