import { type DefuseEvent, EventsResponseSchema } from '@defuse/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../helpers/app.ts';
import { type Actor, createWorkspace, fileBomb } from '../helpers/factories.ts';
import { bodyOf, errorOf } from '../helpers/inject.ts';

let ctx: TestContext;
let w: Awaited<ReturnType<typeof createWorkspace>>;

beforeAll(async () => {
  ctx = await createTestContext();
  w = await createWorkspace(ctx);
});
afterAll(() => ctx.close());

async function page(actor: Actor, after: number, limit: number) {
  const res = await ctx.app.inject({
    method: 'GET',
    url: `/api/events?after=${after}&limit=${limit}`,
    headers: actor.headers,
  });
  expect(res.statusCode).toBe(200);
  return bodyOf(res, EventsResponseSchema);
}

describe('GET /api/events', () => {
  it('pages through events in seq order with lastSeq as the next cursor, skipping what the viewer may not see', async () => {
    const open = await fileBomb(ctx, w.field);
    const secret = await fileBomb(ctx, w.field, { restricted: true });
    const later = await fileBomb(ctx, w.field);
    const all = await page(w.pm, 0, 100);
    expect(all.events.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(all.lastSeq).toBe(6);

    const seen: DefuseEvent[] = [];
    let after = 0;
    const cursors: number[] = [];
    for (;;) {
      const p = await page(w.otherField, after, 2);
      seen.push(...p.events);
      if (p.lastSeq === after) break;
      cursors.push(p.lastSeq);
      after = p.lastSeq;
    }
    // lastSeq moves past the restricted bomb's events even though none were returned for them.
    expect(cursors).toEqual([2, 4, 6]);
    expect(seen.map((e) => e.bombId)).toEqual([open.id, open.id, later.id, later.id]);
    expect(seen.some((e) => e.bombId === secret.id)).toBe(false);
  });

  it('refuses a missing session, and an out-of-range limit with a field error', async () => {
    expect((await ctx.app.inject({ method: 'GET', url: '/api/events' })).statusCode).toBe(401);
    const res = await ctx.app.inject({ method: 'GET', url: '/api/events?limit=5000', headers: w.pm.headers });
    expect(res.statusCode).toBe(400);
    expect(errorOf(res).fields?.[0]?.path).toBe('query.limit');
  });
});
