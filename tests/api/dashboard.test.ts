import { bombs } from '@defuse/drizzle';
import { BombListResponseSchema, type DashboardResponse, DashboardResponseSchema } from '@defuse/shared';
import { eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { advance } from '../helpers/actions.ts';
import { createTestContext, type TestContext } from '../helpers/app.ts';
import { hours } from '../helpers/clock.ts';
import { type Actor, createActor, createWorkspace, insertOpenBombs } from '../helpers/factories.ts';
import { bodyOf } from '../helpers/inject.ts';

let ctx: TestContext;
let ws: Awaited<ReturnType<typeof createWorkspace>>;
let productionLead: Actor;
/** Keys of the bombs past tier 0, and of the restricted one (escalated too). */
const escalated = new Set<string>();
let restrictedKey = '';

/**
 * 285 open bombs over three departments (more than a page of the bomb list), 19 of logistics'
 * at tier 3, one restricted bomb in documentation, and bombs already resolved that never count.
 */
beforeAll(async () => {
  ctx = await createTestContext();
  ws = await createWorkspace(ctx);
  productionLead = await createActor(ctx, 'lead', { leadOf: [ws.departments.production] });
  const d = ws.departments;
  const filedById = ws.field.id;
  await insertOpenBombs(ctx, 101, { filedById, departmentId: d.logistics, category: 'shipping' });
  const hot = await insertOpenBombs(ctx, 19, { filedById, departmentId: d.logistics, category: 'stock', tier: 3 });
  for (const b of hot) escalated.add(b.key);
  await insertOpenBombs(ctx, 90, { filedById, departmentId: d.documentation, category: 'manual', severity: 'high' });
  await insertOpenBombs(ctx, 75, { filedById, departmentId: d.production, category: 'quality', status: 'claimed' });
  const [secret] = await insertOpenBombs(ctx, 1, {
    filedById: ws.otherField.id,
    departmentId: d.documentation,
    category: 'manual',
    restricted: true,
    tier: 1,
  });
  if (!secret) throw new Error('no restricted bomb');
  restrictedKey = secret.key;
  escalated.add(secret.key);
  const done = await insertOpenBombs(ctx, 30, { filedById, departmentId: d.logistics, tier: 2 });
  await ctx.deps.db
    .update(bombs)
    .set({ status: 'resolved' })
    .where(
      inArray(
        bombs.id,
        done.map((b) => b.id),
      ),
    );
  // Time passes on the server's clock: ages and overdue run to it, not to the machine's time.
  await advance(ctx, hours(30));
});
afterAll(async () => {
  await ctx?.close();
});

async function dashboard(actor: Actor, query = ''): Promise<DashboardResponse> {
  const res = await ctx.app.inject({ method: 'GET', url: `/api/dashboard${query}`, headers: actor.headers });
  expect(res.statusCode, res.body).toBe(200);
  return bodyOf(res, DashboardResponseSchema);
}

/** Every escalation, page after page, as the board's "show more" walks them. */
async function allEscalations(actor: Actor, limit: number): Promise<string[]> {
  const keys: string[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const page: DashboardResponse = await dashboard(
      actor,
      `?limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
    );
    keys.push(...page.escalations.items.map((b) => b.key));
    cursor = page.escalations.nextCursor;
    pages++;
    expect(pages).toBeLessThan(50);
  } while (cursor);
  return keys;
}

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

describe('GET /api/dashboard counts every bomb the viewer may see, at any size', () => {
  it('the heatmap and the departments add up to every open bomb (286 for a pm), not a first page', async () => {
    for (const viewer of [ws.pm, ws.admin]) {
      const body = await dashboard(viewer);
      expect(sum(body.heatmap.map((c) => c.open))).toBe(286);
      expect(sum(body.departments.map((c) => c.open))).toBe(286);
      const logistics = body.heatmap.filter((c) => c.departmentId === ws.departments.logistics);
      expect(logistics.map((c) => [c.category, c.open, c.load])).toEqual([
        ['shipping', 101, 101],
        ['stock', 19, 19],
      ]);
      const docs = body.heatmap.find((c) => c.departmentId === ws.departments.documentation);
      expect(docs).toMatchObject({ category: 'manual', open: 91 });
      // Severity weighs the load: 90 high (2 each) and the restricted normal one.
      expect(docs?.load).toBe(181);
    }
  });

  it('department ages and overdue run to the server clock', async () => {
    const body = await dashboard(ws.pm);
    const logistics = body.departments.find((d) => d.departmentId === ws.departments.logistics);
    // Each batch filed one second apart back from the start; 30 hours later, past every claim deadline (24 h).
    const ages = [...Array.from({ length: 101 }, (_, i) => i), ...Array.from({ length: 19 }, (_, i) => i)].sort(
      (a, b) => a - b,
    );
    expect(logistics?.open).toBe(120);
    expect(logistics?.overdue).toBe(120);
    expect(logistics?.oldestAgeSeconds).toBe(hours(30) + 100);
    expect(logistics?.medianAgeSeconds).toBe(hours(30) + ((ages[59] ?? 0) + (ages[60] ?? 0)) / 2);
    // Claimed bombs have no resolve deadline here: open, none overdue.
    const production = body.departments.find((d) => d.departmentId === ws.departments.production);
    expect(production).toMatchObject({ open: 75, overdue: 0 });
  });

  it('escalations come a page at a time and paging reaches every escalated bomb, highest tier first', async () => {
    const keys = await allEscalations(ws.pm, 7);
    expect(keys).toHaveLength(escalated.size);
    expect(new Set(keys)).toEqual(escalated);
    expect(keys.at(-1)).toBe(restrictedKey);
    const first = await dashboard(ws.pm, '?limit=7');
    expect(first.escalations.items.every((b) => b.tier === 3)).toBe(true);
  });

  it('a lead sees only its departments, and a restricted bomb only where it may be read', async () => {
    const lead = await dashboard(ws.lead);
    expect(new Set(lead.heatmap.map((c) => c.departmentId))).toEqual(new Set([ws.departments.logistics]));
    expect(sum(lead.heatmap.map((c) => c.open))).toBe(120);
    expect(lead.departments.map((d) => d.departmentId)).toEqual([ws.departments.logistics]);
    const leadEscalations = await allEscalations(ws.lead, 5);
    expect(leadEscalations).toHaveLength(19);
    expect(leadEscalations).not.toContain(restrictedKey);

    const other = await dashboard(productionLead);
    expect(sum(other.heatmap.map((c) => c.open))).toBe(75);
    expect(other.escalations.items).toEqual([]);
  });

  it('a lead of the restricted bomb’s department counts it; moving it elsewhere takes it out', async () => {
    const docsLead = await createActor(ctx, 'lead', { leadOf: [ws.departments.documentation] });
    const before = await dashboard(docsLead);
    expect(sum(before.heatmap.map((c) => c.open))).toBe(91);
    expect(before.escalations.items.map((b) => b.key)).toEqual([restrictedKey]);

    await ctx.deps.db
      .update(bombs)
      .set({ departmentId: ws.departments.production })
      .where(eq(bombs.key, restrictedKey));
    const after = await dashboard(docsLead);
    expect(sum(after.heatmap.map((c) => c.open))).toBe(90);
    expect(after.escalations.items).toEqual([]);
    // The production lead now reads it (its department), and so does the pm, still once.
    expect(sum((await dashboard(productionLead)).heatmap.map((c) => c.open))).toBe(76);
    expect(sum((await dashboard(ws.pm)).heatmap.map((c) => c.open))).toBe(286);
    await ctx.deps.db
      .update(bombs)
      .set({ departmentId: ws.departments.documentation })
      .where(eq(bombs.key, restrictedKey));
  });

  it('the bomb list says its total on the first page and pages to the last bomb (a pm, every department)', async () => {
    const seen = new Set<string>();
    let cursor: string | null = null;
    let total: number | undefined;
    do {
      const url: string = `/api/bombs?status=open,claimed,waiting&sort=claimDue&limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const res = await ctx.app.inject({ method: 'GET', url, headers: ws.pm.headers });
      const body = bodyOf(res, BombListResponseSchema);
      if (!cursor) total = body.total;
      else expect(body.total).toBeUndefined();
      for (const b of body.items) seen.add(b.key);
      cursor = body.nextCursor;
    } while (cursor);
    expect(total).toBe(286);
    expect(seen.size).toBe(286);
  });

  it('members and field contacts have no dashboard; a bad cursor is a 400 on query.cursor', async () => {
    for (const actor of [ws.member, ws.field]) {
      const res = await ctx.app.inject({ method: 'GET', url: '/api/dashboard', headers: actor.headers });
      expect(res.statusCode).toBe(403);
    }
    const bad = await ctx.app.inject({ method: 'GET', url: '/api/dashboard?cursor=nope', headers: ws.pm.headers });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.fields[0].path).toBe('query.cursor');
  });
});
