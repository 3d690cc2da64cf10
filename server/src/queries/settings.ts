import { departmentMembers, departmentPolicies, departments, settings } from '@defuse/drizzle';
import { DEFAULT_POLICY, type Policy, PolicySchema, type RoutingTable, RoutingTableSchema } from '@defuse/shared';
import { asc, eq, sql } from 'drizzle-orm';
import { type DbOrTx, rowsOf } from '../db/types.ts';

/** Category → department slug, used until an admin stores routing rules. */
const DEFAULT_ROUTES: Record<string, string[]> = {
  logistics: ['shipping'],
  documentation: ['manual'],
  production: ['stock', 'quality'],
  'customer-success': ['expectation'],
};
const DEFAULT_FALLBACK_SLUG = 'product-office';

export async function getSetting(db: DbOrTx, key: string): Promise<unknown> {
  const [row] = await db.select({ value: settings.value }).from(settings).where(eq(settings.key, key));
  return row?.value;
}

export async function putSetting(db: DbOrTx, key: string, value: unknown, now: Date): Promise<void> {
  await db
    .insert(settings)
    .values({ key, value, updatedAt: now })
    .onConflictDoUpdate({ target: settings.key, set: { value, updatedAt: now } });
}

/** The stored routing table, or the category defaults over the departments that exist. */
export async function getRoutingTable(db: DbOrTx): Promise<RoutingTable | null> {
  const stored = RoutingTableSchema.safeParse(await getSetting(db, 'routing'));
  if (stored.success) return stored.data;
  const rows = await db
    .select({ id: departments.id, slug: departments.slug })
    .from(departments)
    .orderBy(asc(departments.createdAt));
  return defaultRoutingTable(rows);
}

function defaultRoutingTable(rows: { id: string; slug: string }[]): RoutingTable | null {
  if (rows.length === 0) return null;
  const bySlug = new Map(rows.map((r) => [r.slug, r.id]));
  const rules = Object.entries(DEFAULT_ROUTES).flatMap(([slug, categories]) => {
    const departmentId = bySlug.get(slug);
    return departmentId
      ? [{ when: { categories: categories as RoutingTable['rules'][number]['when']['categories'] }, departmentId }]
      : [];
  });
  const fallback = bySlug.get(DEFAULT_FALLBACK_SLUG) ?? rows[0]?.id;
  return fallback ? { rules, fallbackDepartmentId: fallback } : null;
}

/** What filing needs to route a bomb and set its deadlines. */
export interface RoutingContext {
  table: RoutingTable | null;
  staffed: Set<string>;
  policyOf(departmentId: string): Policy;
}

/**
 * Everything routing reads, in one statement: the stored table (or the defaults over the
 * departments), which departments have members, and every department's policy. Filing is the hot
 * path; this is one round trip where separate reads were four.
 */
export async function getRoutingContext(db: DbOrTx): Promise<RoutingContext> {
  const [row] = rowsOf<{ routing: string | null; departments: string; staffed: string; policies: string }>(
    await db.execute(sql`select
      (select value::text from ${settings} where key = 'routing') as routing,
      (select coalesce(json_agg(json_build_object('id', id, 'slug', slug) order by created_at), '[]')::text from ${departments}) as departments,
      (select coalesce(json_agg(d.id), '[]')::text from ${departments} d
        where exists (select 1 from ${departmentMembers} m where m.department_id = d.id)) as staffed,
      (select coalesce(json_object_agg(department_id, policy), '{}')::text from ${departmentPolicies}) as policies`),
  );
  const stored = RoutingTableSchema.safeParse(row?.routing ? JSON.parse(row.routing) : undefined);
  const policies = JSON.parse(row?.policies ?? '{}') as Record<string, unknown>;
  return {
    table: stored.success ? stored.data : defaultRoutingTable(JSON.parse(row?.departments ?? '[]')),
    staffed: new Set(JSON.parse(row?.staffed ?? '[]') as string[]),
    policyOf(departmentId) {
      const parsed = PolicySchema.safeParse(policies[departmentId]);
      return parsed.success ? parsed.data : DEFAULT_POLICY;
    },
  };
}

const contexts = new WeakMap<object, { version: number; context: RoutingContext }>();

/**
 * The routing context for `version`, read only when it is not the one this database's last read
 * was for. Keyed by the database handle (`owner`), since one process may serve several databases
 * (tests do). A change that commits between the version read and the context read leaves a
 * context newer than its version: the next filing reads a newer version and reads again.
 */
export async function routingContextAt(owner: object, db: DbOrTx, version: number): Promise<RoutingContext> {
  const known = contexts.get(owner);
  if (known?.version === version) return known.context;
  const context = await getRoutingContext(db);
  contexts.set(owner, { version, context });
  return context;
}

export async function getPolicy(db: DbOrTx, departmentId: string): Promise<Policy> {
  const [row] = await db
    .select({ policy: departmentPolicies.policy })
    .from(departmentPolicies)
    .where(eq(departmentPolicies.departmentId, departmentId));
  const parsed = PolicySchema.safeParse(row?.policy);
  return parsed.success ? parsed.data : DEFAULT_POLICY;
}
