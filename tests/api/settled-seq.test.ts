import { appendEvents } from '@defuse/server/queries/events';
import { oldestRunning, SettledSeq } from '@defuse/server/queries/settled-seq';
import type { DefuseEvent } from '@defuse/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../helpers/app.ts';
import { usingPostgres } from '../helpers/db.ts';
import { createWorkspace } from '../helpers/factories.ts';

let ctx: TestContext;

beforeAll(async () => {
  ctx = await createTestContext({ dbMax: 4 });
});
afterAll(() => ctx.close());

const event = (n: number) => ({ type: 'bomb.commented' as const, actorId: null, at: ctx.clock.now(), data: { n } });

describe('SettledSeq', () => {
  it('reads the oldest running transaction out of a snapshot', () => {
    expect(oldestRunning('100:105:101,103')).toBe(100n);
    expect(oldestRunning('4294967396:4294967400:')).toBe(4_294_967_396n);
  });

  it('settles at the newest seq once nothing is in flight', async () => {
    const settled = new SettledSeq(ctx.deps.db);
    const [a] = await ctx.deps.db.transaction((tx) => appendEvents(tx, [event(1)]));
    const [b] = await ctx.deps.db.transaction((tx) => appendEvents(tx, [event(2)]));
    // Other databases on the same server may have transactions running: wait for the mark.
    expect(await settled.settle()).toBe(b?.seq);
    expect(a?.seq).toBeLessThan(b?.seq ?? 0);
  });
});

// Two transactions open at once need a server: PGlite runs one transaction at a time, so there
// the late commit this guards against cannot happen.
describe.runIf(usingPostgres())('a seq that commits late', () => {
  it('holds back later seqs until it commits, then delivers both in order', async () => {
    const settled = new SettledSeq(ctx.deps.db);
    const ws = await createWorkspace(ctx);
    let release = () => {};
    const held = new Promise<void>((r) => {
      release = r;
    });
    let early: DefuseEvent | undefined;
    const slow = ctx.deps.db.transaction(async (tx) => {
      [early] = await appendEvents(tx, [event(10)]);
      await held;
    });
    while (!early) await new Promise((r) => setTimeout(r, 5));
    const [late] = await ctx.deps.db.transaction((tx) => appendEvents(tx, [event(11)]));
    expect(late?.seq).toBeGreaterThan(early.seq);

    await settled.poll();
    expect(await settled.poll()).toBeLessThan(early.seq);
    const polled = await ctx.app.inject({
      method: 'GET',
      url: `/api/events?after=${early.seq - 1}`,
      headers: ws.pm.headers,
    });
    expect((polled.json() as { events: DefuseEvent[] }).events).toEqual([]);

    release();
    await slow;
    expect(await settled.settle()).toBeGreaterThanOrEqual(late?.seq ?? Number.POSITIVE_INFINITY);
    await ctx.app.inject({ method: 'GET', url: '/api/events?after=0', headers: ws.pm.headers });
    const after = await ctx.app.inject({
      method: 'GET',
      url: `/api/events?after=${early.seq - 1}`,
      headers: ws.pm.headers,
    });
    expect((after.json() as { events: DefuseEvent[] }).events.map((e) => e.seq)).toEqual([early.seq, late?.seq]);
  });
});
