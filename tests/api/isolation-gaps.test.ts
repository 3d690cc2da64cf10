import { GapsResponseSchema } from '@defuse/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { must } from '../helpers/actions.ts';
import { createTestContext, type TestContext } from '../helpers/app.ts';
import { hours } from '../helpers/clock.ts';
import { createWorkspace, fileBomb } from '../helpers/factories.ts';
import { bodyOf } from '../helpers/inject.ts';

let ctx: TestContext;
let ws: Awaited<ReturnType<typeof createWorkspace>>;
const stockIds: string[] = [];

beforeAll(async () => {
  ctx = await createTestContext();
  ws = await createWorkspace(ctx);
  // manual: 6 bombs, all claimed by documentation
  for (let i = 0; i < 6; i++) {
    const b = await fileBomb(ctx, ws.field, { category: 'manual', title: `Manual ${i}` });
    await must(ctx, ws.docsMember, b.id, 'claim');
  }
  // shipping: 4 bombs, one declined to documentation, then claimed there
  for (let i = 0; i < 4; i++) {
    const b = await fileBomb(ctx, ws.field, { category: 'shipping', title: `Parcel ${i}` });
    if (i === 0)
      await must(ctx, ws.member, b.id, 'decline', {
        reason: 'Not ours',
        suggestedDepartmentId: ws.departments.documentation,
      });
    await must(ctx, i === 0 ? ws.docsMember : ws.member, b.id, 'claim');
  }
  // stock: 3 critical bombs nobody claims before their one-hour deadline
  for (let i = 0; i < 3; i++)
    stockIds.push((await fileBomb(ctx, ws.field, { category: 'stock', severity: 'critical' })).id);
  ctx.clock.advance(hours(2));
});
afterAll(async () => ctx.close());

describe('ownership gaps', () => {
  it('reports categories disproportionately declined, bounced or left unclaimed', async () => {
    const res = await ctx.app.inject({ method: 'GET', url: '/api/isolation/gaps?days=30', headers: ws.pm.headers });
    expect(res.statusCode).toBe(200);
    const body = bodyOf(res, GapsResponseSchema);
    const by = Object.fromEntries(body.categories.map((c) => [c.category, c]));
    // 14 spans routed (6 manual, 5 shipping incl. the one after the bounce, 3 stock); 4 in trouble
    expect(body.overallRate).toBeCloseTo(4 / 14);
    expect(by.stock).toMatchObject({ routed: 3, unclaimedOverdue: 3, rate: 1, flagged: true });
    expect(new Set(by.stock?.bombIds)).toEqual(new Set(stockIds));
    expect(by.shipping).toMatchObject({ routed: 5, declined: 1, flagged: false });
    expect(by.manual).toMatchObject({ routed: 6, declined: 0, flagged: false });
    expect(body.categories[0]?.category).toBe('stock');
    expect(by.stock?.messages.en).toBe(
      'stock: of 3 routed, 0 declined, 0 rerouted, 3 unclaimed past deadline (100%, 3.5× the overall rate)',
    );
    expect(by.stock?.message).toBe(by.stock?.messages.ja);
  });

  it('is for pms and admins only', async () => {
    for (const actor of [ws.field, ws.member, ws.lead]) {
      const res = await ctx.app.inject({ method: 'GET', url: '/api/isolation/gaps', headers: actor.headers });
      expect(res.statusCode).toBe(403);
    }
    expect(
      (await ctx.app.inject({ method: 'GET', url: '/api/isolation/gaps', headers: ws.admin.headers })).statusCode,
    ).toBe(200);
  });
});
