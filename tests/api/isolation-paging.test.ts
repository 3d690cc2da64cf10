import { drainIsolation } from '@defuse/server/commands/refresh-isolation';
import { IsolationResponseSchema } from '@defuse/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { advance, must } from '../helpers/actions.ts';
import { createTestContext, type TestContext } from '../helpers/app.ts';
import { type Actor, createActor, createWorkspace, fileBomb } from '../helpers/factories.ts';
import { bodyOf, errorOf } from '../helpers/inject.ts';

let ctx: TestContext;
let ws: Awaited<ReturnType<typeof createWorkspace>>;
let logistics: string[];

beforeEach(async () => {
  ctx = await createTestContext();
  ws = await createWorkspace(ctx);
  // Nine more field contacts carrying 0, 1 or 2 bombs each: many equal scores, so pages split ties.
  const contacts: Actor[] = [ws.field, ws.otherField];
  for (let i = 0; i < 9; i++) contacts.push(await createActor(ctx, 'field'));
  const filed = [];
  for (const [i, contact] of contacts.entries())
    for (let n = 0; n < i % 3; n++) filed.push(await fileBomb(ctx, contact, { title: `Carried ${i}.${n}` }));
  // Logistics (the lead's department) claims three of them, so its people are on the list too.
  const second = await createActor(ctx, 'member', { departmentIds: [ws.departments.logistics] });
  logistics = [ws.lead.id, ws.member.id, second.id];
  for (const [i, claimer] of [ws.lead, ws.member, second].entries()) {
    const bomb = filed[i];
    if (!bomb) throw new Error('setup filed too few bombs');
    await must(ctx, claimer, bomb.id, 'claim');
  }
  await advance(ctx, 3 * 86_400);
  await drainIsolation(ctx.deps);
});
afterEach(async () => ctx.close());

async function get(viewer: Actor, url: string) {
  return ctx.app.inject({ method: 'GET', url, headers: viewer.headers });
}

async function allPages(viewer: Actor, query: string): Promise<{ ids: string[]; pages: number }> {
  const ids: string[] = [];
  let pages = 0;
  let cursor: string | null = null;
  do {
    const res = await get(viewer, `/api/isolation?${query}${cursor ? `&cursor=${cursor}` : ''}`);
    expect(res.statusCode).toBe(200);
    const page = bodyOf(res, IsolationResponseSchema);
    ids.push(...page.people.map((p) => p.personId));
    cursor = page.nextCursor;
    pages += 1;
  } while (cursor);
  return { ids, pages };
}

describe('GET /api/isolation pages with a cursor', () => {
  it('walks everyone in score order, each once, across ties, and the last page says so', async () => {
    const whole = bodyOf(await get(ws.pm, '/api/isolation'), IsolationResponseSchema);
    expect(whole.nextCursor).toBeNull();
    const scores = whole.people.map((p) => p.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    // the setup must produce ties, or this test would not cover the tie-break
    expect(new Set(scores).size).toBeLessThan(scores.length - 2);
    expect(scores[0]).toBeGreaterThan(0);

    const paged = await allPages(ws.pm, 'limit=2');
    expect(paged.ids).toEqual(whole.people.map((p) => p.personId));
    expect(paged.pages).toBe(Math.ceil(whole.people.length / 2));
  });

  it('keeps the state filter and a lead’s department across pages', async () => {
    const ok = bodyOf(await get(ws.pm, '/api/isolation?state=ok'), IsolationResponseSchema);
    expect(ok.people.length).toBeGreaterThan(2);
    expect((await allPages(ws.pm, 'state=ok&limit=1')).ids).toEqual(ok.people.map((p) => p.personId));

    const everyone = bodyOf(await get(ws.pm, '/api/isolation'), IsolationResponseSchema);
    const mine = await allPages(ws.lead, 'limit=1');
    expect(mine.ids).toEqual(everyone.people.map((p) => p.personId).filter((id) => logistics.includes(id)));
    expect(mine.ids.sort()).toEqual([...logistics].sort());
  });

  it('answers 400 naming the field for a forged cursor or a page over 200', async () => {
    const forged = [
      'not-a-cursor',
      Buffer.from(JSON.stringify([1, 'x'])).toString('base64url'),
      Buffer.from(JSON.stringify(['1', ws.field.id])).toString('base64url'),
      Buffer.from(JSON.stringify({ score: 1, id: ws.field.id })).toString('base64url'),
    ];
    for (const cursor of forged) {
      const res = await get(ws.pm, `/api/isolation?cursor=${cursor}`);
      expect(res.statusCode).toBe(400);
      expect(errorOf(res).fields?.map((f) => f.path)).toEqual(['query.cursor']);
    }
    const big = await get(ws.pm, '/api/isolation?limit=201');
    expect(big.statusCode).toBe(400);
    expect(errorOf(big).fields?.[0]?.path).toBe('query.limit');
  });
});
