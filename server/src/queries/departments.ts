import { departmentMembers, departments, products } from '@defuse/drizzle';
import type { Department, Product } from '@defuse/shared';
import { asc, eq } from 'drizzle-orm';
import type { DbOrTx } from '../db/types.ts';

type DepartmentRow = typeof departments.$inferSelect;

function toDepartment(row: DepartmentRow, members: { personId: string; isLead: boolean }[]): Department {
  return {
    id: row.id,
    name: row.name,
    slug: row.slug,
    leadIds: members.filter((m) => m.isLead).map((m) => m.personId),
    memberIds: members.filter((m) => !m.isLead).map((m) => m.personId),
    webhookUrl: row.webhookUrl,
  };
}

/**
 * Every department. A webhook URL may hold its receiver's secret in its path (Slack's and Teams'
 * do), so only admins, who set them, read it: for anyone else it is null.
 */
export async function listDepartments(
  db: DbOrTx,
  { withWebhookUrls }: { withWebhookUrls: boolean },
): Promise<Department[]> {
  const rows = await db.select().from(departments).orderBy(asc(departments.name));
  const members = await db.select().from(departmentMembers);
  return rows.map((r) =>
    toDepartment(
      withWebhookUrls ? r : { ...r, webhookUrl: null },
      members.filter((m) => m.departmentId === r.id),
    ),
  );
}

export async function getDepartment(db: DbOrTx, id: string): Promise<Department | undefined> {
  const [row] = await db.select().from(departments).where(eq(departments.id, id));
  if (!row) return undefined;
  const members = await db.select().from(departmentMembers).where(eq(departmentMembers.departmentId, id));
  return toDepartment(row, members);
}

type ProductRow = typeof products.$inferSelect;
export const toProduct = (r: ProductRow): Product => ({
  id: r.id,
  name: r.name,
  slug: r.slug,
  stage: r.stage,
  pmId: r.pmId,
});

export async function listProducts(db: DbOrTx): Promise<Product[]> {
  return (await db.select().from(products).orderBy(asc(products.name))).map(toProduct);
}
