import { randomUUID } from 'node:crypto';
import { bombs, departmentMembers, departments, people, products, sessions } from '@defuse/drizzle';
import { hashPassword } from '@defuse/server/auth/passwords';
import { hashToken, newToken, SESSION_COOKIE } from '@defuse/server/auth/tokens';
import { rowsOf } from '@defuse/server/db/types';
import type { NewEvent } from '@defuse/server/queries/events';
import {
  type Bomb,
  BombResponseSchema,
  CATEGORY_KEY_PREFIX,
  type Category,
  type Person,
  type Role,
  type Severity,
} from '@defuse/shared';
import { sql } from 'drizzle-orm';
import { TEST_ORIGIN, type TestContext } from './app.ts';
import { bodyOf } from './inject.ts';

export const TEST_PASSWORD = 'correct horse battery';
let passwordHash: Promise<string> | undefined;

export interface Actor {
  id: string;
  role: Role;
  email: string;
  /** Cookie and Origin headers of a signed-in browser. */
  headers: { cookie: string; origin: string };
  token: string;
}

/** A person with a live session, written straight to the database (sign-in itself is tested on its own). */
export async function createActor(
  ctx: Pick<TestContext, 'deps'>,
  role: Role,
  options: { departmentIds?: string[]; leadOf?: string[]; name?: string; email?: string } = {},
): Promise<Actor> {
  passwordHash ??= hashPassword(TEST_PASSWORD);
  const now = ctx.deps.clock.now();
  const email = options.email ?? `${role}-${randomUUID().slice(0, 8)}@example.test`;
  const [row] = await ctx.deps.db
    .insert(people)
    .values({
      name: options.name ?? `${role} ${email.slice(0, 12)}`,
      email,
      role,
      passwordHash: await passwordHash,
      createdAt: now,
    })
    .returning({ id: people.id });
  if (!row) throw new Error('person insert failed');
  const lead = new Set(options.leadOf ?? []);
  const all = new Set([...(options.departmentIds ?? []), ...lead]);
  for (const departmentId of all) {
    await ctx.deps.db
      .insert(departmentMembers)
      .values({ departmentId, personId: row.id, isLead: lead.has(departmentId) });
  }
  const token = newToken();
  await ctx.deps.db.insert(sessions).values({
    tokenHash: hashToken(token),
    personId: row.id,
    createdAt: now,
    lastSeenAt: now,
    expiresAt: new Date(now.getTime() + 30 * 86_400_000),
  });
  return { id: row.id, role, email, token, headers: { cookie: `${SESSION_COOKIE}=${token}`, origin: TEST_ORIGIN } };
}

export async function createDepartment(ctx: Pick<TestContext, 'deps'>, slug: string, name = slug): Promise<string> {
  const [row] = await ctx.deps.db
    .insert(departments)
    .values({ slug, name, createdAt: ctx.deps.clock.now() })
    .returning({ id: departments.id });
  if (!row) throw new Error('department insert failed');
  return row.id;
}

export async function createProduct(
  ctx: Pick<TestContext, 'deps'>,
  slug = `p-${randomUUID().slice(0, 6)}`,
): Promise<string> {
  const [row] = await ctx.deps.db
    .insert(products)
    .values({ slug, name: slug, stage: 'pilot', createdAt: ctx.deps.clock.now() })
    .returning({ id: products.id });
  if (!row) throw new Error('product insert failed');
  return row.id;
}

/**
 * A small workspace: the five demo departments (so category defaults route), a field contact,
 * a lead and a member of logistics, a pm and an admin.
 */
export async function createWorkspace(ctx: Pick<TestContext, 'deps'>) {
  const logistics = await createDepartment(ctx, 'logistics');
  const documentation = await createDepartment(ctx, 'documentation');
  const production = await createDepartment(ctx, 'production');
  const customerSuccess = await createDepartment(ctx, 'customer-success');
  const productOffice = await createDepartment(ctx, 'product-office');
  const departmentsBySlug = { logistics, documentation, production, customerSuccess, productOffice };
  const field = await createActor(ctx, 'field');
  const otherField = await createActor(ctx, 'field');
  const lead = await createActor(ctx, 'lead', { leadOf: [logistics] });
  const member = await createActor(ctx, 'member', { departmentIds: [logistics] });
  const docsMember = await createActor(ctx, 'member', { departmentIds: [documentation] });
  const pm = await createActor(ctx, 'pm', { departmentIds: [productOffice] });
  const admin = await createActor(ctx, 'admin');
  return { departments: departmentsBySlug, field, otherField, lead, member, docsMember, pm, admin };
}

export const bombInput = (
  overrides: Partial<{
    title: string;
    description: string;
    category: Category;
    severity: Severity;
    productId: string;
    customer: string;
    restricted: boolean;
  }> = {},
) => ({
  title: 'Shipment late for the pilot customer',
  category: 'shipping' as Category,
  severity: 'normal' as Severity,
  ...overrides,
});

/** Files a bomb through the real endpoint and returns it. */
export async function fileBomb(
  ctx: Pick<TestContext, 'app'>,
  actor: Actor,
  overrides: Parameters<typeof bombInput>[0] = {},
): Promise<Bomb> {
  const res = await ctx.app.inject({
    method: 'POST',
    url: '/api/bombs',
    headers: actor.headers,
    payload: bombInput(overrides),
  });
  if (res.statusCode !== 201) throw new Error(`filing failed: ${res.statusCode} ${res.body}`);
  return bodyOf(res, BombResponseSchema).bomb;
}

export type { Person };

/** A complete person.isolation_changed event, for tests that write some event directly. */
export const isolationChanged = (
  at: Date,
  personId: string | null = null,
  score = 40,
): NewEvent<'person.isolation_changed'> => ({
  type: 'person.isolation_changed',
  personId,
  actorId: null,
  at,
  data: { state: 'watch', previousState: 'ok', score, reasons: [] },
});

/**
 * Many open bombs at once, written straight to the bombs table (numbers from the real sequence,
 * keys as filing makes them): for views that must hold at real size, where filing a thousand
 * through the endpoint would only slow the test. No events, spans or escalation jobs.
 */
export async function insertOpenBombs(
  ctx: Pick<TestContext, 'deps'>,
  count: number,
  fields: {
    filedById: string;
    departmentId: string;
    category?: Category;
    severity?: Severity;
    tier?: number;
    restricted?: boolean;
    status?: 'open' | 'claimed' | 'waiting';
    assigneeId?: string;
    title?: (i: number) => string;
    claimDueAt?: Date;
  },
): Promise<{ id: string; key: string }[]> {
  const now = ctx.deps.clock.now();
  const category = fields.category ?? 'shipping';
  const out: { id: string; key: string }[] = [];
  for (let start = 0; start < count; start += 500) {
    const size = Math.min(500, count - start);
    const numbers = rowsOf<{ n: string }>(
      await ctx.deps.db.execute(sql`select nextval('bomb_number_seq')::text as n from generate_series(1, ${size})`),
    );
    const rows = numbers.map((r, i) => {
      const number = Number(r.n);
      return {
        number,
        key: `${CATEGORY_KEY_PREFIX[category]}-${number}`,
        title: fields.title?.(start + i) ?? `Bulk bomb ${start + i + 1}`,
        category,
        severity: fields.severity ?? 'normal',
        status: fields.status ?? 'open',
        restricted: fields.restricted ?? false,
        filedById: fields.filedById,
        departmentId: fields.departmentId,
        assigneeId: fields.assigneeId ?? null,
        tier: fields.tier ?? 0,
        claimDueAt: fields.claimDueAt ?? new Date(now.getTime() + 86_400_000),
        createdAt: new Date(now.getTime() - (start + i) * 1000),
        updatedAt: now,
      };
    });
    out.push(...(await ctx.deps.db.insert(bombs).values(rows).returning({ id: bombs.id, key: bombs.key })));
  }
  return out;
}
