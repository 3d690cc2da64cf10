import { departments } from '@defuse/drizzle';
import { type Category, FeedbackResponseSchema, type RootCause } from '@defuse/shared';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { advance, must } from '../helpers/actions.ts';
import { createTestContext, type TestContext } from '../helpers/app.ts';
import { days, hours } from '../helpers/clock.ts';
import { type Actor, createActor, createProduct, createWorkspace, fileBomb } from '../helpers/factories.ts';
import { bodyOf } from '../helpers/inject.ts';

let ctx: TestContext;
let ws: Awaited<ReturnType<typeof createWorkspace>>;
let productId: string;
let otherProductId: string;
let pm: Actor;
const T0 = new Date('2026-03-02T09:00:00Z').getTime();

/** Sets the clock to `at` (forwards or back), keeping every test session alive across the jump. */
const moveTo = (at: number) => advance(ctx, (at - ctx.clock.now().getTime()) / 1000);

/**
 * Files through the real endpoint at `at`; a member of the department it routes to claims it
 * `claimAfter` later and resolves it `resolveAfter` after filing, through the real endpoints.
 */
async function resolved(
  at: number,
  category: Category,
  rootCause: RootCause,
  claimAfter: number,
  resolveAfter: number,
  product = productId,
) {
  await moveTo(at);
  const bomb = await fileBomb(ctx, ws.field, {
    title: `${rootCause} case`,
    category,
    severity: 'normal',
    productId: product,
  });
  const owner = category === 'shipping' ? ws.member : ws.docsMember;
  await moveTo(at + claimAfter * 1000);
  await must(ctx, owner, bomb.id, 'claim');
  await moveTo(at + resolveAfter * 1000);
  await must(ctx, owner, bomb.id, 'transition', { to: 'resolved', rootCause });
  return bomb;
}

beforeAll(async () => {
  ctx = await createTestContext();
  ws = await createWorkspace(ctx);
  productId = await createProduct(ctx);
  otherProductId = await createProduct(ctx);
  // the window before: manual_unclear ×2, shipping_operations ×1
  await resolved(T0, 'manual', 'manual_unclear', hours(1), hours(5));
  await resolved(T0, 'manual', 'manual_unclear', hours(1), hours(5));
  await resolved(T0, 'shipping', 'shipping_operations', hours(1), hours(5));
  // this window (the 30 days before T0 + 35 days): manual_unclear ×3, product_defect ×1, shipping_operations ×1
  const inWindow = T0 + days(10) * 1000;
  await resolved(inWindow, 'manual', 'manual_unclear', hours(1), hours(12));
  await resolved(inWindow, 'manual', 'manual_unclear', hours(2), hours(12));
  await resolved(inWindow, 'manual', 'manual_unclear', hours(3), hours(12));
  await resolved(inWindow, 'manual', 'product_defect', hours(4), hours(24));
  await resolved(inWindow, 'shipping', 'shipping_operations', hours(1), hours(2));
  await resolved(inWindow, 'manual', 'manual_unclear', hours(1), hours(2), otherProductId);
  await moveTo(T0 + days(35) * 1000);
  pm = await createActor(ctx, 'pm');
});
afterAll(async () => ctx.close());

describe('product feedback', () => {
  it('ranks root causes with counts, the previous window and the bombs behind them', async () => {
    const res = await ctx.app.inject({
      method: 'GET',
      url: `/api/products/${productId}/feedback?days=30`,
      headers: pm.headers,
    });
    expect(res.statusCode).toBe(200);
    const body = bodyOf(res, FeedbackResponseSchema);
    expect(body.causes.map((c) => [c.rootCause, c.category, c.count, c.previousCount, c.trend])).toEqual([
      ['manual_unclear', 'manual', 3, 2, 'up'],
      ['shipping_operations', 'shipping', 1, 1, 'flat'],
      ['product_defect', 'manual', 1, 0, 'up'],
    ]);
    const top = body.causes[0];
    expect(top?.messages.en).toBe('manual_unclear ×3 in 30 days, up from 2');
    expect(top?.messages.ja).toBe('manual_unclear ×3（30日間、前期間の2件から増加）');
    expect(top?.message).toBe(top?.messages.ja);
    expect(top?.bombIds).toHaveLength(3);
    expect(top?.bombKeys.every((k) => k.startsWith('MAN-'))).toBe(true);
  });

  it('reports department ownership time: median and p90 to claim and to resolve', async () => {
    const res = await ctx.app.inject({
      method: 'GET',
      url: `/api/products/${productId}/feedback`,
      headers: pm.headers,
    });
    const { ownership } = bodyOf(res, FeedbackResponseSchema);
    const docs = ownership.find((o) => o.departmentId === ws.departments.documentation);
    // claims after 1, 2, 3, 4 hours; resolutions after 12, 12, 12, 24 hours
    expect(docs).toMatchObject({
      category: 'manual',
      spans: 4,
      claimMedianSeconds: 9000,
      claimP90Seconds: 13_320,
      resolveMedianSeconds: 43_200,
      resolveP90Seconds: 73_440,
    });
    const logistics = ownership.find((o) => o.departmentId === ws.departments.logistics);
    expect(logistics).toMatchObject({ spans: 1, claimMedianSeconds: 3600, resolveMedianSeconds: 7200 });
  });

  it('a longer window takes in the earlier bombs', async () => {
    const res = await ctx.app.inject({
      method: 'GET',
      url: `/api/products/${productId}/feedback?days=60`,
      headers: pm.headers,
    });
    const body = bodyOf(res, FeedbackResponseSchema);
    expect(body.causes[0]).toMatchObject({ rootCause: 'manual_unclear', count: 5, previousCount: 0 });
  });

  it('exports CSV for Excel: UTF-8 BOM, headers in the viewer language, formulas defused', async () => {
    await ctx.deps.db
      .update(departments)
      .set({ name: '=HYPERLINK("http://x")' })
      .where(eq(departments.id, ws.departments.documentation));
    const causes = await ctx.app.inject({
      method: 'GET',
      url: `/api/products/${productId}/feedback.csv`,
      headers: pm.headers,
    });
    expect(causes.statusCode).toBe(200);
    expect(causes.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(causes.rawPayload.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    const lines = causes.body.replace(/^\uFEFF/, '').split('\r\n');
    expect(lines[0]).toBe('根本原因,カテゴリ,件数,前期間の件数,傾向,爆弾');
    expect(lines[1]).toMatch(/^manual_unclear,manual,3,2,up,MAN-\d+ MAN-\d+ MAN-\d+$/);
    const owned = await ctx.app.inject({
      method: 'GET',
      url: `/api/products/${productId}/feedback.csv?table=ownership`,
      headers: pm.headers,
    });
    expect(owned.body).toContain(`"'=HYPERLINK(""http://x"")",manual,4,9000,13320,43200,73440`);
  });

  it('refuses unknown products, bad windows and field contacts', async () => {
    const unknown = '0f0f0f0f-0000-4000-8000-000000000000';
    expect(
      (await ctx.app.inject({ method: 'GET', url: `/api/products/${unknown}/feedback`, headers: pm.headers }))
        .statusCode,
    ).toBe(404);
    const bad = await ctx.app.inject({
      method: 'GET',
      url: `/api/products/${productId}/feedback?days=0`,
      headers: pm.headers,
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ error: { code: 'validation_failed', fields: [{ path: 'query.days' }] } });
    const field = await createActor(ctx, 'field');
    expect(
      (await ctx.app.inject({ method: 'GET', url: `/api/products/${productId}/feedback`, headers: field.headers }))
        .statusCode,
    ).toBe(403);
    expect(
      (await ctx.app.inject({ method: 'GET', url: `/api/products/${productId}/feedback.csv`, headers: field.headers }))
        .statusCode,
    ).toBe(403);
  });
});
