import { departmentMembers, escalationJobs, ownershipSpans } from '@defuse/drizzle';
import { BombResponseSchema, RoutingTableSchema } from '@defuse/shared';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { timeline } from '../helpers/actions.ts';
import { createTestContext, type TestContext } from '../helpers/app.ts';
import { createActor, createDepartment, createProduct, createWorkspace, fileBomb } from '../helpers/factories.ts';
import { bodyOf, errorOf } from '../helpers/inject.ts';

let ctx: TestContext;
let ws: Awaited<ReturnType<typeof createWorkspace>>;

beforeAll(async () => {
  ctx = await createTestContext();
  ws = await createWorkspace(ctx);
});
afterAll(() => ctx.close());

const putRouting = (table: unknown, actor = ws.admin) =>
  ctx.app.inject({
    method: 'PUT',
    url: '/api/routing',
    headers: actor.headers,
    payload: table as Record<string, unknown>,
  });

describe('GET/PUT /api/routing', () => {
  it('serves the category defaults until an admin stores rules', async () => {
    const res = await ctx.app.inject({ method: 'GET', url: '/api/routing', headers: ws.admin.headers });
    expect(res.statusCode).toBe(200);
    const table = bodyOf(res, RoutingTableSchema);
    expect(table.fallbackDepartmentId).toBe(ws.departments.productOffice);
    expect(table.rules.find((r) => r.when.categories?.includes('shipping'))?.departmentId).toBe(
      ws.departments.logistics,
    );
  });

  it('only admins write it; members and leads may not read it', async () => {
    const table = { rules: [], fallbackDepartmentId: ws.departments.productOffice };
    expect((await putRouting(table, ws.pm)).statusCode).toBe(403);
    expect((await putRouting(table, ws.lead)).statusCode).toBe(403);
    const read = await ctx.app.inject({ method: 'GET', url: '/api/routing', headers: ws.member.headers });
    expect(read.statusCode).toBe(403);
  });

  it('an unknown department or person is a 400 naming the rule', async () => {
    const ghost = '00000000-0000-4000-8000-00000000dead';
    const res = await putRouting({
      rules: [
        { when: { categories: ['shipping'] }, departmentId: ws.departments.logistics },
        { when: { categories: ['manual'] }, departmentId: ghost },
        { when: { categories: ['stock'] }, departmentId: ws.departments.logistics, assigneeId: ghost },
        { when: { categories: ['quality'] }, departmentId: ws.departments.logistics, assigneeId: ws.docsMember.id },
      ],
      fallbackDepartmentId: ws.departments.productOffice,
    });
    expect(res.statusCode).toBe(400);
    const paths = errorOf(res).fields;
    expect(paths?.map((f) => f.path)).toEqual(['rules.1.departmentId', 'rules.2.assigneeId', 'rules.3.assigneeId']);
    expect(paths?.[0]?.message).toContain('Rule 2');
  });

  it('a malformed table is a 400 with field paths, never a 5xx', async () => {
    const res = await putRouting({ rules: [{ when: { minSeverity: 'urgent' }, departmentId: 'x' }] });
    expect(res.statusCode).toBe(400);
  });
});

describe('filing follows the stored table', () => {
  it('first match wins, keywords match Japanese case-insensitively, the routed event names the rule', async () => {
    const product = await createProduct(ctx);
    const res = await putRouting({
      rules: [
        { when: { categories: ['quality'], minSeverity: 'critical' }, departmentId: ws.departments.productOffice },
        { when: { keywords: ['配送', 'COURIER'] }, departmentId: ws.departments.logistics },
        { when: { productIds: [product] }, departmentId: ws.departments.documentation },
      ],
      fallbackDepartmentId: ws.departments.productOffice,
    });
    expect(res.statusCode).toBe(200);
    const cases = [
      [{ category: 'quality' as const, severity: 'critical' as const }, ws.departments.productOffice, 0],
      [{ category: 'other' as const, title: '配送業者が来ない' }, ws.departments.logistics, 1],
      [{ category: 'other' as const, description: 'the courier lost it' }, ws.departments.logistics, 1],
      [{ category: 'manual' as const, productId: product }, ws.departments.documentation, 2],
      [{ category: 'manual' as const }, ws.departments.productOffice, null],
    ] as const;
    for (const [input, departmentId, ruleIndex] of cases) {
      const bomb = await fileBomb(ctx, ws.field, input);
      expect(bomb.departmentId).toBe(departmentId);
      const routed = (await timeline(ctx, ws.pm, bomb.id)).find((e) => e.type === 'bomb.routed');
      expect(routed?.data.ruleIndex).toBe(ruleIndex);
    }
  });

  it('a department with no members sends the bomb to the fallback, and the event says so', async () => {
    const empty = await createDepartment(ctx, 'empty-dept');
    await putRouting({
      rules: [{ when: { categories: ['stock'] }, departmentId: empty }],
      fallbackDepartmentId: ws.departments.productOffice,
    });
    const bomb = await fileBomb(ctx, ws.field, { category: 'stock' });
    expect(bomb.departmentId).toBe(ws.departments.productOffice);
    const routed = (await timeline(ctx, ws.pm, bomb.id)).find((e) => e.type === 'bomb.routed');
    expect(routed?.data).toMatchObject({ fallbackReason: 'department_empty', skippedDepartmentId: empty });
  });

  it('sees a change to what routing reads at the next filing, whichever way it was written', async () => {
    // Filing keeps its routing context while the routing version holds; triggers move the version.
    const staffed = await createDepartment(ctx, 'soon-empty');
    const member = await createActor(ctx, 'member', { departmentIds: [staffed] });
    await putRouting({
      rules: [{ when: { categories: ['quality'] }, departmentId: staffed }],
      fallbackDepartmentId: ws.departments.productOffice,
    });
    expect((await fileBomb(ctx, ws.field, { category: 'quality' })).departmentId).toBe(staffed);
    // behind the server's back: no command, no signal
    await ctx.deps.db.delete(departmentMembers).where(eq(departmentMembers.personId, member.id));
    expect((await fileBomb(ctx, ws.field, { category: 'quality' })).departmentId).toBe(ws.departments.productOffice);
  });

  it('a rule naming a person claims the bomb on their behalf, with a resolve deadline', async () => {
    const owner = await createActor(ctx, 'member', { departmentIds: [ws.departments.documentation] });
    await putRouting({
      rules: [{ when: { categories: ['manual'] }, departmentId: ws.departments.documentation, assigneeId: owner.id }],
      fallbackDepartmentId: ws.departments.productOffice,
    });
    const bomb = await fileBomb(ctx, ws.field, { category: 'manual' });
    expect(bomb).toMatchObject({ status: 'claimed', assigneeId: owner.id, claimDueAt: null });
    expect(bomb.resolveDueAt).not.toBeNull();
    const detail = await ctx.app.inject({ method: 'GET', url: `/api/bombs/${bomb.id}`, headers: ws.pm.headers });
    expect(bodyOf(detail, BombResponseSchema).bomb).toEqual(bomb);
    const events = await timeline(ctx, ws.pm, bomb.id);
    expect(events.map((e) => e.type)).toEqual(['bomb.filed', 'bomb.routed', 'bomb.claimed']);
    expect(events[2]?.data).toMatchObject({ onBehalf: true, ruleIndex: 0 });
    const jobs = await ctx.deps.db.select().from(escalationJobs).where(eq(escalationJobs.bombId, bomb.id));
    expect(new Set(jobs.map((j) => j.reason))).toEqual(new Set(['resolve_overdue', 'claimed_idle']));
    const spans = await ctx.deps.db.select().from(ownershipSpans).where(eq(ownershipSpans.bombId, bomb.id));
    expect(spans.map((s) => [s.departmentId, s.claimedAt?.toISOString()])).toEqual([
      [ws.departments.documentation, bomb.createdAt],
    ]);
  });

  it('filing writes the claim-deadline escalation rows, one per tier of the policy', async () => {
    const bomb = await fileBomb(ctx, ws.field, { category: 'shipping', title: 'late' });
    const jobs = await ctx.deps.db.select().from(escalationJobs).where(eq(escalationJobs.bombId, bomb.id));
    expect(jobs.map((j) => [j.reason, j.tier, j.target])).toEqual([
      ['claim_overdue', 1, 'lead'],
      ['claim_overdue', 2, 'pm'],
      ['claim_overdue', 3, 'admin'],
    ]);
    expect(jobs[0]?.deadlineAt.toISOString()).toBe(bomb.claimDueAt);
  });
});

describe('GET/PUT /api/departments/:id/policy', () => {
  const policy = {
    claimWithinSeconds: { low: 600, normal: 300, high: 120, critical: 60 },
    resolveWithinSeconds: { low: 6000, normal: 3000, high: 1200, critical: 600 },
    idleSeconds: 900,
    tiers: [{ afterSeconds: 0, target: 'lead' }],
  };
  const url = () => `/api/departments/${ws.departments.logistics}/policy`;

  it('the lead of the department or an admin sets it; others get 403', async () => {
    for (const actor of [ws.member, ws.pm, ws.field]) {
      const res = await ctx.app.inject({ method: 'PUT', url: url(), headers: actor.headers, payload: policy });
      expect(res.statusCode).toBe(403);
    }
    const otherLead = await createActor(ctx, 'lead', { leadOf: [ws.departments.documentation] });
    const res = await ctx.app.inject({ method: 'PUT', url: url(), headers: otherLead.headers, payload: policy });
    expect(res.statusCode).toBe(403);
    const ok = await ctx.app.inject({ method: 'PUT', url: url(), headers: ws.lead.headers, payload: policy });
    expect(ok.statusCode).toBe(200);
    const read = await ctx.app.inject({ method: 'GET', url: url(), headers: ws.field.headers });
    expect(read.json()).toEqual(policy);
  });

  it('a new deadline follows the new policy', async () => {
    await putRouting({
      rules: [{ when: { categories: ['shipping'] }, departmentId: ws.departments.logistics }],
      fallbackDepartmentId: ws.departments.productOffice,
    });
    const bomb = await fileBomb(ctx, ws.field, { category: 'shipping', severity: 'normal', title: 'late again' });
    expect(Date.parse(bomb.claimDueAt ?? '') - ctx.clock.now().getTime()).toBe(300_000);
  });

  it('invalid policies are 400; unknown departments 404', async () => {
    const bad = await ctx.app.inject({
      method: 'PUT',
      url: url(),
      headers: ws.admin.headers,
      payload: { ...policy, tiers: [{ afterSeconds: -1, target: 'ceo' }] },
    });
    expect(bad.statusCode).toBe(400);
    const missing = await ctx.app.inject({
      method: 'GET',
      url: '/api/departments/00000000-0000-4000-8000-000000000001/policy',
      headers: ws.admin.headers,
    });
    expect(missing.statusCode).toBe(404);
  });
});
